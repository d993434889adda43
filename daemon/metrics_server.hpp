// SPDX-License-Identifier: Apache-2.0
#pragma once
// A small HTTP server for GET /metrics, /healthz and /checkpoint, on the daemon's
// io_context. Loopback by default; bounded so that no local client can starve
// scrapes (docs/configuration.md "[metrics]"): request line and headers within
// header_bytes, each request read within read_timeout, at most max_connections
// open, and when they are all taken the one idle longest is dropped for the newcomer.

#include "daemon/metrics_request.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace slawatch::daemon {

struct HttpReply {
    unsigned status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    std::string body;
};

// "127.0.0.1:9817", "[::1]:9817", "0.0.0.0:9817". Throws std::invalid_argument.
boost::asio::ip::tcp::endpoint parse_listen(const std::string& listen);

struct ListenerLimits {
    // The same limits the pure parser (metrics_request.hpp) is fuzzed with.
    std::size_t header_bytes = RequestLimits{}.header_bytes;  // request line + headers
    std::size_t body_bytes = RequestLimits{}.body_bytes;      // GET and HEAD carry none
    std::chrono::milliseconds read_timeout{5000};             // a whole request, first byte to last
    std::chrono::milliseconds write_timeout{5000};            // a whole reply
    std::size_t max_connections = 64;
};

class MetricsServer {
public:
    // How a handler answers: exactly once, on the executor, now or later.
    using Respond = std::function<void(HttpReply)>;
    // Answers GET `target` (path and query, as sent); called on the executor.
    using Handler = std::function<void(const std::string& target, Respond respond)>;

    // Binds and listens now; throws boost::system::system_error when it cannot.
    // The executor must not run on more than one thread at a time.
    MetricsServer(boost::asio::any_io_executor executor, const boost::asio::ip::tcp::endpoint& at,
                  Handler handler, ListenerLimits limits = {});
    ~MetricsServer();

    boost::asio::ip::tcp::endpoint local_endpoint() const;
    void stop();

private:
    class Listener;
    std::shared_ptr<Listener> listener_;
};

}  // namespace slawatch::daemon
