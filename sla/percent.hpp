// SPDX-License-Identifier: Apache-2.0
#pragma once
// R8: percentages as exact fixed-point numbers, so that 99.9 % is exactly 99.9 %.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace slawatch::sla {

class Percent {
public:
    static constexpr std::int64_t scale = 1'000'000;  // units per percent

    constexpr Percent() = default;
    static constexpr Percent from_units(std::int64_t units) { return Percent(units); }
    static constexpr Percent whole(std::int64_t percent) { return Percent(percent * scale); }

    // "99.9", "99", "95.5": a decimal in [0, 100] with at most 6 fractional
    // digits. nullopt otherwise.
    static std::optional<Percent> parse(std::string_view text);

    constexpr std::int64_t units() const { return units_; }
    // Shortest exact decimal: "99.9", "99", "0.000001".
    std::string to_string() const;

    friend constexpr auto operator<=>(Percent, Percent) = default;

private:
    constexpr explicit Percent(std::int64_t units) : units_(units) {}
    std::int64_t units_ = 0;
};

}  // namespace slawatch::sla
