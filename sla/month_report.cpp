// SPDX-License-Identifier: Apache-2.0
// R7-R10: one Service Month's figures, the one place they are computed.
#include "sla/month_report.hpp"

#include "sla/availability.hpp"

#include <algorithm>
#include <numeric>

namespace slawatch::sla {

std::int64_t StateCounts::total() const {
    return std::accumulate(by_state.begin(), by_state.end(), std::int64_t{0});
}

MonthReport make_month_report(const ContractTerms& terms, const ServiceMonth& month,
                              const StateCounts& service_rows, std::int64_t elapsed_minutes) {
    MonthReport r;
    r.month = month;
    r.total_minutes = month.total_minutes();  // R7
    r.elapsed_minutes = std::clamp<std::int64_t>(elapsed_minutes, 0, r.total_minutes);
    r.complete = elapsed_minutes >= r.total_minutes;

    r.up = service_rows[MinuteState::up];
    r.unavailable = service_rows[MinuteState::down];
    r.maintenance = service_rows[MinuteState::maintenance];
    r.local_network = service_rows[MinuteState::local_network];
    r.customer = service_rows[MinuteState::customer];
    // R3: every elapsed minute without a decided row is unknown, whether its
    // row says so or it has no row at all.
    const std::int64_t decided =
        r.up + r.unavailable + r.maintenance + r.local_network + r.customer;
    r.unknown = std::max<std::int64_t>(0, r.elapsed_minutes - decided);

    // R8: over the month's total minutes, even while it is still running.
    r.standard_met = standard_met(r.unavailable, r.total_minutes, terms.standard);
    r.availability_text = sla::availability_text(r.unavailable, r.total_minutes);
    r.availability_percent = sla::availability_percent(r.unavailable, r.total_minutes);
    r.budget_minutes = error_budget_minutes(r.total_minutes, terms.standard);
    r.budget_left = std::max<std::int64_t>(0, r.budget_minutes - r.unavailable);

    // R9: before the 12-month cap, never above the month's fee.
    r.compensation_percent =
        sla::compensation_percent(terms.tiers, terms.standard, r.unavailable, r.total_minutes);
    r.fee = terms.fee_for(month);
    r.compensation = std::min(r.fee.percent_of(r.compensation_percent), r.fee);
    r.currency = terms.currency;

    // The month so far, extrapolated at the same rate to its end.
    r.projected = !r.complete && r.elapsed_minutes - r.unknown >= projection_min_observed_minutes;
    r.projected_unavailable = r.projected && r.elapsed_minutes > 0
                                  ? r.unavailable * r.total_minutes / r.elapsed_minutes
                                  : r.unavailable;
    r.projected_percent = sla::compensation_percent(terms.tiers, terms.standard,
                                                    r.projected_unavailable, r.total_minutes);

    // R10
    r.claim = claim_window(month.last, terms.calendar, terms.claim_after_business_days,
                           terms.claim_within_days);
    return r;
}

}  // namespace slawatch::sla
