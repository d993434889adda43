// SPDX-License-Identifier: Apache-2.0
#pragma once
// A small HTTP server for GET /metrics and GET /healthz, on the daemon's
// io_context. Bounded request sizes, a deadline per connection, loopback by default.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>

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

class MetricsServer {
public:
    // Answers GET `target` (path only); called on the executor.
    using Handler = std::function<HttpReply(const std::string& target)>;

    // Binds and listens now; throws boost::system::system_error when it cannot.
    MetricsServer(boost::asio::any_io_executor executor, const boost::asio::ip::tcp::endpoint& at,
                  Handler handler);
    ~MetricsServer();

    boost::asio::ip::tcp::endpoint local_endpoint() const;
    void stop();

private:
    class Listener;
    std::shared_ptr<Listener> listener_;
};

}  // namespace slawatch::daemon
