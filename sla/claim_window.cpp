// SPDX-License-Identifier: Apache-2.0
// R10: the claim window of a Service Month.
#include "sla/claim_window.hpp"

namespace slawatch::sla {

ClaimWindow claim_window(Date service_month_last_day, const BusinessCalendar& calendar,
                         int after_business_days, int within_days) {
    // R10: opens the day after the n-th business day of the following month.
    const date::year_month next =
        service_month_last_day.year() / service_month_last_day.month() + date::months{1};
    const Date nth = calendar.nth_business_day(next, after_business_days);
    // R10: the last day to file is `within_days` calendar days after the month's end.
    return ClaimWindow{add_days(nth, 1), add_days(service_month_last_day, within_days)};
}

}  // namespace slawatch::sla
