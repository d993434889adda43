// SPDX-License-Identifier: Apache-2.0
// R9: decimal money in integer cents.
#include "sla/money.hpp"

#include "sla/decimal.hpp"

#include <cstdio>

namespace slawatch::sla {

std::optional<Money> Money::parse(std::string_view text) {
    // At most 15 integer digits: 10^15 * 100 cents still fits in int64.
    const auto cents = parse_fixed_decimal(text, 2, 15);
    if (!cents) return std::nullopt;
    return Money(*cents);
}

std::string Money::to_string() const {
    // Work on the magnitude as unsigned so that INT64_MIN cannot overflow.
    const bool negative = cents_ < 0;
    const std::uint64_t abs =
        negative ? 0 - static_cast<std::uint64_t>(cents_) : static_cast<std::uint64_t>(cents_);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%llu.%02llu", negative ? "-" : "",
                  static_cast<unsigned long long>(abs / 100),
                  static_cast<unsigned long long>(abs % 100));
    return buf;
}

Money Money::percent_of(int percent) const {
    // R9: cents * percent / 100, rounded half-up (half away from zero for a
    // negative amount). 128 bits: 15 integer digits times 100 exceed int64.
    const __int128 product = static_cast<__int128>(cents_) * percent;
    const __int128 rounded = product >= 0 ? (product + 50) / 100 : -((-product + 50) / 100);
    return Money(static_cast<std::int64_t>(rounded));
}

}  // namespace slawatch::sla
