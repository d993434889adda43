// SPDX-License-Identifier: Apache-2.0
// R6, R7: the Service Months of a term.
#include "sla/service_month.hpp"

#include <algorithm>
#include <stdexcept>

namespace slawatch::sla {

Date term_end(Date start, int months) {
    if (months < 1) throw std::invalid_argument("term_end: a term lasts at least one month");
    // The same day `months` later, the day before it. A start day the end
    // month lacks (the 31st, or the 29th-31st against February) ends the term
    // on that month's last day instead.
    const date::year_month end_month = start.year() / start.month() + date::months{months};
    const Date same_day = end_month / start.day();
    if (!same_day.ok()) return Date{end_month / date::last};
    return add_days(same_day, -1);
}

std::vector<ServiceMonth> service_months(Date start, Date end) {
    // R6: natural months, the first and the last cut by the term.
    std::vector<ServiceMonth> months;
    if (!start.ok() || !end.ok() || date::sys_days{end} < date::sys_days{start}) return months;
    Date first = start;
    int index = 1;
    while (date::sys_days{first} <= date::sys_days{end}) {
        const Date month_last{first.year() / first.month() / date::last};
        const Date last = std::min(month_last, end);
        months.push_back(ServiceMonth{index++, first, last});
        first = add_days(last, 1);
    }
    return months;
}

std::optional<ServiceMonth> find_service_month(const std::vector<ServiceMonth>& months,
                                               date::year_month ym) {
    const auto it = std::find_if(months.begin(), months.end(),
                                 [ym](const ServiceMonth& m) { return m.calendar_month() == ym; });
    if (it == months.end()) return std::nullopt;
    return *it;
}

std::optional<ServiceMonth> service_month_of(const std::vector<ServiceMonth>& months, Date d) {
    const auto it = std::find_if(months.begin(), months.end(), [d](const ServiceMonth& m) {
        return m.first <= d && d <= m.last;
    });
    if (it == months.end()) return std::nullopt;
    return *it;
}

}  // namespace slawatch::sla
