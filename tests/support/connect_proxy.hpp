// SPDX-License-Identifier: Apache-2.0
#pragma once
// Test support: a small HTTP CONNECT proxy on 127.0.0.1 (blocking Asio, one
// thread per connection, on HostileServer). It tunnels, demands credentials
// (407), or fails (502, silence), and records what it was asked.

#include "hostile_server.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <mutex>
#include <string>
#include <thread>

namespace slawatch::testing {

class ConnectProxy {
public:
    using tcp = boost::asio::ip::tcp;
    enum class Mode { tunnel, bad_gateway, silent };

    // `authorization`: when set, a CONNECT without exactly this
    // Proxy-Authorization value is answered 407.
    explicit ConnectProxy(Mode mode = Mode::tunnel, std::string authorization = {})
        : mode_(mode),
          authorization_(std::move(authorization)),
          server_([this](tcp::socket& s) { handle(s); }) {}

    std::uint16_t port() const { return server_.port(); }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
    int connections() const { return server_.connections(); }

    // The request head of the last CONNECT.
    std::string last_head() const {
        std::lock_guard lock(mutex_);
        return last_head_;
    }

private:
    static std::string header(const std::string& head, std::string_view name) {
        auto at = head.find(std::string("\r\n") + std::string(name) + ": ");
        if (at == std::string::npos) return {};
        at += name.size() + 4;
        return head.substr(at, head.find("\r\n", at) - at);
    }

    void handle(tcp::socket& s) {
        const std::string head = read_request_head(s);
        {
            std::lock_guard lock(mutex_);
            last_head_ = head;
        }
        if (mode_ == Mode::silent) return drain_until_closed(s);
        if (!head.starts_with("CONNECT ")) return write_all(s, response(400, "Bad Request", ""));
        if (!authorization_.empty() && header(head, "Proxy-Authorization") != authorization_)
            return write_all(s, response(407, "Proxy Authentication Required", "",
                                         "Proxy-Authenticate: Basic realm=\"test\"\r\n"));
        if (mode_ == Mode::bad_gateway) return write_all(s, response(502, "Bad Gateway", ""));
        // "CONNECT 127.0.0.1:port HTTP/1.1": only loopback targets in tests.
        const auto target = head.substr(8, head.find(' ', 8) - 8);
        const auto colon = target.rfind(':');
        tcp::socket up(s.get_executor());
        boost::system::error_code ec;
        up.connect(tcp::endpoint(boost::asio::ip::make_address(target.substr(0, colon)),
                                 static_cast<std::uint16_t>(std::stoi(target.substr(colon + 1)))),
                   ec);
        if (ec) return write_all(s, response(502, "Bad Gateway", ""));
        write_all(s, "HTTP/1.1 200 Connection established\r\n\r\n");
        // Both directions until either side closes.
        std::thread down([&] { pump(up, s); });
        pump(s, up);
        down.join();
    }

    static void pump(tcp::socket& from, tcp::socket& to) {
        char buf[4096];
        boost::system::error_code ec;
        while (true) {
            const std::size_t n = from.read_some(boost::asio::buffer(buf), ec);
            if (ec) break;
            boost::asio::write(to, boost::asio::buffer(buf, n), ec);
            if (ec) break;
        }
        to.shutdown(tcp::socket::shutdown_send, ec);
        from.shutdown(tcp::socket::shutdown_receive, ec);
    }

    Mode mode_;
    std::string authorization_;
    mutable std::mutex mutex_;
    std::string last_head_;
    HostileServer server_;  // last: its threads use the members above
};

}  // namespace slawatch::testing
