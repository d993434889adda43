// SPDX-License-Identifier: Apache-2.0
#pragma once
// The sim's process-level parts: listeners, TLS contexts, signals, I/O threads.

#include "tools/tcmpp-sim/sim_state.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace tcmpp_sim {

struct Options {
    boost::asio::ip::tcp::endpoint listen;
    std::optional<boost::asio::ip::tcp::endpoint> tls_listen;
    std::string write_ca;     // CA PEM path, "" = don't write
    std::string faults_file;  // "" = no plan
    std::uint64_t seed = 1;
    ApiConfig api;
    unsigned threads = 1;
    std::chrono::seconds idle_timeout{30};
    bool verbose = false;
};

class Listener;

class Server {
public:
    // Loads the fault plan (throws PlanError), makes certificates, binds the listeners
    // (throws boost::system::system_error). Nothing runs until run().
    explicit Server(Options options);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // "listening on http://ADDR:PORT[ https://ADDR:PORT]"
    std::string ready_line() const;
    // Serves until SIGTERM/SIGINT; SIGHUP reloads the fault file.
    void run();

private:
    void await_signal();

    Options options_;
    SimState state_;
    std::optional<boost::asio::ssl::context> good_tls_;
    std::optional<boost::asio::ssl::context> bad_tls_;
    // Last: destroyed first, so pending sessions go before what they reference.
    boost::asio::io_context ioc_;
    boost::asio::signal_set signals_;
    std::shared_ptr<Listener> plain_;
    std::shared_ptr<Listener> tls_;
};

// "127.0.0.1:8080" / "[::1]:8080" -> endpoint; nullopt if malformed.
std::optional<boost::asio::ip::tcp::endpoint> parse_endpoint(std::string_view text);
std::string format_endpoint(const boost::asio::ip::tcp::endpoint& ep);

}  // namespace tcmpp_sim
