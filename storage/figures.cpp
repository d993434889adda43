// SPDX-License-Identifier: Apache-2.0
#include "storage/figures.hpp"

#include <algorithm>

namespace slawatch::storage {

sla::MonthReport month_report_of(const Figures& figures, const config::Config& config,
                                 const sla::ServiceMonth& month, sla::EpochMillis now) {
    const auto& terms = config.contract.terms;
    const auto start = terms.zone.start_of_day(month.first);
    const auto end = terms.zone.start_of_day(sla::add_days(month.last, 1));
    const auto now_minute = sla::minute_of_ms(now);

    // Rows at or after `now` (replayed future data) are not counted yet.
    const auto counted_end = std::clamp(now_minute, start, end);
    const auto elapsed =
        now_minute >= end ? month.total_minutes()
                          : std::clamp<std::int64_t>(now_minute - start, 0, month.total_minutes());
    auto counts = [&](const std::string& probe) {
        auto c = figures.count_states(probe, start, counted_end);
        // A probe with no minutes yet is unknown throughout (sparse storage).
        auto& unknown = c[sla::MinuteState::unknown];
        unknown += std::max<std::int64_t>(0, (counted_end - start) - c.total());
        // R7: a DST month can hold more UTC minutes than days x 1440; never
        // count more minutes than have elapsed: the excess comes off the unknown ones.
        unknown -= std::clamp<std::int64_t>(c.total() - elapsed, 0, unknown);
        return c;
    };
    auto report = sla::make_month_report(terms, month, counts("service"), elapsed);
    for (const auto& p : config.probes) report.probes.push_back({p.name, counts(p.name)});
    return report;
}

}  // namespace slawatch::storage
