// SPDX-License-Identifier: Apache-2.0
#pragma once
// R7, R8: availability of a Service Month, compared with the standard in integers.

#include "sla/percent.hpp"

#include <cstdint>
#include <string>

namespace slawatch::sla {

// R8: (1 - unavailable / total) * 100 >= threshold, exactly.
// For 99.9 % this is `unavailable * 1000 <= total`. total > 0.
bool availability_at_least(std::int64_t unavailable, std::int64_t total, Percent threshold);

// R8: the standard is met iff availability >= standard (exactly 99.9 % meets it).
inline bool standard_met(std::int64_t unavailable, std::int64_t total, Percent standard) {
    return availability_at_least(unavailable, total, standard);
}

// The most unavailable minutes a month of `total` minutes may have and still
// meet the standard (the error budget): 43 for a 30-day month at 99.9 %.
std::int64_t error_budget_minutes(std::int64_t total, Percent standard);

// Availability as an exact decimal rounded half-up to `decimals` places:
// availability_text(12, 21600, 6) == "99.944444".
std::string availability_text(std::int64_t unavailable, std::int64_t total, int decimals = 6);

// The same figure as a double, for JSON numbers and metrics only; never
// compare with it.
double availability_percent(std::int64_t unavailable, std::int64_t total);

}  // namespace slawatch::sla
