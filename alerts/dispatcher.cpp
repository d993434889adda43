// SPDX-License-Identifier: Apache-2.0
// The alert dispatcher: due outbox rows -> hooks, results -> outbox.

#include "alerts/dispatcher.hpp"

#include "sla/clock.hpp"
#include "text/escape.hpp"

#include <boost/asio/post.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>

namespace slawatch::alerts {
namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

using sla::now_ms;

}  // namespace

Dispatcher::Dispatcher(asio::any_io_executor ex, Outbox& outbox,
                       const std::vector<config::Alert>& alerts)
    : ex_(ex), outbox_(outbox), timer_(ex) {
    for (const auto& a : alerts) {
        HookState s;
        s.alert = a;
        s.hook = make_hook(ex, a);
        s.hook->resume(outbox_);
        hooks_.emplace(a.name, std::move(s));
    }
    refresh_pending();
}

Dispatcher::~Dispatcher() {
    *alive_ = false;
}

void Dispatcher::poke() {
    if (stopped_) return;
    refresh_pending();
    deliver_due();
}

void Dispatcher::stop() {
    stopped_ = true;
    timer_.cancel();
}

void Dispatcher::refresh_pending() {
    try {
        const auto counts = outbox_.counts();
        for (auto& [name, h] : hooks_) {
            auto it = counts.find(name);
            h.pending = it == counts.end() ? 0 : it->second.pending;
        }
    } catch (const std::exception&) {
        // Reported by deliver_due(), which runs right after.
    }
}

// Sleeps until the earliest retry of an idle hook (or a poke).
void Dispatcher::do_wait() {
    if (stopped_) return;
    std::vector<std::string> idle;
    for (const auto& [name, h] : hooks_)
        if (!h.busy) idle.push_back(name);
    std::optional<sla::EpochMillis> next;
    try {
        next = outbox_.next_due(idle);
    } catch (const std::exception&) {
        next = now_ms() + 5000;
    }
    if (!next) return;
    const auto wait = std::chrono::milliseconds(std::max<sla::EpochMillis>(*next - now_ms(), 0));
    timer_.expires_after(wait + 5ms);
    timer_.async_wait([this, alive = alive_](boost::system::error_code ec) {
        if (*alive) on_wait(ec);
    });
}

void Dispatcher::on_wait(boost::system::error_code ec) {
    if (ec || stopped_) return;
    deliver_due();
}

void Dispatcher::deliver_due() {
    if (stopped_) return;
    const auto now = now_ms();
    try {
        for (auto& [name, h] : hooks_) {
            if (h.busy) continue;
            auto rows = outbox_.due(name, now, 1);
            if (rows.empty()) continue;
            h.busy = true;
            const auto row = rows.front();
            h.hook->deliver(row, [this, alive = alive_, name = name, row](Attempt a) {
                if (*alive) on_attempt(name, row, std::move(a));
            });
        }
        if (store_failing_) spdlog::info("alerts: the outbox is readable again");
        store_failing_ = false;
    } catch (const std::exception& e) {
        if (!store_failing_)
            spdlog::error("alerts: cannot read the outbox: {}; retrying", e.what());
        store_failing_ = true;
        timer_.expires_after(5s);
        timer_.async_wait([this, alive = alive_](boost::system::error_code ec) {
            if (*alive) on_wait(ec);
        });
        return;
    }
    do_wait();
}

void Dispatcher::on_attempt(const std::string& name, const Delivery& d, Attempt a) {
    auto& h = hooks_.at(name);
    h.busy = false;
    const auto now = now_ms();
    try {
        if (a.delivered) {
            ++h.delivered;
            outbox_.mark_delivered(d.id, name, now);
            if (h.failing) spdlog::info("alert {}: delivering again ({} {})", name, d.type, d.id);
            h.failing = false;
        } else {
            ++h.failed;
            Backoff b{h.alert.backoff, h.alert.max_backoff, h.alert.max_attempts};
            const double unit = std::uniform_real_distribution<double>(0.0, 1.0)(random_);
            const auto state = outbox_.mark_failed(d.id, name, a.detail, now, b, unit);
            if (!h.failing)
                spdlog::warn("alert {}: delivery failing ({}); retrying with backoff up to {} s",
                             name, a.detail, h.alert.max_backoff.count() / 1000);
            h.failing = true;
            if (state == "failed")
                spdlog::error("alert {}: gave up on {} event {} after {} attempts ({})", name,
                              d.type, d.id, d.attempts + 1, a.detail);
        }
    } catch (const std::exception& e) {
        spdlog::error("alerts: cannot record a delivery: {}", e.what());
    }
    refresh_pending();
    // The next row of this hook may be due at once; do not recurse into deliver().
    asio::post(ex_, [this, alive = alive_] {
        if (*alive) deliver_due();
    });
}

std::string Dispatcher::render_metrics(std::string_view vantage) const {
    // The same leading label as every other family of /metrics (daemon/metrics.hpp).
    const auto v = fmt::format("vantage=\"{}\",", text::prometheus_label(vantage));
    std::string out;
    out += "# HELP slawatch_alert_deliveries_total Alert delivery attempts by hook and result.\n";
    out += "# TYPE slawatch_alert_deliveries_total counter\n";
    for (const auto& [name, h] : hooks_) {
        out += fmt::format(
            "slawatch_alert_deliveries_total{{{}hook=\"{}\",result=\"delivered\"}} {}\n", v,
            text::prometheus_label(name), h.delivered);
        out +=
            fmt::format("slawatch_alert_deliveries_total{{{}hook=\"{}\",result=\"failed\"}} {}\n",
                        v, text::prometheus_label(name), h.failed);
    }
    out += "# HELP slawatch_alert_pending Alert events waiting for delivery by hook.\n";
    out += "# TYPE slawatch_alert_pending gauge\n";
    for (const auto& [name, h] : hooks_)
        out += fmt::format("slawatch_alert_pending{{{}hook=\"{}\"}} {}\n", v,
                           text::prometheus_label(name), h.pending);
    out += "# HELP slawatch_alert_hook_failing 1 while the hook's last attempt failed.\n";
    out += "# TYPE slawatch_alert_hook_failing gauge\n";
    for (const auto& [name, h] : hooks_)
        out += fmt::format("slawatch_alert_hook_failing{{{}hook=\"{}\"}} {}\n", v,
                           text::prometheus_label(name), h.failing ? 1 : 0);
    return out;
}

}  // namespace slawatch::alerts
