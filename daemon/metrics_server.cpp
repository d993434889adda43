// SPDX-License-Identifier: Apache-2.0
#include "daemon/metrics_server.hpp"

#include "daemon/metrics_request.hpp"

#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <fcntl.h>
#include <algorithm>
#include <charconv>
#include <list>
#include <optional>
#include <stdexcept>

namespace slawatch::daemon {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

class Session;

// What the listener and its sessions share: the limits, the handler, and the
// sessions waiting for a request, the one idle longest first.
struct Registry {
    ListenerLimits limits;
    MetricsServer::Handler handler;
    std::size_t open = 0;      // sessions whose socket is open
    std::list<Session*> idle;  // sessions reading a request, oldest read first
};

// One connection: read a request, answer, repeat until the peer closes.
class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket socket, std::shared_ptr<Registry> registry)
        : stream_(std::move(socket)),
          registry_(std::move(registry)),
          buffer_(registry_->limits.header_bytes + registry_->limits.body_bytes) {
        ++registry_->open;
    }
    ~Session() {
        leave_idle();
        if (!closed_) --registry_->open;
    }

    void start() { do_read(); }

    // Dropped for a newcomer: the pending read ends with operation_aborted.
    void evict() {
        leave_idle();
        closed_ = true;
        --registry_->open;
        stream_.close();
    }

private:
    void leave_idle() {
        if (in_idle_) registry_->idle.erase(idle_pos_);
        in_idle_ = false;
    }

    void do_read() {
        leave_idle();
        idle_pos_ = registry_->idle.insert(registry_->idle.end(), this);
        in_idle_ = true;
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(registry_->limits.header_bytes));
        parser_->body_limit(registry_->limits.body_bytes);
        // One expiry for the whole request: a slow drip cannot hold the slot longer.
        stream_.expires_after(registry_->limits.read_timeout);
        http::async_read(stream_, buffer_, *parser_,
                         beast::bind_front_handler(&Session::on_read, shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t) {
        leave_idle();
        if (closed_) return;
        if (ec == http::error::end_of_stream) return do_close();
        if (ec) {
            // Oversized or malformed: answer 400 once, then close.
            if (ec.category() == http::make_error_code(http::error::header_limit).category())
                return send(make_reply(parser_->get(),
                                       {400, "text/plain; charset=utf-8", "bad request\n"}, false));
            return;
        }
        auto& req = parser_->get();
        if (req.method() != http::verb::get && req.method() != http::verb::head) {
            return send(make_reply(req, {405, "text/plain; charset=utf-8", "method not allowed\n"},
                                   req.keep_alive()));
        }
        // The request stays in parser_ until the answer is written.
        registry_->handler(std::string(req.target()), [self = shared_from_this()](HttpReply reply) {
            if (self->closed_) return;
            const auto& r = self->parser_->get();
            self->send(make_reply(r, std::move(reply), r.keep_alive()));
        });
    }

    using Response = http::response<http::string_body>;

    static Response make_reply(const http::request<http::string_body>& req, HttpReply r,
                               bool keep_alive) {
        Response res{static_cast<http::status>(r.status), 11};
        res.set(http::field::server, "slawatch");
        res.set(http::field::content_type, r.content_type);
        res.keep_alive(keep_alive);
        if (req.method() != http::verb::head) res.body() = std::move(r.body);
        res.prepare_payload();
        return res;
    }

    void send(Response res) {
        response_ = std::make_shared<Response>(std::move(res));
        stream_.expires_after(registry_->limits.write_timeout);
        http::async_write(stream_, *response_,
                          beast::bind_front_handler(&Session::on_write, shared_from_this(),
                                                    response_->keep_alive()));
    }

    void on_write(bool keep_alive, beast::error_code ec, std::size_t) {
        response_.reset();
        if (ec || closed_) return;
        if (!keep_alive) return do_close();
        do_read();
    }

    void do_close() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    }

    beast::tcp_stream stream_;
    std::shared_ptr<Registry> registry_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::shared_ptr<Response> response_;
    std::list<Session*>::iterator idle_pos_;
    bool in_idle_ = false;
    bool closed_ = false;
};
}  // namespace

class MetricsServer::Listener : public std::enable_shared_from_this<Listener> {
public:
    Listener(asio::any_io_executor ex, const tcp::endpoint& at, Handler handler,
             ListenerLimits limits)
        : acceptor_(ex), registry_(std::make_shared<Registry>()) {
        registry_->limits = limits;
        registry_->limits.max_connections = std::max<std::size_t>(1, limits.max_connections);
        registry_->handler = std::move(handler);
        acceptor_.open(at.protocol());
        // Asio opens sockets without SOCK_CLOEXEC: no child may keep the port bound.
        ::fcntl(acceptor_.native_handle(), F_SETFD, FD_CLOEXEC);
        acceptor_.set_option(asio::socket_base::reuse_address(true));
        acceptor_.bind(at);
        acceptor_.listen(asio::socket_base::max_listen_connections);
    }

    void do_accept() {
        acceptor_.async_accept(beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
    }

    void on_accept(beast::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
        if (!ec) {
            // Asio accepts without SOCK_CLOEXEC: no child may keep a scrape open.
            ::fcntl(socket.native_handle(), F_SETFD, FD_CLOEXEC);
            admit(std::move(socket));
        }
        do_accept();
    }

    void stop() {
        beast::error_code ec;
        acceptor_.close(ec);
    }

    tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

private:
    // Full: the connection that has waited longest for its request makes room
    // (a half-open or slow client); when every one is busy answering, the
    // newcomer is closed instead.
    void admit(tcp::socket socket) {
        Registry& r = *registry_;
        if (r.open >= r.limits.max_connections && !r.idle.empty()) r.idle.front()->evict();
        if (r.open >= r.limits.max_connections) return;
        std::make_shared<Session>(std::move(socket), registry_)->start();
    }

    tcp::acceptor acceptor_;
    std::shared_ptr<Registry> registry_;
};

MetricsServer::MetricsServer(asio::any_io_executor executor, const tcp::endpoint& at,
                             Handler handler, ListenerLimits limits)
    : listener_(std::make_shared<Listener>(std::move(executor), at, std::move(handler), limits)) {
    listener_->do_accept();
}

MetricsServer::~MetricsServer() {
    stop();
}

tcp::endpoint MetricsServer::local_endpoint() const {
    return listener_->local_endpoint();
}

void MetricsServer::stop() {
    listener_->stop();
}

tcp::endpoint parse_listen(const std::string& listen) {
    std::string host;
    std::string port;
    if (!listen.empty() && listen.front() == '[') {
        auto close = listen.find(']');
        if (close == std::string::npos || close + 1 >= listen.size() || listen[close + 1] != ':')
            throw std::invalid_argument("listen address must look like [::1]:9817: " + listen);
        host = listen.substr(1, close - 1);
        port = listen.substr(close + 2);
    } else {
        auto colon = listen.rfind(':');
        if (colon == std::string::npos)
            throw std::invalid_argument("listen address must look like 127.0.0.1:9817: " + listen);
        host = listen.substr(0, colon);
        port = listen.substr(colon + 1);
    }
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || ptr != port.data() + port.size() || value > 65535)
        throw std::invalid_argument("bad port in listen address: " + listen);
    beast::error_code aec;
    // A name would need a resolver; "localhost" is the one name worth accepting.
    if (host.empty() || host == "localhost") host = "127.0.0.1";
    auto address = asio::ip::make_address(host, aec);
    if (aec) throw std::invalid_argument("listen address must be a numeric IP: " + listen);
    return {address, static_cast<unsigned short>(value)};
}

}  // namespace slawatch::daemon
