// SPDX-License-Identifier: Apache-2.0
// One HTTP(S) exchange per fresh connection, after Beast's async client examples:
// resolve -> connect -> [TLS handshake] -> write -> read first bytes -> read rest.

#include "net/http_client.hpp"

#include "config/http_url.hpp"
#include "net/server_text.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <fcntl.h>
#include <algorithm>
#include <limits>
#include <stdexcept>

namespace slawatch::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using Strand = asio::strand<asio::any_io_executor>;

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

enum class Step { resolve, connect, tunnel, handshake, write, read };

const char* step_name(Step s) {
    switch (s) {
        case Step::resolve:
            return "dns";
        case Step::connect:
            return "connect";
        case Step::tunnel:
            return "proxy CONNECT";
        case Step::handshake:
            return "tls";
        case Step::write:
            return "write";
        case Step::read:
            return "read";
    }
    return "?";
}

template <class Stream>
Stream make_stream(const Strand& strand, asio::ssl::context* tls) {
    if constexpr (std::is_same_v<Stream, TlsStream>)
        return Stream(strand, *tls);
    else
        return Stream(strand);
}

template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
    static constexpr bool is_tls = std::is_same_v<Stream, TlsStream>;

public:
    Session(const Strand& strand, Exchange&& ex, Callback&& done)
        : strand_(strand),
          ex_(std::move(ex)),
          done_(std::move(done)),
          stream_(make_stream<Stream>(strand, ex_.tls.get())) {}

    void start() {
        if (Clock::now() >= ex_.deadline) {
            response_.outcome = sla::Outcome::timeout;
            response_.detail = "timed out before the request started";
            return finish();
        }
        // One timer over the whole exchange: whatever the peer sends or withholds
        // (a handshake dribbled byte by byte, endless chunks), it ends here.
        timer_.emplace(strand_);
        timer_->expires_at(ex_.deadline);
        timer_->async_wait(beast::bind_front_handler(&Session::on_deadline, self()));
        if (dial().address) {
            // An IP literal: no lookup, the DNS phase ends at once.
            response_.phases.dns_us = micros_since(ex_.start, Clock::now());
            do_connect(*dial().address);
            return;
        }
        // The resolver has no timeout of its own, and getaddrinfo cannot be
        // interrupted: the timer ends the exchange, the late lookup is ignored.
        step_ = Step::resolve;
        resolver_.emplace(strand_);
        resolver_->async_resolve(dial().host, dial().port,
                                 beast::bind_front_handler(&Session::on_resolve, self()));
    }

