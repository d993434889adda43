// SPDX-License-Identifier: Apache-2.0
#pragma once
// R6, R7: the Service Months of a term and their total minutes.

#include "sla/time.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace slawatch::sla {

struct ServiceMonth {
    int index = 0;  // 1-based position in the term
    Date first;     // first day, inclusive (contract zone)
    Date last;      // last day, inclusive

    std::int64_t days() const { return days_between_inclusive(first, last); }
    // R7: days x 1440, whatever DST does.
    std::int64_t total_minutes() const { return days() * 1440; }
    date::year_month calendar_month() const { return first.year() / first.month(); }
};

// The last day of a term of `months` months that starts on `start`:
// 2026-03-17 + 3 -> 2026-06-16. When the same day does not exist in the
// end month (a start on the 31st), the term runs to that month's last day:
// 2026-01-31 + 1 -> 2026-02-28.
Date term_end(Date start, int months);

// R6: the natural months of [start, end], the first and last cut by the term.
std::vector<ServiceMonth> service_months(Date start, Date end);

// The Service Month lying in calendar month `ym`, if the term covers it.
std::optional<ServiceMonth> find_service_month(const std::vector<ServiceMonth>& months,
                                               date::year_month ym);

// The Service Month containing local date `d`, if any.
std::optional<ServiceMonth> service_month_of(const std::vector<ServiceMonth>& months, Date d);

}  // namespace slawatch::sla
