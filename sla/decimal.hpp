// SPDX-License-Identifier: Apache-2.0
#pragma once
// Exact fixed-point decimals ("1000.00", "99.9"), shared by Money and Percent.

#include <cstdint>
#include <optional>
#include <string_view>

namespace slawatch::sla {

// A non-negative decimal as an integer count of 10^-fraction_digits units:
// parse_fixed_decimal("99.9", 6, 3) == 99'900'000. Rejects a sign, an empty
// integer or fraction part, more than `fraction_digits` fractional digits, more
// than `max_integer_digits` integer digits, and anything trailing.
std::optional<std::int64_t> parse_fixed_decimal(std::string_view text, int fraction_digits,
                                                int max_integer_digits);

}  // namespace slawatch::sla
