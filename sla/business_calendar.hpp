// SPDX-License-Identifier: Apache-2.0
#pragma once
// R10: business days are Monday-Friday, minus holidays, plus make-up workdays.

#include "sla/time.hpp"

#include <set>
#include <vector>

namespace slawatch::sla {

class BusinessCalendar {
public:
    BusinessCalendar() = default;
    BusinessCalendar(const std::vector<Date>& holidays, const std::vector<Date>& workdays);

    bool is_business_day(Date d) const;

    // The n-th business day (1-based) of calendar month ym.
    Date nth_business_day(date::year_month ym, int n) const;

private:
    std::set<date::sys_days> holidays_;
    std::set<date::sys_days> workdays_;
};

}  // namespace slawatch::sla
