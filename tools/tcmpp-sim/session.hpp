// SPDX-License-Identifier: Apache-2.0
#pragma once
// One HTTP/1.1 connection, plain or TLS (CRTP, as in Beast's advanced_server_flex):
// read a request, apply the fault plan, answer, repeat while keep-alive.

#include "tools/tcmpp-sim/sim_state.hpp"

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <array>
#include <memory>
#include <optional>
#include <string>

namespace tcmpp_sim {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

template <class Derived>
class HttpSession {
public:
    HttpSession(SimState& state, const std::string& base_url, net::any_io_executor ex)
        : state_(state), base_url_(base_url), timer_(std::move(ex)) {}

protected:
    void do_read();
    SimState& state() { return state_; }

private:
    Derived& derived() { return static_cast<Derived&>(*this); }
    auto& socket() { return beast::get_lowest_layer(derived().stream()).socket(); }

    void on_read(beast::error_code ec, std::size_t);
    void handle_request();
    void apply_fault(const Fault& f);
    void respond();  // the normal answer to req_
    void respond_api();
    void respond_download();
    void set_response(http::status status, std::string_view content_type, std::string body);
    void send_error_and_close(http::status status, std::string_view why);
    void do_write();
    void on_write(bool close, beast::error_code ec, std::size_t);
    void on_slow(beast::error_code ec);
    void do_hang();
    void do_reset();
    void do_write_raw(std::size_t oversized_chunks);
    void on_write_raw(std::size_t chunks_left, beast::error_code ec, std::size_t);

    SimState& state_;
    const std::string& base_url_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::request<http::string_body> req_;
    Action action_ = Action::other;
    http::response<http::string_body> res_;
    net::steady_timer timer_;
    std::string raw_;               // malformed / oversized bytes
    std::array<char, 512> sink_{};  // hang: what the client still sends is dropped
};

class PlainSession : public HttpSession<PlainSession>,
                     public std::enable_shared_from_this<PlainSession> {
public:
    PlainSession(tcp::socket&& socket, SimState& state);
    void run();
    beast::tcp_stream& stream() { return stream_; }
    void do_eof();

private:
    beast::tcp_stream stream_;
};

class TlsSession : public HttpSession<TlsSession>, public std::enable_shared_from_this<TlsSession> {
public:
    TlsSession(tcp::socket&& socket, net::ssl::context& ctx, SimState& state);
    void run();
    beast::ssl_stream<beast::tcp_stream>& stream() { return stream_; }
    void do_eof();

private:
    void on_handshake(beast::error_code ec);

    beast::ssl_stream<beast::tcp_stream> stream_;
};

}  // namespace tcmpp_sim
