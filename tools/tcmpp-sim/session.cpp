// SPDX-License-Identifier: Apache-2.0
// HTTP sessions: request loop, fault application, API and package answers.

#include "tools/tcmpp-sim/session.hpp"

#include "tools/tcmpp-sim/control.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/version.hpp>

namespace tcmpp_sim {
namespace {

constexpr std::size_t header_limit = 8 * 1024;
constexpr std::size_t body_limit = 64 * 1024;
constexpr auto hang_limit = std::chrono::minutes(10);  // a hung socket is still finite
constexpr std::size_t oversized_body = 16 * 1024 * 1024;
constexpr std::size_t oversized_header = 1024 * 1024;

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(sim_now().time_since_epoch()).count();
}

bool is_parse_error(const beast::error_code& ec) {
    return ec.category() == make_error_code(http::error::bad_target).category() &&
           ec != http::error::partial_message && ec != http::error::end_of_stream;
}

}  // namespace

template <class Derived>
void HttpSession<Derived>::do_read() {
    // A fresh parser per request: limits are per message.
    parser_.emplace();
    parser_->header_limit(header_limit);
    parser_->body_limit(body_limit);
    beast::get_lowest_layer(derived().stream()).expires_after(state_.idle_timeout);
    http::async_read(
        derived().stream(), buffer_, *parser_,
        beast::bind_front_handler(&HttpSession::on_read, derived().shared_from_this()));
}

template <class Derived>
void HttpSession<Derived>::on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream) return derived().do_eof();
    if (ec == http::error::header_limit)
        return send_error_and_close(http::status::request_header_fields_too_large,
                                    "request header too large");
    if (ec == http::error::body_limit)
        return send_error_and_close(http::status::payload_too_large, "request body too large");
    if (is_parse_error(ec))
        return send_error_and_close(http::status::bad_request, "malformed HTTP request");
    if (ec) return;  // timeout, reset, TLS error: drop the connection
    req_ = parser_->release();
    handle_request();
}

template <class Derived>
void HttpSession<Derived>::handle_request() {
    const std::string_view target = req_.target();
    if (target.starts_with(control_prefix)) {
        res_ = handle_control(state_, req_);
        return do_write();
    }
    std::string_view match_name;
    if (target == "/" || target.starts_with("/?")) {
        match_name = req_["X-TC-Action"];
        action_ = action_from_name(match_name);
    } else if (target.starts_with("/packages/")) {
        match_name = download_action;
        action_ = Action::download;
    } else {
        set_response(http::status::not_found, "text/plain", "not found\n");
        return do_write();
    }
    state_.stats.request(action_);

    const auto plan = state_.plan();
    const Fault* fault = pick_request_fault(*plan, match_name, sim_now(), state_.dice);
    if (state_.verbose)
        spdlog::info("{} {} action={} fault={}", std::string_view(req_.method_string()), target,
                     match_name, fault ? to_string(fault->kind) : "none");
    if (fault) {
        state_.stats.fault(fault->kind);
        return apply_fault(*fault);  // synchronous use of *fault: `plan` keeps it alive
    }
    respond();
    do_write();
}

template <class Derived>
void HttpSession<Derived>::apply_fault(const Fault& f) {
    switch (f.kind) {
        case FaultKind::http_5xx: {
            const auto status = static_cast<http::status>(f.status);
            state_.stats.error(action_, fmt::format("http_{}", f.status));
            set_response(
                status, "text/html",
                fmt::format("<html><body><h1>{} {}</h1><p>tcmpp-sim fault</p></body></html>\n",
                            f.status, std::string_view(http::obsolete_reason(status))));
            return do_write();
        }
        case FaultKind::api_error:
            state_.stats.error(action_, f.code);
            set_response(http::status::ok, "application/json", error_body(f.code, f.message));
            return do_write();
        case FaultKind::slow:
            timer_.expires_after(f.delay);
            return timer_.async_wait(
                beast::bind_front_handler(&HttpSession::on_slow, derived().shared_from_this()));
        case FaultKind::hang:
            return do_hang();
        case FaultKind::reset:
            return do_reset();
        case FaultKind::malformed:
            raw_ =
                "SSH-2.0-tcmpp-sim \x01\x02\x03 this is not an HTTP response\r\n\xff\xfe\r\n\r\n";
            return do_write_raw(0);
        case FaultKind::oversized:
            raw_ =
                "HTTP/1.1 200 OK\r\nServer: tcmpp-sim\r\nConnection: close\r\n"
                "Content-Type: application/json\r\n";
            if (f.oversized_header) {
                raw_ += "X-Oversized: ";
                raw_.append(oversized_header, 'x');
                raw_ += "\r\nContent-Length: 2\r\n\r\n{}";
                return do_write_raw(0);
            }
            raw_ += fmt::format("Content-Length: {}\r\n\r\n", oversized_body);
            return do_write_raw(oversized_body / package_size);
        case FaultKind::bad_tls:
            break;  // chosen at accept time, never per request
    }
    respond();
    do_write();
}

