// SPDX-License-Identifier: Apache-2.0
// budget, tier, unknown-minute and claim_window events (alerts/month_watch.hpp).

#include "alerts/month_watch.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace slawatch::alerts::detail {

namespace {

void add_figures(Event& e, const sla::MonthReport& r) {
    const auto figures = month_figures(r);
    e.body.insert(figures.begin(), figures.end());
}

void add_tier_fields(Event& e, const sla::MonthReport& r, int percent, bool projected) {
    add_figures(e, r);
    e.body["tier_percent"] = percent;
    e.body["projected"] = projected;
    e.body["projected_unavailable_minutes"] = r.projected_unavailable;
    e.body["fee"] = r.fee.to_string();
    e.body["amount"] = (projected ? r.fee.percent_of(percent) : r.compensation).to_string();
    e.body["currency"] = r.currency;
}

// What the claim event and its reminder both carry.
void add_claim_fields(Event& e, const sla::MonthReport& r, std::int64_t days_left) {
    add_figures(e, r);
    e.body["tier_percent"] = r.compensation_percent;
    e.body["amount"] = r.compensation.to_string();
    e.body["fee"] = r.fee.to_string();
    e.body["currency"] = r.currency;
    e.body["opens"] = sla::format_date(r.claim.opens);
    e.body["deadline"] = sla::format_date(r.claim.deadline);
    e.body["days_left"] = days_left;
}

// Only the tightest reminder that applies: a late start skips stale ones.
std::optional<int> reminder_due(const std::vector<int>& reminder_days, std::int64_t days_left) {
    std::optional<int> due;
    for (int d : reminder_days)
        if (days_left <= d && (!due || d < *due)) due = d;
    return due;
}

}  // namespace

void check_budget(Emitter& emitter, const sla::MonthReport& r) {
    if (r.unavailable <= 0) return;
    auto thresholds = emitter.options().budget_thresholds;
    std::sort(thresholds.begin(), thresholds.end());
    for (int t : thresholds) {
        // unavailable / budget >= t %, in integers; a zero budget is spent by one minute.
        if (r.unavailable * 100 < static_cast<std::int64_t>(t) * r.budget_minutes) continue;
        const auto name = month_name(r);
        auto e = emitter.event(
            EventType::budget, fmt::format("budget:{}:{}", name, t),
            fmt::format("error budget of {} is {} % used: {} unavailable of {} allowed "
                        "minutes, {} left; availability {} % (standard {})",
                        name, t, r.unavailable, r.budget_minutes, r.budget_left,
                        r.availability_text, r.standard_met ? "met" : "NOT met"));
        add_figures(e, r);
        e.body["threshold_percent"] = t;
        if (r.budget_minutes > 0)
            e.body["consumed_percent"] =
                static_cast<double>(r.unavailable) * 100.0 / static_cast<double>(r.budget_minutes);
        else
            e.body["consumed_percent"] = nullptr;
        emitter.emit(std::move(e));
    }
}

void check_tier(Emitter& emitter, const sla::MonthReport& r) {
    const auto name = month_name(r);
    if (r.compensation_percent > 0) {
        auto e =
            emitter.event(EventType::tier, fmt::format("tier:{}:{}", name, r.compensation_percent),
                          fmt::format("{} is at {} % availability, below the standard: "
                                      "compensation tier {} % of the fee ({} {})",
                                      name, r.availability_text, r.compensation_percent,
                                      r.compensation.to_string(), r.currency));
        add_tier_fields(e, r, r.compensation_percent, false);
        emitter.emit(std::move(e));
    }
    const bool enough = r.elapsed_minutes * 100 >=
                        r.total_minutes * static_cast<std::int64_t>(
                                              emitter.options().projection_min_elapsed_percent);
    if (!r.complete && enough && r.projected_percent > r.compensation_percent) {
        auto e = emitter.event(
            EventType::tier, fmt::format("tier:{}:projected:{}", name, r.projected_percent),
            fmt::format("{} heads for compensation tier {} %: at the rate so far "
                        "it ends with {} unavailable minutes (budget {})",
                        name, r.projected_percent, r.projected_unavailable, r.budget_minutes));
        add_tier_fields(e, r, r.projected_percent, true);
        emitter.emit(std::move(e));
    }
}

void check_unknown(Emitter& emitter, const sla::MonthReport& r,
                   std::int64_t minutes_before_monitoring) {
    const auto name = month_name(r);
    const auto unknown = std::max<std::int64_t>(0, r.unknown - minutes_before_monitoring);
    for (auto threshold : emitter.options().unknown_thresholds) {
        if (unknown <= threshold) continue;
        auto e = emitter.event(
            EventType::monitor_health, fmt::format("monitor_health:unknown:{}:{}", name, threshold),
            fmt::format("{} has {} unknown minutes (threshold {}): slawatch did not "
                        "watch them (stopped, overloaded or too few probe runs), "
                        "so they are no evidence either way",
                        name, unknown, threshold));
        add_figures(e, r);
        e.body["condition"] = "unknown_minutes";
        e.body["unknown_minutes_while_monitoring"] = unknown;
        e.body["status"] = "firing";
        e.body["threshold_minutes"] = threshold;
        emitter.emit(std::move(e));
    }
}

void check_claim(Emitter& emitter, const sla::MonthReport& r) {
    if (!r.complete || r.standard_met) return;
    const auto today = emitter.options().zone.local_date(sla::minute_of_ms(emitter.now()));
    const auto days_left = (date::sys_days(r.claim.deadline) - date::sys_days(today)).count();
    if (days_left < 0) return;
    const auto name = month_name(r);
    auto e = emitter.event(
        EventType::claim_window, fmt::format("claim_window:{}", name),
        fmt::format("{} ended at {} % availability, below the standard: claim {} % "
                    "of the fee ({} {}, before the 12-month cap); the claim window "
                    "opens {}, deadline {}",
                    name, r.availability_text, r.compensation_percent, r.compensation.to_string(),
                    r.currency, sla::format_date(r.claim.opens),
                    sla::format_date(r.claim.deadline)));
    add_claim_fields(e, r, days_left);
    e.body["reminder_days"] = nullptr;
    emitter.emit(std::move(e));

    const auto due = reminder_due(emitter.options().reminder_days, days_left);
    if (!due) return;
    auto reminder = emitter.event(
        EventType::claim_window, fmt::format("claim_window:{}:reminder:{}", name, *due),
        fmt::format("reminder: the compensation claim for {} ({} {}) must be "
                    "filed by {}, {} day{} left",
                    name, r.compensation.to_string(), r.currency,
                    sla::format_date(r.claim.deadline), days_left, days_left == 1 ? "" : "s"));
    add_claim_fields(reminder, r, days_left);
    reminder.body["reminder_days"] = *due;
    emitter.emit(std::move(reminder));
}

}  // namespace slawatch::alerts::detail
