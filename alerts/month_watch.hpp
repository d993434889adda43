// SPDX-License-Identifier: Apache-2.0
#pragma once
// Events about a whole Service Month, from its MonthReport: error budget,
// compensation tier, unknown minutes and the claim window. Internal to slawatch_alerts.

#include "alerts/detect_support.hpp"

#include <cstdint>

namespace slawatch::alerts::detail {

// R8: the error budget is the month's allowed unavailable minutes (MonthReport).
void check_budget(Emitter& emitter, const sla::MonthReport& r);
// R9: the month has fallen into a compensation tier, or heads for one.
void check_tier(Emitter& emitter, const sla::MonthReport& r);
// Unknown minutes while monitoring (those before monitoring began are left out).
void check_unknown(Emitter& emitter, const sla::MonthReport& r,
                   std::int64_t minutes_before_monitoring);
// R10: an ended month below the standard may be claimed; remind before the deadline.
void check_claim(Emitter& emitter, const sla::MonthReport& r);

}  // namespace slawatch::alerts::detail
