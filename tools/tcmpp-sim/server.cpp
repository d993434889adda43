// SPDX-License-Identifier: Apache-2.0
// Listeners (plain and TLS), TLS contexts, signal handling and the I/O threads.

#include "tools/tcmpp-sim/server.hpp"

#include "tools/tcmpp-sim/session.hpp"
#include "tools/tcmpp-sim/tls_certs.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include <csignal>
#include <fstream>
#include <thread>
#include <vector>

namespace tcmpp_sim {

// Accepts connections and hands each to a session on its own strand.
class Listener : public std::enable_shared_from_this<Listener> {
public:
    Listener(net::io_context& ioc, const tcp::endpoint& ep, SimState& state,
             net::ssl::context* good_tls, net::ssl::context* bad_tls)
        : ioc_(ioc),
          acceptor_(net::make_strand(ioc)),
          retry_(acceptor_.get_executor()),
          state_(state),
          good_tls_(good_tls),
          bad_tls_(bad_tls) {
        acceptor_.open(ep.protocol());
        acceptor_.set_option(net::socket_base::reuse_address(true));
        acceptor_.bind(ep);
        acceptor_.listen(net::socket_base::max_listen_connections);
    }

    tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
    void run() { do_accept(); }

private:
    void do_accept() {
        acceptor_.async_accept(net::make_strand(ioc_),
                               beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
    }

    void on_accept(beast::error_code ec, tcp::socket socket) {
        if (ec == net::error::operation_aborted) return;
        if (ec) {
            // EMFILE and friends: back off briefly instead of spinning.
            spdlog::warn("accept failed: {}", ec.message());
            retry_.expires_after(std::chrono::milliseconds(50));
            retry_.async_wait([self = shared_from_this()](beast::error_code e) {
                if (!e) self->do_accept();
            });
            return;
        }
        state_.stats.connection();
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        if (!good_tls_) {
            std::make_shared<PlainSession>(std::move(socket), state_)->run();
        } else {
            // bad_tls: the certificate is picked per connection, before any request.
            net::ssl::context* ctx = good_tls_;
            const auto plan = state_.plan();
            if (const Fault* f = pick_tls_fault(*plan, sim_now(), state_.dice)) {
                state_.stats.fault(f->kind);
                ctx = bad_tls_;
            }
            std::make_shared<TlsSession>(std::move(socket), *ctx, state_)->run();
        }
        do_accept();
    }

    net::io_context& ioc_;
    tcp::acceptor acceptor_;
    net::steady_timer retry_;
    SimState& state_;
    net::ssl::context* good_tls_;
    net::ssl::context* bad_tls_;
};

namespace {

net::ssl::context make_tls_context(const std::string& cert_pem, const std::string& key_pem) {
    net::ssl::context ctx(net::ssl::context::tls_server);
    ctx.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                    net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                    net::ssl::context::no_tlsv1_1);
    ctx.use_certificate_chain(net::buffer(cert_pem));
    ctx.use_private_key(net::buffer(key_pem), net::ssl::context::pem);
    return ctx;
}

}  // namespace

std::optional<tcp::endpoint> parse_endpoint(std::string_view text) {
    std::string_view host, port;
    if (text.starts_with('[')) {
        const auto close = text.find("]:");
        if (close == std::string_view::npos) return std::nullopt;
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string_view::npos) return std::nullopt;
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    beast::error_code ec;
    const auto addr = net::ip::make_address(std::string(host), ec);
    if (ec || port.empty() || port.size() > 5) return std::nullopt;
    unsigned p = 0;
    for (const char c : port) {
        if (c < '0' || c > '9') return std::nullopt;
        p = p * 10 + static_cast<unsigned>(c - '0');
    }
    if (p > 65535) return std::nullopt;
    return tcp::endpoint(addr, static_cast<unsigned short>(p));
}

std::string format_endpoint(const tcp::endpoint& ep) {
    const auto a = ep.address();
    return a.is_v6() ? fmt::format("[{}]:{}", a.to_string(), ep.port())
                     : fmt::format("{}:{}", a.to_string(), ep.port());
}

Server::Server(Options options)
    : options_(std::move(options)),
      state_(options_.api, options_.seed, options_.idle_timeout, options_.verbose),
      ioc_(static_cast<int>(options_.threads)),
      signals_(ioc_, SIGINT, SIGTERM, SIGHUP) {
    if (!options_.faults_file.empty()) {
        // Relative windows of the startup plan count from the sim's start.
        FaultPlan plan = load_fault_plan_file(options_.faults_file, sim_now());
        spdlog::info("fault plan {}: {} fault(s)", options_.faults_file, plan.faults.size());
        state_.set_plan(std::move(plan));
    }
    plain_ = std::make_shared<Listener>(ioc_, options_.listen, state_, nullptr, nullptr);
    state_.http_base = "http://" + format_endpoint(plain_->local_endpoint());
    if (options_.tls_listen) {
        const CertBundle certs = generate_certs();
        good_tls_.emplace(make_tls_context(certs.leaf_pem, certs.leaf_key_pem));
        bad_tls_.emplace(make_tls_context(certs.bad_pem, certs.bad_key_pem));
        tls_ =
            std::make_shared<Listener>(ioc_, *options_.tls_listen, state_, &*good_tls_, &*bad_tls_);
        state_.https_base = "https://" + format_endpoint(tls_->local_endpoint());
        if (!options_.write_ca.empty()) {
            std::ofstream out(options_.write_ca, std::ios::binary | std::ios::trunc);
            out << certs.ca_pem;
            out.close();
            if (!out)
                throw std::runtime_error(
                    fmt::format("cannot write the CA certificate to {}", options_.write_ca));
        }
    }
}

Server::~Server() = default;

std::string Server::ready_line() const {
    std::string line = "listening on " + state_.http_base;
    if (!state_.https_base.empty()) line += " " + state_.https_base;
    return line;
}

void Server::await_signal() {
    signals_.async_wait([this](beast::error_code ec, int sig) {
        if (ec) return;
        if (sig != SIGHUP) {
            spdlog::info("signal {}: stopping", sig);
            ioc_.stop();
            return;
        }
        if (options_.faults_file.empty()) {
            spdlog::info("SIGHUP: no --faults file to reload");
        } else {
            try {
                FaultPlan plan = load_fault_plan_file(options_.faults_file, sim_now());
                spdlog::info("SIGHUP: fault plan {} reloaded: {} fault(s)", options_.faults_file,
                             plan.faults.size());
                state_.set_plan(std::move(plan));
            } catch (const PlanError& e) {
                spdlog::error("SIGHUP: fault plan rejected, old plan kept: {}", e.what());
            }
        }
        await_signal();
    });
}

void Server::run() {
    await_signal();
    plain_->run();
    if (tls_) tls_->run();
    std::vector<std::thread> extra;
    for (unsigned i = 1; i < options_.threads; ++i) extra.emplace_back([this] { ioc_.run(); });
    ioc_.run();
    for (auto& t : extra) t.join();
}

}  // namespace tcmpp_sim