private:
    std::shared_ptr<Session> self() { return this->shared_from_this(); }

    // Where the TCP connection goes: the proxy, or the target itself.
    const Url& dial() const { return ex_.proxy ? ex_.proxy->url : *ex_.url; }

    Clock::duration time_left() const {
        return std::max(ex_.deadline - Clock::now(), Clock::duration::zero());
    }

    beast::tcp_stream& tcp() { return beast::get_lowest_layer(stream_); }

    void on_deadline(error_code ec) {
        if (ec || finished_) return;
        if (resolver_) resolver_->cancel();
        // R4: until the tunnel is up, a timeout is the proxy's (the monitor's side).
        const bool proxy_step = ex_.proxy && step_ <= Step::tunnel;
        response_.outcome = proxy_step ? sla::Outcome::proxy_error : sla::Outcome::timeout;
        response_.detail.assign(proxy_step ? "proxy " : "")
            .append(step_name(step_))
            .append(": timed out");
        if (parser_ && parser_->is_header_done())
            response_.status = static_cast<int>(parser_->get().result_int());
        finish();
    }

    void on_resolve(error_code ec, const tcp::resolver::results_type& results) {
        if (finished_) return;
        if (ec) return fail(Step::resolve, ec);
        response_.phases.dns_us = micros_since(ex_.start, Clock::now());
        step_ = Step::connect;
        tcp().expires_after(time_left());
        tcp().async_connect(results, beast::bind_front_handler(&Session::on_connect, self()));
    }

    void do_connect(const tcp::endpoint& endpoint) {
        step_ = Step::connect;
        tcp().expires_after(time_left());
        tcp().async_connect(
            endpoint, [self = self()](error_code ec) { self->on_connect(ec, tcp::endpoint{}); });
    }

    void on_connect(error_code ec, const tcp::endpoint&) {
        if (finished_) return;
        if (ec) return fail(Step::connect, ec);
        // Asio opens sockets without SOCK_CLOEXEC; children never need them.
        ::fcntl(tcp().socket().native_handle(), F_SETFD, FD_CLOEXEC);
        if (ex_.proxy) return do_tunnel();
        response_.phases.connect_us = micros_since(ex_.start, Clock::now());
        after_connect();
    }

    void after_connect() {
        if constexpr (is_tls)
            do_handshake();
        else
            do_write();
    }

    // CONNECT host:port through the proxy; the tunnel then carries TLS or plain HTTP.
    void do_tunnel() {
        step_ = Step::tunnel;
        const Url& target = *ex_.url;
        const std::string authority = target.address && target.address->address().is_v6()
                                          ? "[" + target.host + "]:" + target.port
                                          : target.host + ":" + target.port;
        connect_req_.emplace(bhttp::verb::connect, authority, 11);
        connect_req_->set(bhttp::field::host, authority);
        connect_req_->set(bhttp::field::user_agent, "slawatch");
        if (!ex_.proxy->authorization.empty())
            connect_req_->set(bhttp::field::proxy_authorization, ex_.proxy->authorization);
        tcp().expires_after(time_left());
        bhttp::async_write(tcp(), *connect_req_,
                           beast::bind_front_handler(&Session::on_tunnel_write, self()));
    }

    void on_tunnel_write(error_code ec, std::size_t) {
        if (finished_) return;
        if (ec) return fail(Step::tunnel, ec);
        connect_res_.emplace();
        connect_res_->skip(true);  // a 2xx answer to CONNECT has no body (RFC 9110 9.3.6)
        connect_res_->header_limit(static_cast<std::uint32_t>(ex_.limits.header_bytes));
        tcp().expires_after(time_left());
        bhttp::async_read_header(tcp(), buffer_, *connect_res_,
                                 beast::bind_front_handler(&Session::on_tunnel_read, self()));
    }

    void on_tunnel_read(error_code ec, std::size_t) {
        if (finished_) return;
        if (ec) return fail(Step::tunnel, ec);
        const unsigned status = connect_res_->get().result_int();
        if (status < 200 || status > 299) {
            response_.outcome = sla::Outcome::proxy_error;
            response_.detail = "proxy: CONNECT answered " + std::to_string(status);
            return finish();
        }
        if (buffer_.size() > 0) {
            // The target cannot have spoken before us: the proxy is not a tunnel.
            response_.outcome = sla::Outcome::proxy_error;
            response_.detail = "proxy: data after the CONNECT answer";
            return finish();
        }
        response_.phases.connect_us = micros_since(ex_.start, Clock::now());
        after_connect();
    }

    void do_handshake() {
        if constexpr (is_tls) {
            SSL* ssl = stream_.native_handle();
            const std::string& host = ex_.url->host;
            // SNI carries names only, never addresses (RFC 6066 3).
            if (!ex_.url->address && !SSL_set_tlsext_host_name(ssl, host.c_str()))
                return fail_tls("cannot set SNI");
            if (ex_.verify_host) {
                X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
                const int set = ex_.url->address
                                    ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str())
                                    : X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
                if (!set) return fail_tls("cannot set the name to verify");
            }
            step_ = Step::handshake;
            tcp().expires_after(time_left());
            stream_.async_handshake(asio::ssl::stream_base::client,
                                    beast::bind_front_handler(&Session::on_handshake, self()));
        }
    }

    void on_handshake(error_code ec) {
        if (finished_) return;
        if (ec) return fail(Step::handshake, ec);
        response_.phases.tls_us = micros_since(ex_.start, Clock::now());
        do_write();
    }

    void do_write() {
        step_ = Step::write;
        tcp().expires_after(time_left());
        bhttp::async_write(stream_, *ex_.request,
                           beast::bind_front_handler(&Session::on_write, self()));
    }

    void on_write(error_code ec, std::size_t) {
        if (finished_) return;
        if (ec) return fail(Step::write, ec);
        step_ = Step::read;
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(
            ex_.limits.header_bytes, std::numeric_limits<std::uint32_t>::max())));
        parser_->body_limit(ex_.limits.body_bytes);
        if (ex_.request->method() == bhttp::verb::head) parser_->skip(true);
        tcp().expires_after(time_left());
        do_read();
    }

    // Read by pieces, so that every byte the parser takes is counted against
    // total_bytes; the buffer's own cap bounds an unfinished line (a chunk-size
    // line with endless extensions fails as soon as it outgrows the buffer).
    void do_read() {
        bhttp::async_read_some(stream_, buffer_, *parser_,
                               beast::bind_front_handler(&Session::on_read, self()));
    }

    void on_read(error_code ec, std::size_t used) {
        if (finished_) return;
        if (response_.phases.first_byte_us < 0 && (parser_->got_some() || buffer_.size() > 0))
            response_.phases.first_byte_us = micros_since(ex_.start, Clock::now());
        if (ec) return fail(Step::read, ec);
        taken_ += used;
        if (taken_ + buffer_.size() > ex_.limits.total_bytes) return over_budget();
        if (parser_->is_done()) return complete();
        do_read();
    }

    void over_budget() {
        if (parser_->is_header_done())
            response_.status = static_cast<int>(parser_->get().result_int());
        response_.outcome = sla::Outcome::bad_response;
        response_.detail =
            "read: response over the " + std::to_string(ex_.limits.total_bytes) + "-byte budget";
        finish();
    }

    void complete() {
        auto& msg = parser_->get();
        response_.status = static_cast<int>(msg.result_int());
        // An answer completed after the deadline is no answer in time.
        if (Clock::now() > ex_.deadline) {
            response_.outcome = sla::Outcome::timeout;
            response_.detail = "read: timed out";
            return finish();
        }
        response_.outcome = sla::Outcome::ok;
        if (auto it = msg.find(bhttp::field::content_type); it != msg.end())
            response_.content_type = server_text(it->value(), server_text_limits::header_value);
        if (auto it = msg.find(bhttp::field::location); it != msg.end())
            response_.location = server_text(it->value(), server_text_limits::header_value);
        response_.body = std::move(msg.body());
        finish();
    }

    void fail_tls(const char* what) {
        response_.outcome = sla::Outcome::tls_error;
        response_.detail = std::string("tls: ") + what;
        finish();
    }

    void fail(Step step, error_code ec) {
        if (parser_ && parser_->is_header_done())
            response_.status = static_cast<int>(parser_->get().result_int());
        response_.outcome = classify(step, ec);
        response_.detail.assign(ex_.proxy && step <= Step::connect ? "proxy " : "")
            .append(step_name(step))
            .append(": ");
        if (response_.outcome == sla::Outcome::timeout || ec == beast::error::timeout)
            response_.detail.append("timed out");
        else
            response_.detail.append(ec.message());
        if constexpr (is_tls) {
            if (step == Step::handshake) {
                const long verify = SSL_get_verify_result(stream_.native_handle());
                if (verify != X509_V_OK)
                    response_.detail.append(" (")
                        .append(X509_verify_cert_error_string(verify))
                        .append(")");
            }
        }
        finish();
    }

    sla::Outcome classify(Step step, error_code ec) const {
        // R4: until the tunnel is up, every failure is the proxy's (the monitor's side).
        if (ex_.proxy && (step == Step::resolve || step == Step::connect || step == Step::tunnel))
            return sla::Outcome::proxy_error;
        if (ec == beast::error::timeout || Clock::now() >= ex_.deadline)
            return sla::Outcome::timeout;
        switch (step) {
            case Step::resolve:
                return sla::Outcome::dns_error;
            case Step::connect:
            case Step::tunnel:
                return sla::Outcome::connect_error;
            case Step::handshake:
                return sla::Outcome::tls_error;
            case Step::write:
                return sla::Outcome::connect_error;
            case Step::read:
                break;
        }
        // Nothing of a response arrived: the connection itself failed (closed or
        // reset after the request). Part of one arrived: a truncated or bad answer.
        if (!parser_ || !parser_->got_some()) {
            if (ec.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category() &&
                ec != bhttp::error::end_of_stream)
                return sla::Outcome::bad_response;  // e.g. a limit hit by the first bytes
            return sla::Outcome::connect_error;
        }
        return sla::Outcome::bad_response;
    }

    void finish() {
        if (finished_) return;
        finished_ = true;
        response_.phases.total_us = micros_since(ex_.start, Clock::now());
        if (timer_) timer_->cancel();
        if (resolver_) resolver_->cancel();
        error_code ignored;
        tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
        tcp().close();
        Callback done = std::move(done_);
        done(response_);
    }

    Strand strand_;
    Exchange ex_;
    Callback done_;
    Stream stream_;
    std::optional<tcp::resolver> resolver_;
    std::optional<asio::steady_timer> timer_;
    // Capped: no line of the response may outgrow the header budget (plus slack).
    beast::flat_buffer buffer_{ex_.limits.header_bytes + 4096};
    std::optional<bhttp::response_parser<bhttp::string_body>> parser_;
    std::optional<bhttp::request<bhttp::empty_body>> connect_req_;
    std::optional<bhttp::response_parser<bhttp::empty_body>> connect_res_;
    Response response_;
    Step step_ = Step::resolve;
    std::size_t taken_ = 0;  // bytes the parser has taken off the connection
    bool finished_ = false;
};

