// SPDX-License-Identifier: Apache-2.0
// The Service Month's figures and claim windows as gauges. Minute counts are
// exported in seconds (minutes x 60): Prometheus' base unit, and what makes
// burn-rate rules plain ratios (docs/metrics.md, docs/prometheus.md).
#include "daemon/metrics.hpp"

#include "sla/time.hpp"

#include <fmt/format.h>

namespace slawatch::daemon {

namespace {

double minutes_to_seconds(std::int64_t minutes) {
    return 60.0 * static_cast<double>(minutes);
}

double midnight_seconds(const sla::TimeZone& zone, sla::Date d) {
    return minutes_to_seconds(zone.start_of_day(d));
}

}  // namespace

MonthGauges month_gauges(const sla::ContractTerms& terms, const sla::MonthReport& report) {
    MonthGauges g;
    g.report = report;
    g.start_seconds = midnight_seconds(terms.zone, report.month.first);
    g.claim_opens_seconds = midnight_seconds(terms.zone, report.claim.opens);
    g.claim_deadline_seconds =
        midnight_seconds(terms.zone, sla::add_days(report.claim.deadline, 1));
    g.standard_ratio = static_cast<double>(terms.standard.units()) / (100.0 * sla::Percent::scale);
    return g;
}

void Metrics::render_month(Exposition& e) const {
    if (month_) render_current_month(e, *month_);
    if (!month_ && claims_.empty()) return;
    render_claim_windows(e);
}

// The running Service Month's figures so far.
void Metrics::render_current_month(Exposition& e, const MonthGauges& g) {
    const auto& r = g.report;
    const auto s = minutes_to_seconds;
    e.family("slawatch_month_info", "gauge",
             "The current Service Month (label month, its index in the term).");
    e.sample("slawatch_month_info",
             fmt::format("month=\"{}\",index=\"{}\"",
                         sla::format_year_month(r.month.calendar_month()), r.month.index),
             1);
    e.gauge("slawatch_month_start_timestamp_seconds",
            "Start of the current Service Month (local midnight of its first day).",
            g.start_seconds);
    e.gauge("slawatch_month_length_seconds",
            "Length of the current Service Month: its days x 86400 (R7).", s(r.total_minutes));
    e.gauge("slawatch_month_elapsed_seconds",
            "Seconds of the current Service Month that have elapsed.", s(r.elapsed_minutes));
    e.family("slawatch_month_state_seconds", "gauge",
             "Elapsed seconds of the current Service Month by service state; unknown "
             "includes minutes with no verdict.");
    const std::array<std::pair<sla::MinuteState, std::int64_t>, 6> states{
        {{sla::MinuteState::up, r.up},
         {sla::MinuteState::down, r.unavailable},
         {sla::MinuteState::unknown, r.unknown},
         {sla::MinuteState::maintenance, r.maintenance},
         {sla::MinuteState::local_network, r.local_network},
         {sla::MinuteState::customer, r.customer}}};
    for (const auto& [state, minutes] : states)
        e.sample("slawatch_month_state_seconds", fmt::format("state=\"{}\"", sla::to_string(state)),
                 s(minutes));
    e.gauge("slawatch_month_availability_ratio",
            "Availability of the current Service Month so far, over its whole length "
            "(R8), 0-1.",
            r.availability_percent / 100.0);
    e.gauge("slawatch_month_standard_ratio", "The contract's availability standard, 0-1.",
            g.standard_ratio);
    e.gauge("slawatch_month_coverage_ratio",
            "Share of the month's elapsed minutes with a verdict (not unknown), 0-1.",
            r.elapsed_minutes > 0 ? static_cast<double>(r.elapsed_minutes - r.unknown) /
                                        static_cast<double>(r.elapsed_minutes)
                                  : 1.0);
    e.gauge("slawatch_month_error_budget_seconds",
            "Unavailable seconds the current Service Month may have and still meet the "
            "standard.",
            s(r.budget_minutes));
    e.gauge("slawatch_month_error_budget_remaining_seconds", "Error budget left, never below 0.",
            s(r.budget_left));
    e.gauge("slawatch_month_compensation_ratio",
            "Service credit the month has earned so far, as a share of its fee (R9), 0-1.",
            r.compensation_percent / 100.0);
    e.gauge("slawatch_month_projected_unavailable_seconds",
            "Unavailable seconds at the month's end if it goes on as so far.",
            s(r.projected_unavailable));
    e.gauge("slawatch_month_projected_compensation_ratio",
            "The compensation tier the month reaches if it goes on as so far, 0-1.",
            r.projected_percent / 100.0);
}

// The claim windows of the ended months still open and of the running one.
void Metrics::render_claim_windows(Exposition& e) const {
    // Ended months first: theirs are the windows that may be open now.
    const auto each_month = [&](std::string_view name, auto value) {
        const auto one = [&](const MonthGauges& g) {
            e.sample(name,
                     fmt::format("month=\"{}\"",
                                 sla::format_year_month(g.report.month.calendar_month())),
                     value(g));
        };
        for (const auto& g : claims_) one(g);
        if (month_) one(*month_);
    };
    e.family("slawatch_claim_window_opens_timestamp_seconds", "gauge",
             "When a claim for the Service Month may first be filed (R10).");
    each_month("slawatch_claim_window_opens_timestamp_seconds",
               [](const MonthGauges& g) { return g.claim_opens_seconds; });
    e.family("slawatch_claim_window_deadline_timestamp_seconds", "gauge",
             "When the claim window for the Service Month closes: the end of its last day (R10).");
    each_month("slawatch_claim_window_deadline_timestamp_seconds",
               [](const MonthGauges& g) { return g.claim_deadline_seconds; });
    e.family("slawatch_claim_compensation_ratio", "gauge",
             "Service credit the Service Month has earned, as a share of its fee, 0-1.");
    each_month("slawatch_claim_compensation_ratio",
               [](const MonthGauges& g) { return g.report.compensation_percent / 100.0; });
}

}  // namespace slawatch::daemon