template <class Derived>
void HttpSession<Derived>::on_slow(beast::error_code ec) {
    if (ec) return;
    respond();
    do_write();
}

template <class Derived>
void HttpSession<Derived>::do_hang() {
    // Hold the socket, drop whatever arrives, end when the client goes.
    beast::get_lowest_layer(derived().stream()).expires_after(hang_limit);
    derived().stream().async_read_some(net::buffer(sink_), [self = derived().shared_from_this()](
                                                               beast::error_code ec, std::size_t) {
        if (!ec) self->do_hang();
    });
}

template <class Derived>
void HttpSession<Derived>::do_reset() {
    // SO_LINGER 0 turns close() into a RST.
    beast::error_code ec;
    socket().set_option(tcp::socket::linger(true, 0), ec);
    socket().close(ec);
}

template <class Derived>
void HttpSession<Derived>::do_write_raw(std::size_t chunks_left) {
    beast::get_lowest_layer(derived().stream()).expires_after(state_.idle_timeout);
    net::async_write(derived().stream(), net::buffer(raw_),
                     beast::bind_front_handler(&HttpSession::on_write_raw,
                                               derived().shared_from_this(), chunks_left));
}

template <class Derived>
void HttpSession<Derived>::on_write_raw(std::size_t chunks_left, beast::error_code ec,
                                        std::size_t) {
    if (ec) return;
    if (chunks_left == 0) return derived().do_eof();
    beast::get_lowest_layer(derived().stream()).expires_after(state_.idle_timeout);
    const std::string_view blob = package_blob();
    net::async_write(derived().stream(), net::buffer(blob.data(), blob.size()),
                     beast::bind_front_handler(&HttpSession::on_write_raw,
                                               derived().shared_from_this(), chunks_left - 1));
}

template <class Derived>
void HttpSession<Derived>::respond() {
    if (action_ == Action::download) return respond_download();
    respond_api();
}

template <class Derived>
void HttpSession<Derived>::respond_api() {
    if (req_.method() != http::verb::post) {
        state_.stats.error(action_, "InvalidRequest");
        return set_response(http::status::ok, "application/json",
                            error_body("InvalidRequest", "tcmpp-sim accepts only POST /."));
    }
    const ApiRequest r{req_[http::field::authorization],
                       req_[http::field::content_type],
                       req_[http::field::host],
                       req_["X-TC-Action"],
                       req_["X-TC-Version"],
                       req_["X-TC-Timestamp"],
                       req_.body(),
                       base_url_};
    ApiReply reply = state_.api.handle(r, unix_now());
    if (reply.error_code.empty()) {
        state_.stats.ok(action_);
    } else {
        state_.stats.error(action_, reply.error_code);
    }
    set_response(http::status::ok, "application/json", std::move(reply.body));
}