// parse_url's wording of a problem: the client's callers show it as it is.
std::string url_problem_text(config::UrlProblem problem, std::string_view text) {
    switch (problem) {
        case config::UrlProblem::scheme:
            return "URL scheme must be http or https: " + std::string(text);
        case config::UrlProblem::no_host:
            return "URL has no host: " + std::string(text);
        case config::UrlProblem::credentials:
            return "URL must not carry user info";  // it would be a credential in a config
        case config::UrlProblem::bad_port:
            return "URL has a bad port: " + std::string(text);
        case config::UrlProblem::bad_host:
        case config::UrlProblem::none:
            break;
    }
    return "URL host is not a name or an IP address: " + std::string(text);
}

}  // namespace

std::int32_t micros_since(Clock::time_point start, Clock::time_point at) {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(at - start).count();
    return static_cast<std::int32_t>(
        std::clamp<std::int64_t>(us, 0, std::numeric_limits<std::int32_t>::max()));
}

std::optional<Url> parse_url(std::string_view text, std::string& error) {
    namespace urls = boost::urls;
    auto parsed = urls::parse_uri(text);
    if (!parsed) {
        error = "not an absolute URL: " + std::string(text);
        return std::nullopt;
    }
    const urls::url_view& u = *parsed;
    if (const auto problem = config::check_http_url(u); problem != config::UrlProblem::none) {
        error = url_problem_text(problem, text);
        return std::nullopt;
    }
    Url url;
    url.tls = u.scheme_id() == urls::scheme::https;
    const std::uint16_t port = u.has_port() ? u.port_number() : url.tls ? 443 : 80;
    url.port = std::to_string(port);
    if (u.host_type() == urls::host_type::name) {
        url.host = u.host();
    } else {
        url.host = u.host_type() == urls::host_type::ipv4 ? u.host_ipv4_address().to_string()
                                                          : u.host_ipv6_address().to_string();
        url.address.emplace(asio::ip::make_address(url.host), port);
    }
    url.host_header = u.encoded_host_and_port();
    url.target = u.encoded_path().empty() ? std::string("/") : std::string(u.encoded_path());
    if (u.has_query()) url.target.append("?").append(u.encoded_query());
    return url;
}

