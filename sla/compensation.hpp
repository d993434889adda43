// SPDX-License-Identifier: Apache-2.0
#pragma once
// R9: compensation tiers, the month-fee cap and the 12-month liability cap.

#include "sla/money.hpp"
#include "sla/percent.hpp"
#include "sla/time.hpp"

#include <cstdint>
#include <vector>

namespace slawatch::sla {

// Availability >= at_least (and below the next better tier, or below the
// standard for the best tier) earns `percent` of the month's fee.
struct Tier {
    Percent at_least;
    int percent = 0;  // 0..100
};

// The SLA's own tiers: [99, 99.9) -> 10, [95, 99) -> 25, below 95 -> 100.
std::vector<Tier> default_tiers();

// R9: the percent of the fee owed; 0 when the standard is met. `tiers` are
// ordered best first (descending at_least). Boundaries go to the better tier:
// exactly 99 % earns 10, not 25.
int compensation_percent(const std::vector<Tier>& tiers, Percent standard, std::int64_t unavailable,
                         std::int64_t total);

// One Service Month's compensation before and after the caps.
struct MonthCompensation {
    date::year_month month;  // calendar month of the Service Month
    Money fee;               // cash paid for that Service Month
    int percent = 0;
    Money amount;  // never above fee
};

// R9 / SLA 5.1: no month pays more than its fee, and no 12 consecutive
// Service Months pay more than the fees of those months. Reduces later
// months' amounts where a window would exceed its cap. `months` in order.
void apply_liability_cap(std::vector<MonthCompensation>& months);

}  // namespace slawatch::sla
