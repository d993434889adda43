// SPDX-License-Identifier: Apache-2.0
// R7, R8: availability in exact integer arithmetic.
#include "sla/availability.hpp"

#include <algorithm>
#include <cstdio>

namespace slawatch::sla {

namespace {

// 128-bit intermediates: exact for any int64 inputs, not only for the
// minute counts of one year where int64 would already suffice.
using wide = __int128;

constexpr wide hundred_percent = 100 * static_cast<wide>(Percent::scale);

}  // namespace

bool availability_at_least(std::int64_t unavailable, std::int64_t total, Percent threshold) {
    if (total <= 0) return true;  // nothing measured, nothing breached
    // R8: (1 - u/t) * 100 >= p  <=>  100 * scale * (t - u) >= units(p) * t.
    return hundred_percent * (static_cast<wide>(total) - unavailable) >=
           static_cast<wide>(threshold.units()) * total;
}

std::int64_t error_budget_minutes(std::int64_t total, Percent standard) {
    if (total <= 0) return 0;
    // R8: the largest u with 100 * scale * (t - u) >= units * t, i.e.
    // u = t - ceil(units * t / (100 * scale)).
    const wide need = static_cast<wide>(standard.units()) * total;
    const wide available = (need + hundred_percent - 1) / hundred_percent;
    if (need <= 0) return total;
    return static_cast<std::int64_t>(std::max<wide>(0, total - available));
}

std::string availability_text(std::int64_t unavailable, std::int64_t total, int decimals) {
    decimals = std::clamp(decimals, 0, 12);
    wide pow10 = 1;
    for (int i = 0; i < decimals; ++i) pow10 *= 10;
    // R8: (t - u) * 100 / t, scaled by 10^decimals and rounded half-up.
    const wide num =
        total > 0 ? (static_cast<wide>(total) - unavailable) * 100 * pow10 : 100 * pow10;
    const wide den = total > 0 ? total : 1;
    const bool negative = num < 0;
    const wide abs = negative ? -num : num;
    const wide q = (2 * abs + den) / (2 * den);
    const auto whole = static_cast<unsigned long long>(q / pow10);
    const auto frac = static_cast<unsigned long long>(q % pow10);
    char buf[64];
    if (decimals == 0) {
        std::snprintf(buf, sizeof buf, "%s%llu", negative && q != 0 ? "-" : "", whole);
    } else {
        std::snprintf(buf, sizeof buf, "%s%llu.%0*llu", negative && q != 0 ? "-" : "", whole,
                      decimals, frac);
    }
    return buf;
}

double availability_percent(std::int64_t unavailable, std::int64_t total) {
    if (total <= 0) return 100.0;
    return static_cast<double>(total - unavailable) * 100.0 / static_cast<double>(total);
}

}  // namespace slawatch::sla
