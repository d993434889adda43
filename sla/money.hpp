// SPDX-License-Identifier: Apache-2.0
#pragma once
// R9: money is decimal, held as integer hundredths, never binary floating point.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace slawatch::sla {

class Money {
public:
    constexpr Money() = default;
    static constexpr Money from_cents(std::int64_t cents) { return Money(cents); }

    // "1000.00", "1000", "999.5": non-negative, at most 2 fractional digits,
    // at most 15 integer digits. nullopt otherwise.
    static std::optional<Money> parse(std::string_view text);

    constexpr std::int64_t cents() const { return cents_; }
    // Always two decimals: "1000.00".
    std::string to_string() const;

    // percent (0..100) of this amount, rounded half-up to the cent.
    Money percent_of(int percent) const;

    friend constexpr Money operator+(Money a, Money b) { return Money(a.cents_ + b.cents_); }
    friend constexpr Money operator-(Money a, Money b) { return Money(a.cents_ - b.cents_); }
    friend constexpr auto operator<=>(Money, Money) = default;

private:
    constexpr explicit Money(std::int64_t cents) : cents_(cents) {}
    std::int64_t cents_ = 0;
};

}  // namespace slawatch::sla
