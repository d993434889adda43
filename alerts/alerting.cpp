// SPDX-License-Identifier: Apache-2.0
// The daemon's alerting: detector -> outbox -> dispatcher.

#include "alerts/alerting.hpp"

#include "sla/claim_window.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace slawatch::alerts {

namespace {

template <class T>
void add_unique(std::vector<T>& out, const std::vector<T>& more) {
    for (const auto& v : more)
        if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
}

// Events stay known for dedupe this long: past the end of any claim window.
constexpr sla::EpochMillis memory_ms = 120LL * 24 * 3600 * 1000;

// The detector looks at no more than the last day of a long catch-up.
constexpr sla::EpochMinute max_span = 1440;

}  // namespace

DetectorOptions detector_options(const config::Config& config) {
    DetectorOptions o;
    o.contract = config.contract.name;
    o.vantage = config.vantage.name;
    o.zone = config.contract.terms.zone;
    if (!config.alerts.empty()) {
        o.budget_thresholds.clear();
        o.reminder_days.clear();
        o.unknown_thresholds.clear();
    }
    for (const auto& a : config.alerts) {
        add_unique(o.budget_thresholds, a.budget_thresholds);
        add_unique(o.reminder_days, a.reminder_days);
        add_unique(o.unknown_thresholds, {a.unknown_threshold_minutes});
    }
    return o;
}

bool wants(const config::Alert& alert, const Event& event) {
    if (!alert.takes(to_string(event.type))) return false;
    const auto& b = event.body;
    auto has = [](const auto& list, std::int64_t v) {
        return std::find(list.begin(), list.end(), v) != list.end();
    };
    if (event.type == EventType::budget && b.contains("threshold_percent"))
        return has(alert.budget_thresholds, b.at("threshold_percent").to_number<std::int64_t>());
    if (event.type == EventType::claim_window && b.contains("reminder_days") &&
        !b.at("reminder_days").is_null())
        return has(alert.reminder_days, b.at("reminder_days").to_number<std::int64_t>());
    if (event.type == EventType::monitor_health && b.contains("threshold_minutes"))
        return b.at("threshold_minutes").to_number<std::int64_t>() ==
               alert.unknown_threshold_minutes;
    return true;
}

Alerting::Alerting(boost::asio::any_io_executor ex, const config::Config& config,
                   storage::OutboxStore& outbox)
    : ex_(ex),
      config_(config),
      options_(detector_options(config)),
      outbox_(std::make_unique<Outbox>(outbox)),
      dispatcher_(std::make_unique<Dispatcher>(ex, *outbox_, config.alerts)) {}

void Alerting::apply(const config::Config& config) {
    auto fresh = std::make_unique<Dispatcher>(ex_, *outbox_, config.alerts);
    dispatcher_->stop();
    retired_.push_back(std::move(dispatcher_));
    dispatcher_ = std::move(fresh);
    config_ = config;
    options_ = detector_options(config);
    dispatcher_->poke();
}

Alerting::~Alerting() = default;

void Alerting::resume(const storage::ReportSource& store, sla::EpochMinute finalized_until,
                      sla::EpochMillis now) {
    try {
        tentative_state_.reset();
        state_ = DetectorState::from_emitted(outbox_->event_ids_since(now - memory_ms));
        if (state_.incident_start) {
            // Count the incident's minutes seen before the restart again.
            const auto from = std::max(*state_.incident_start, finalized_until - max_span);
            run_detector(store, from, finalized_until, now, false);
            committed();
        }
    } catch (const std::exception& e) {
        rolled_back();
        spdlog::error("alerts: cannot read the outbox: {}", e.what());
    }
    dispatcher_->poke();
}

void Alerting::on_finalized(const storage::ReportSource& store, sla::EpochMinute from,
                            sla::EpochMinute to, sla::EpochMillis now) {
    tentative_state_.reset();
    tentative_log_.clear();
    run_detector(store, std::max(from, to - max_span), to, now, true);
}

void Alerting::committed() {
    if (tentative_state_) state_ = std::move(*tentative_state_);
    tentative_state_.reset();
    for (const auto& line : tentative_log_) spdlog::info("{}", line);
    tentative_log_.clear();
    dispatcher_->poke();
}

void Alerting::rolled_back() {
    // Not marking the minutes: they are finalized (and detected) again on the next try.
    tentative_state_.reset();
    tentative_log_.clear();
}

void Alerting::run_detector(const storage::ReportSource& store, sla::EpochMinute from,
                            sla::EpochMinute to, sla::EpochMillis now, bool with_months) {
    if (to <= from) return;
    DetectorInput in;
    in.now = now;
    in.minutes = store.minutes(from, to, std::nullopt);
    in.results = store.results(from * 60'000, to * 60'000);
    for (const auto& p : config_.probes)
        if (p.role == config::ProbeRole::control) in.control_probes.push_back(p.name);
    if (with_months) {
        const auto& terms = config_.contract.terms;
        const auto months = terms.months();
        const auto last_day = terms.zone.local_date(to - 1);
        const auto today = terms.zone.local_date(sla::minute_of_ms(now));
        if (auto m = sla::service_month_of(months, last_day)) {
            in.month = store.month_report(*m, now);
            if (auto range = store.derived_range()) {
                const auto month_start = terms.zone.start_of_day(m->first);
                in.month_minutes_before_monitoring = std::clamp<std::int64_t>(
                    range->first - month_start, 0, in.month->elapsed_minutes);
            }
        }
        for (const auto& m : months) {
            if (date::sys_days(m.last) >= date::sys_days(last_day)) continue;  // not ended
            const auto w = sla::claim_window(
                m.last, terms.calendar, terms.claim_after_business_days, terms.claim_within_days);
            if (date::sys_days(w.deadline) < date::sys_days(today)) continue;
            in.ended_months.push_back(store.month_report(m, now));
        }
    }
    // Recorded in state_ only once committed: a failed store retries them next time.
    auto state = tentative_state_ ? *tentative_state_ : state_;
    const auto events = detect(options_, state, in);
    enqueue(events, now);
    tentative_state_ = std::move(state);
}

void Alerting::enqueue(const std::vector<Event>& events, sla::EpochMillis now) {
    for (const auto& e : events) {
        std::vector<std::string> hooks;
        for (const auto& a : config_.alerts)
            if (wants(a, e)) hooks.push_back(a.name);
        if (outbox_->enqueue(e, hooks, now))
            tentative_log_.push_back(fmt::format("alert {}: {}{}", e.id,
                                                 e.body.at("summary").as_string().c_str(),
                                                 hooks.empty() ? " (no hook takes it)" : ""));
    }
}

void Alerting::emit(const Event& event, sla::EpochMillis now) {
    try {
        enqueue({event}, now);
        for (const auto& line : tentative_log_) spdlog::info("{}", line);
    } catch (const std::exception& e) {
        spdlog::error("alerts: cannot store the {} event: {}", to_string(event.type), e.what());
    }
    tentative_log_.clear();
    dispatcher_->poke();
}

std::string Alerting::render_metrics() const {
    return dispatcher_->render_metrics(config_.vantage.name);
}

void Alerting::stop() {
    dispatcher_->stop();
}

}  // namespace slawatch::alerts
