// SPDX-License-Identifier: Apache-2.0
// R8: exact fixed-point percentages (millionths of a percent).
#include "sla/percent.hpp"

#include "sla/decimal.hpp"

#include <cstdio>

namespace slawatch::sla {

std::optional<Percent> Percent::parse(std::string_view text) {
    const auto units = parse_fixed_decimal(text, 6, 3);
    if (!units || *units > 100 * scale) return std::nullopt;  // "100.5", "1000"
    return Percent(*units);
}

std::string Percent::to_string() const {
    const bool negative = units_ < 0;
    const std::uint64_t abs =
        negative ? 0 - static_cast<std::uint64_t>(units_) : static_cast<std::uint64_t>(units_);
    char buf[48];
    int n = std::snprintf(buf, sizeof buf, "%s%llu", negative ? "-" : "",
                          static_cast<unsigned long long>(abs / scale));
    std::uint64_t frac = abs % scale;
    if (frac != 0) {
        // Shortest exact form: drop the trailing zeros of the six digits.
        int digits = 6;
        while (frac % 10 == 0) {
            frac /= 10;
            --digits;
        }
        std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), ".%0*llu", digits,
                      static_cast<unsigned long long>(frac));
    }
    return buf;
}

}  // namespace slawatch::sla
