// SPDX-License-Identifier: Apache-2.0
#pragma once
// Test support: a deliberately misbehaving HTTP(S) server on 127.0.0.1, written
// with plain blocking Asio on its own thread. Each accepted connection is handed
// to a behaviour (hang, close, garbage, oversized, slowloris, ...).

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace slawatch::testing {

class HostileServer {
public:
    using tcp = boost::asio::ip::tcp;
    using Behaviour = std::function<void(tcp::socket&)>;

    explicit HostileServer(Behaviour behaviour)
        : behaviour_(std::move(behaviour)),
          acceptor_(io_, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)) {
        port_ = acceptor_.local_endpoint().port();
        thread_ = std::thread([this] { loop(); });
    }

    ~HostileServer() {
        // Wake the blocking accept() with a connection of our own, then join.
        stop_ = true;
        boost::system::error_code ec;
        tcp::socket waker(io_);
        waker.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port_), ec);
        thread_.join();
        for (auto& t : workers_) t.join();
    }

    HostileServer(const HostileServer&) = delete;
    HostileServer& operator=(const HostileServer&) = delete;

    std::uint16_t port() const { return port_; }
    std::string url(std::string_view path = "/") const {
        return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
    }
    int connections() const { return connections_; }

private:
    void loop() {
        while (true) {
            tcp::socket socket(io_);
            boost::system::error_code ec;
            acceptor_.accept(socket, ec);
            if (stop_ || ec) return;
            ++connections_;
            // A worker per connection, so that a hanging one does not block the next.
            workers_.emplace_back([this, s = std::move(socket)]() mutable {
                try {
                    behaviour_(s);
                } catch (const std::exception&) {
                    // The client went away: that is what hostile tests provoke.
                }
            });
        }
    }

    Behaviour behaviour_;
    boost::asio::io_context io_;
    tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int> connections_{0};
    std::thread thread_;
    std::vector<std::thread> workers_;
};

// Reads one request head (up to the blank line); returns it, or "" at EOF.
template <class Stream>
std::string read_request_head(Stream& s) {
    boost::asio::streambuf buf;
    boost::system::error_code ec;
    const std::size_t n = boost::asio::read_until(s, buf, "\r\n\r\n", ec);
    if (ec) return {};
    return std::string(static_cast<const char*>(buf.data().data()), n);
}

// Reads until the peer closes (a server that never answers).
inline void drain_until_closed(boost::asio::ip::tcp::socket& s) {
    char buf[1024];
    boost::system::error_code ec;
    while (!ec) s.read_some(boost::asio::buffer(buf), ec);
}

inline void write_all(boost::asio::ip::tcp::socket& s, std::string_view data) {
    boost::asio::write(s, boost::asio::buffer(data.data(), data.size()));
}

// Writes `head`, then `piece` again and again until the peer goes away: an
// endless (or 2 GB) stream that is never held in memory.
inline void stream_forever(boost::asio::ip::tcp::socket& s, std::string_view head,
                           std::string_view piece) {
    boost::system::error_code ec;
    boost::asio::write(s, boost::asio::buffer(head.data(), head.size()), ec);
    while (!ec) boost::asio::write(s, boost::asio::buffer(piece.data(), piece.size()), ec);
}

// Writes `text` one byte per `interval` (a slow drip), until done or the peer goes away.
inline void drip(boost::asio::ip::tcp::socket& s, std::string_view text,
                 std::chrono::milliseconds interval) {
    boost::system::error_code ec;
    for (char c : text) {
        boost::asio::write(s, boost::asio::buffer(&c, 1), ec);
        if (ec) return;
        std::this_thread::sleep_for(interval);
    }
}

// Closes with a TCP reset (SO_LINGER 0) instead of an orderly FIN.
inline void reset(boost::asio::ip::tcp::socket& s) {
    boost::system::error_code ec;
    s.set_option(boost::asio::socket_base::linger(true, 0), ec);
    s.close(ec);
}

// A complete response with a Content-Length.
inline std::string response(int status, std::string_view reason, std::string_view body,
                            std::string_view extra_headers = {}) {
    std::string r = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
    r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    r += extra_headers;
    r += "Connection: close\r\n\r\n";
    r += body;
    return r;
}

}  // namespace slawatch::testing
