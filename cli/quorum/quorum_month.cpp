// SPDX-License-Identifier: Apache-2.0
// Combining the vantage points' service minutes (quorum_month.hpp).

#include "cli/quorum/quorum_month.hpp"

#include "sla/compensation.hpp"
#include "sla/quorum.hpp"

#include <algorithm>

namespace slawatch::cli {
namespace {

struct Span {
    sla::EpochMinute from = 0;
    sla::EpochMinute to = 0;  // end of the elapsed minutes
    std::int64_t elapsed = 0;
};

// The elapsed minutes of `month` as of `now`, as Store::month_report counts them.
Span elapsed_span(const sla::ContractTerms& terms, const sla::ServiceMonth& month,
                  sla::EpochMillis now) {
    const auto start = terms.zone.start_of_day(month.first);
    const auto end = terms.zone.start_of_day(sla::add_days(month.last, 1));
    const auto now_minute = sla::minute_of_ms(now);
    // Rows at or after `now` (replayed future data) are not counted yet.
    const auto to = std::clamp(now_minute, start, end);
    const auto elapsed = now_minute >= end ? month.total_minutes() : to - start;
    return {start, to, elapsed};
}

std::vector<sla::MinuteState> service_states(const storage::Figures& store, const Span& span) {
    // Store::minutes lists every minute of the service row (absent: unknown).
    std::vector<sla::MinuteState> out(static_cast<std::size_t>(span.to - span.from),
                                      sla::MinuteState::unknown);
    for (const auto& row : store.minutes(span.from, span.to, std::string("service"))) {
        out[static_cast<std::size_t>(row.minute - span.from)] = row.state;
    }
    return out;
}

sla::StateCounts count(const std::vector<sla::MinuteState>& states) {
    sla::StateCounts c;
    for (const auto s : states) ++c[s];
    return c;
}

struct Combined {
    std::vector<std::vector<sla::MinuteState>> states;
    std::vector<sla::MinuteState> combined;
};

Combined combine(const config::Config& config, const std::vector<VantageInput>& inputs, int k,
                 const Span& span) {
    Combined c;
    for (const auto& in : inputs) c.states.push_back(service_states(*in.figures, span));
    const auto n = static_cast<std::size_t>(span.to - span.from);
    c.combined.resize(n);
    std::vector<sla::MinuteState> votes(inputs.size());
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t v = 0; v < inputs.size(); ++v) votes[v] = c.states[v][i];
        c.combined[i] = sla::quorum_state(votes, k, config.maintenance,
                                          span.from + static_cast<sla::EpochMinute>(i));
    }
    return c;
}

// R9: the compensation of an earlier month at quorum k. The quorum's down
// minutes are at most the vantage points' down minutes over k (each counts in
// k of them), so a month whose bound earns nothing is not read minute by minute.
sla::MonthCompensation earlier_month(const config::Config& config,
                                     const std::vector<VantageInput>& inputs, int k,
                                     const sla::ServiceMonth& month, sla::EpochMillis now) {
    const auto& terms = config.contract.terms;
    const auto span = elapsed_span(terms, month, now);
    std::int64_t down = 0;
    for (const auto& in : inputs)
        down += in.figures->count_states("service", span.from, span.to)[sla::MinuteState::down];
    sla::StateCounts counts;
    if (sla::compensation_percent(terms.tiers, terms.standard, down / k, month.total_minutes()) >
        0) {
        counts = count(combine(config, inputs, k, span).combined);
    }
    const auto r = sla::make_month_report(terms, month, counts, span.elapsed);
    return {month.calendar_month(), r.fee, r.compensation_percent, r.compensation};
}

}  // namespace

QuorumMonth quorum_month(const config::Config& config, const std::vector<VantageInput>& inputs,
                         int k, const sla::ServiceMonth& month, sla::EpochMillis now) {
    const auto& terms = config.contract.terms;
    const auto span = elapsed_span(terms, month, now);
    QuorumMonth q;
    q.k = k;
    q.from = span.from;
    q.to = span.to;
    auto c = combine(config, inputs, k, span);
    q.states = std::move(c.states);
    q.combined = std::move(c.combined);
    q.report = sla::make_month_report(terms, month, count(q.combined), span.elapsed);
    for (const auto& states : q.states)
        q.vantage_reports.push_back(
            sla::make_month_report(terms, month, count(states), span.elapsed));

    std::vector<sla::MinuteState> votes(inputs.size());
    for (std::size_t i = 0; i < q.combined.size(); ++i) {
        for (std::size_t v = 0; v < inputs.size(); ++v) votes[v] = q.states[v][i];
        if (sla::vantages_disagree(votes))
            q.disagreements.push_back(span.from + static_cast<sla::EpochMinute>(i));
    }

    // R9 / SLA 5.1: the cap looks back over the months before this one.
    std::vector<sla::MonthCompensation> months;
    for (const auto& m : terms.months()) {
        if (m.index >= month.index) break;
        months.push_back(earlier_month(config, inputs, k, m, now));
    }
    months.push_back({month.calendar_month(), q.report.fee, q.report.compensation_percent,
                      q.report.compensation});
    sla::apply_liability_cap(months);
    q.capped = months.back().amount;
    return q;
}

}  // namespace slawatch::cli