std::shared_ptr<asio::ssl::context> make_tls_context(const std::string& ca_file, bool insecure) {
    auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
    ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                     asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                     asio::ssl::context::no_tlsv1_1);
    error_code ec;
    if (ca_file.empty())
        ctx->set_default_verify_paths(ec);
    else
        ctx->load_verify_file(ca_file, ec);
    if (ec && !insecure)
        throw std::runtime_error(ca_file.empty()
                                     ? "cannot load the system CA certificates: " + ec.message()
                                     : "cannot read CA file " + ca_file + ": " + ec.message());
    ctx->set_verify_mode(insecure ? asio::ssl::verify_none : asio::ssl::verify_peer);
    return ctx;
}

void async_exchange(asio::any_io_executor executor, Exchange exchange, Callback done) {
    Strand strand = asio::make_strand(std::move(executor));
    auto start = [strand]<class S>(std::shared_ptr<S> session) {
        asio::post(strand, [session = std::move(session)] { session->start(); });
    };
    if (exchange.url->tls) {
        if (!exchange.tls) throw std::invalid_argument("https exchange without a TLS context");
        start(std::make_shared<Session<TlsStream>>(strand, std::move(exchange), std::move(done)));
    } else {
        start(std::make_shared<Session<PlainStream>>(strand, std::move(exchange), std::move(done)));
    }
}

std::shared_ptr<Request> make_request(bhttp::verb verb, const Url& url, std::string_view target) {
    auto req = std::make_shared<Request>(verb, target, 11);
    req->set(bhttp::field::host, url.host_header);
    req->set(bhttp::field::user_agent, "slawatch");
    return req;
}

Exchange small_exchange(std::shared_ptr<const Url> url, std::shared_ptr<asio::ssl::context> tls,
                        std::shared_ptr<const Request> request, Clock::duration timeout,
                        std::size_t body_bytes) {
    Exchange x;
    x.url = std::move(url);
    x.tls = std::move(tls);
    x.request = std::move(request);
    x.start = Clock::now();
    x.deadline = x.start + timeout;
    x.limits.header_bytes = 16 * 1024;
    x.limits.body_bytes = body_bytes;
    x.limits.total_bytes = body_bytes + 32 * 1024;
    return x;
}

}  // namespace slawatch::net
