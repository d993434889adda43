// SPDX-License-Identifier: Apache-2.0
#pragma once
// Delivers due outbox rows through their hooks on the daemon's io_context:
// one attempt at a time per hook, strictly in stored order (Outbox::due), retries with
// backoff, a log line per change of a hook's health, and the counters for /metrics.

#include "alerts/hook.hpp"
#include "alerts/outbox.hpp"

#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace slawatch::alerts {

class Dispatcher {
public:
    // Throws HookSetupError when a hook cannot be set up.
    Dispatcher(boost::asio::any_io_executor ex, Outbox& outbox,
               const std::vector<config::Alert>& alerts);
    ~Dispatcher();

    // New rows may be due: look now.
    void poke();
    void stop();

    // slawatch_alert_deliveries_total{vantage,hook,result},
    // slawatch_alert_pending{vantage,hook}, slawatch_alert_hook_failing{vantage,hook}.
    std::string render_metrics(std::string_view vantage) const;

private:
    struct HookState {
        config::Alert alert;
        std::unique_ptr<Hook> hook;
        bool busy = false;
        bool failing = false;  // logged once per change
        std::uint64_t delivered = 0;
        std::uint64_t failed = 0;
        std::int64_t pending = 0;
    };

    void do_wait();
    void on_wait(boost::system::error_code ec);
    void deliver_due();
    void on_attempt(const std::string& hook, const Delivery& d, Attempt a);
    void refresh_pending();

    boost::asio::any_io_executor ex_;
    Outbox& outbox_;
    std::map<std::string, HookState> hooks_;
    boost::asio::steady_timer timer_;
    std::mt19937_64 random_{std::random_device{}()};
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    bool stopped_ = false;
    bool store_failing_ = false;
};

}  // namespace slawatch::alerts
