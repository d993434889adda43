// SPDX-License-Identifier: Apache-2.0
// R10: business days for the claim window.
#include "sla/business_calendar.hpp"

#include <stdexcept>

namespace slawatch::sla {

BusinessCalendar::BusinessCalendar(const std::vector<Date>& holidays,
                                   const std::vector<Date>& workdays) {
    for (const Date& d : holidays) holidays_.insert(date::sys_days{d});
    for (const Date& d : workdays) workdays_.insert(date::sys_days{d});
}

bool BusinessCalendar::is_business_day(Date d) const {
    const date::sys_days day{d};
    // A date listed as both is a holiday: a claim filed too early is the worse mistake.
    if (holidays_.count(day)) return false;
    if (workdays_.count(day)) return true;
    const date::weekday wd{day};
    return wd != date::Saturday && wd != date::Sunday;
}

Date BusinessCalendar::nth_business_day(date::year_month ym, int n) const {
    if (n < 1) throw std::invalid_argument("nth_business_day: n must be at least 1");
    // R10: count from the 1st. A month with fewer than n business days (only
    // possible with odd holiday lists) keeps counting into the next month
    // rather than failing; a year without one is a broken calendar.
    date::sys_days day{ym / date::day{1}};
    int seen = 0;
    for (int i = 0; i < 366 + n; ++i, day += date::days{1}) {
        if (is_business_day(Date{day}) && ++seen == n) return Date{day};
    }
    throw std::invalid_argument("nth_business_day: the calendar has no business days");
}

}  // namespace slawatch::sla