template <class Derived>
void HttpSession<Derived>::respond_download() {
    const auto method = req_.method();
    if (method != http::verb::get && method != http::verb::head) {
        state_.stats.error(action_, "http_405");
        return set_response(http::status::method_not_allowed, "text/plain", "GET or HEAD\n");
    }
    switch (state_.signer.check_target(req_.target(), unix_now())) {
        case UrlSigner::Check::ok:
            break;
        case UrlSigner::Check::not_found:
            state_.stats.error(action_, "http_404");
            return set_response(http::status::not_found, "text/plain", "no such package\n");
        case UrlSigner::Check::bad_sign:
            state_.stats.error(action_, "http_403");
            return set_response(http::status::forbidden, "text/plain", "bad or missing sign\n");
        case UrlSigner::Check::expired:
            state_.stats.error(action_, "http_403");
            return set_response(http::status::forbidden, "text/plain", "the URL has expired\n");
    }
    const std::string_view blob = package_blob();
    RangeRequest range;
    if (const auto it = req_.find(http::field::range); it != req_.end())
        range = parse_range(it->value(), blob.size());
    switch (range.kind) {
        case RangeRequest::whole:
            set_response(http::status::ok, "application/zip", std::string(blob));
            break;
        case RangeRequest::partial:
            set_response(http::status::partial_content, "application/zip",
                         std::string(blob.substr(range.first, range.last - range.first + 1)));
            res_.set(http::field::content_range,
                     fmt::format("bytes {}-{}/{}", range.first, range.last, blob.size()));
            break;
        case RangeRequest::unsatisfiable:
            state_.stats.error(action_, "http_416");
            set_response(http::status::range_not_satisfiable, "text/plain", "");
            res_.set(http::field::content_range, fmt::format("bytes */{}", blob.size()));
            return;
    }
    state_.stats.ok(action_);
    res_.set(http::field::accept_ranges, "bytes");
    res_.set(http::field::etag, "\"tcmpp-sim-package-1\"");
    if (method == http::verb::head) {
        // Same headers as GET, no body.
        const std::size_t n = res_.body().size();
        res_.body().clear();
        res_.content_length(n);
    }
}

template <class Derived>
void HttpSession<Derived>::set_response(http::status status, std::string_view content_type,
                                        std::string body) {
    res_ = {};
    res_.result(status);
    res_.version(req_.version() == 10 ? 10 : 11);
    res_.set(http::field::server, "tcmpp-sim");
    res_.set(http::field::content_type, content_type);
    res_.keep_alive(req_.keep_alive());
    res_.body() = std::move(body);
    res_.prepare_payload();
}

template <class Derived>
void HttpSession<Derived>::send_error_and_close(http::status status, std::string_view why) {
    req_ = {};
    set_response(status, "text/plain", std::string(why) + "\n");
    res_.keep_alive(false);
    do_write();
}

template <class Derived>
void HttpSession<Derived>::do_write() {
    beast::get_lowest_layer(derived().stream()).expires_after(state_.idle_timeout);
    http::async_write(derived().stream(), res_,
                      beast::bind_front_handler(&HttpSession::on_write,
                                                derived().shared_from_this(), res_.need_eof()));
}

template <class Derived>
void HttpSession<Derived>::on_write(bool close, beast::error_code ec, std::size_t) {
    if (ec) return;
    if (close) return derived().do_eof();
    do_read();
}

// --- plain ---

PlainSession::PlainSession(tcp::socket&& socket, SimState& state)
    : HttpSession(state, state.http_base, socket.get_executor()), stream_(std::move(socket)) {}

void PlainSession::run() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&PlainSession::do_read, shared_from_this()));
}

void PlainSession::do_eof() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
}

// --- TLS ---

TlsSession::TlsSession(tcp::socket&& socket, net::ssl::context& ctx, SimState& state)
    : HttpSession(state, state.https_base, socket.get_executor()),
      stream_(std::move(socket), ctx) {}

void TlsSession::run() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
        beast::get_lowest_layer(self->stream_).expires_after(self->state().idle_timeout);
        self->stream_.async_handshake(net::ssl::stream_base::server,
                                      beast::bind_front_handler(&TlsSession::on_handshake, self));
    });
}

void TlsSession::on_handshake(beast::error_code ec) {
    state().stats.tls_handshake(!ec);
    if (ec) return;
    do_read();
}

void TlsSession::do_eof() {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) {});
}

template class HttpSession<PlainSession>;
template class HttpSession<TlsSession>;

}  // namespace tcmpp_sim
