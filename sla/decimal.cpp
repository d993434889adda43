// SPDX-License-Identifier: Apache-2.0
#include "sla/decimal.hpp"

namespace slawatch::sla {

namespace {
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
}  // namespace

std::optional<std::int64_t> parse_fixed_decimal(std::string_view text, int fraction_digits,
                                                int max_integer_digits) {
    std::size_t pos = 0;
    std::int64_t whole = 0;
    for (; pos < text.size() && is_digit(text[pos]); ++pos) {
        if (static_cast<int>(pos) == max_integer_digits)
            return std::nullopt;  // also keeps the result inside int64
        whole = whole * 10 + (text[pos] - '0');
    }
    if (pos == 0) return std::nullopt;  // no integer part (".5", "", "-1", "+1")

    std::int64_t fraction = 0;
    int count = 0;
    if (pos < text.size()) {
        if (text[pos] != '.') return std::nullopt;
        for (++pos; pos < text.size() && is_digit(text[pos]); ++pos) {
            if (++count > fraction_digits) return std::nullopt;
            fraction = fraction * 10 + (text[pos] - '0');
        }
        if (count == 0 || pos != text.size()) return std::nullopt;  // "1." or "1.5x"
    }
    std::int64_t scale = 1;
    for (int i = 0; i < fraction_digits; ++i) scale *= 10;
    for (int i = count; i < fraction_digits; ++i) fraction *= 10;
    return whole * scale + fraction;
}

}  // namespace slawatch::sla
