// SPDX-License-Identifier: Apache-2.0
#pragma once
// R10: when a compensation claim for a Service Month may be filed.

#include "sla/business_calendar.hpp"
#include "sla/time.hpp"

namespace slawatch::sla {

struct ClaimWindow {
    Date opens;     // first day a claim may be filed
    Date deadline;  // last day a claim may be filed, inclusive
};

// R10: opens the day after the `after_business_days`-th business day of the
// month following `service_month_last_day`; the deadline is
// `within_days` calendar days after `service_month_last_day`.
// 2026-03-31 -> opens 2026-04-08, deadline 2026-05-30.
ClaimWindow claim_window(Date service_month_last_day, const BusinessCalendar& calendar,
                         int after_business_days = 5, int within_days = 60);

}  // namespace slawatch::sla
