// SPDX-License-Identifier: Apache-2.0
#pragma once
// One HTTP(S) request on a fresh connection, under one total deadline, with
// size limits and phase timings; every failure is classified as an sla::Outcome.
// Used by the probes and reusable by anything else that must not trust its peer
// (webhook alerts).
//
// Outcome rules (docs/architecture.md "Errors and hostile input", docs/interface.md "Probe
// outcomes"):
//   deadline passed in any phase                    -> timeout
//   name did not resolve                            -> dns_error
//   TCP connect refused / unreachable / reset       -> connect_error
//   TLS handshake or certificate failure            -> tls_error
//   writing the request failed (reset, broken pipe) -> connect_error
//   the connection was closed or reset after the request was sent,
//     before any byte of the response               -> connect_error
//     after part of the response (truncated)        -> bad_response
//   unparsable response, header or body over limit,
//     or more bytes than Limits::total_bytes        -> bad_response
// Through an egress proxy (Exchange::proxy; a CONNECT tunnel, then TLS and the
// request as above), the proxy's own failures are the monitor's (R4):
//   proxy name did not resolve, connect to it failed   -> proxy_error
//   any timeout before the tunnel is up                 -> proxy_error
//   CONNECT answered other than 2xx (407, 403, 502...)  -> proxy_error
// A complete response of any status is `ok` here; what a status means is the
// caller's decision.

#include "sla/sample.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace slawatch::net {

using Clock = std::chrono::steady_clock;
using Request = boost::beast::http::request<boost::beast::http::string_body>;

// A parsed http:// or https:// URL, ready to connect to.
struct Url {
    bool tls = false;
    std::string host;         // name or address, without IPv6 brackets (SNI, verification)
    std::string port;         // "443"
    std::string host_header;  // "host[:port]" as sent in Host (brackets kept)
    std::string target;       // "/path?query", never empty
    // Set when the host is an IP literal: no DNS lookup at all.
    std::optional<boost::asio::ip::tcp::endpoint> address;
};

// nullopt with `error` set when the URL is not an absolute http(s) URL with a host.
std::optional<Url> parse_url(std::string_view text, std::string& error);

// A client TLS context: the system CAs, or only `ca_file` when not empty;
// `insecure` turns certificate verification off (tests only). Made once per
// probe, never per request. Throws std::runtime_error on an unreadable CA file.
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const std::string& ca_file,
                                                            bool insecure);

// An HTTP proxy to tunnel through (net/proxy.hpp makes them).
struct Proxy {
    Url url;                    // the proxy's host and port
    std::string authorization;  // Proxy-Authorization value, or empty; never logged (R12)
};

// Byte budgets for one response, enforced while it streams in (docs/architecture.md
// "Wire budgets"). total_bytes counts every byte taken off the connection for the
// response: status line, headers, chunk-size lines with their extensions, trailers
// and body; header_bytes also bounds any single chunk-size line or trailer block.
struct Limits {
    std::size_t header_bytes = 16 * 1024;
    std::size_t body_bytes = 1024 * 1024;
    std::size_t total_bytes = 1024 * 1024 + 64 * 1024;
};

struct Exchange {
    std::shared_ptr<const Url> url;
    std::shared_ptr<boost::asio::ssl::context> tls;  // required for https
    std::shared_ptr<const Request> request;          // sent as is
    Clock::time_point start;                         // phases are measured from here
    Clock::time_point deadline;                      // covers every phase
    Limits limits;
    bool verify_host = true;  // check the certificate names url->host (unless insecure)
    std::shared_ptr<const Proxy> proxy = nullptr;  // nullptr: connect directly
};

struct Response {
    sla::Outcome outcome = sla::Outcome::ok;  // ok: a complete response was read
    int status = 0;                           // 0 when no status line was read
    std::string content_type;                 // sanitised and bounded (net/server_text.hpp)
    std::string location;                     // sanitised and bounded (net/server_text.hpp)
    // Bounded by Limits::body_bytes. For the caller's checks only: never stored (R12).
    std::string body;
    sla::PhaseTimings phases;  // microseconds from Exchange::start; total set at completion
    std::string detail;        // "connect: Connection refused"
};

using Callback = std::function<void(Response&)>;

// A request for `target` of `url` with the Host and User-Agent headers every
// slawatch client sends; the caller adds its own headers and body.
std::shared_ptr<Request> make_request(boost::beast::http::verb verb, const Url& url,
                                      std::string_view target);

// An exchange of `request` with `url`, from now and within `timeout`, whose
// answer is read only for a small body: at most `body_bytes` of it, 16 KiB of
// headers and `body_bytes` + 32 KiB in all.
Exchange small_exchange(std::shared_ptr<const Url> url,
                        std::shared_ptr<boost::asio::ssl::context> tls,
                        std::shared_ptr<const Request> request, Clock::duration timeout,
                        std::size_t body_bytes);

// Starts the exchange and returns at once; `done` runs exactly once, on a
// strand of `executor`, no later than the deadline (plus delivery): one timer
// covers resolve, connect, TLS handshake, write and read, whatever the peer sends.
void async_exchange(boost::asio::any_io_executor executor, Exchange exchange, Callback done);

// Microseconds from `start` to `at`, clamped to the int32 range of PhaseTimings.
std::int32_t micros_since(Clock::time_point start, Clock::time_point at);

}  // namespace slawatch::net
