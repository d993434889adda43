// SPDX-License-Identifier: Apache-2.0
// The projection's text and the capped compensation (month_figures.hpp).

#include "cli/report/month_figures.hpp"

#include "sla/compensation.hpp"

#include <fmt/format.h>

#include <vector>

namespace slawatch::cli {

std::string projection_text(const sla::MonthReport& r) {
    if (!r.projected)
        return fmt::format("not yet: {} of the {} observed minutes a projection needs",
                           r.elapsed_minutes - r.unknown, sla::projection_min_observed_minutes);
    return fmt::format("{} unavailable minutes by month end, {} % compensation",
                       r.projected_unavailable, r.projected_percent);
}

sla::Money capped_compensation(const storage::Figures& figures, const config::Config& config,
                               const sla::ServiceMonth& month, sla::EpochMillis now) {
    // R9 / SLA 5.1: the cap looks back over the months before this one.
    std::vector<sla::MonthCompensation> months;
    for (const auto& m : config.contract.terms.months()) {
        if (m.index > month.index) break;
        const auto r = figures.month_report(m, now);
        months.push_back({m.calendar_month(), r.fee, r.compensation_percent, r.compensation});
    }
    sla::apply_liability_cap(months);
    return months.empty() ? sla::Money{} : months.back().amount;
}

}  // namespace slawatch::cli
