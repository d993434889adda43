// R9: decimal money in integer cents.
#include "sla/money.hpp"

#include <cstdio>

namespace slawatch::sla {

std::optional<Money> Money::parse(std::string_view text) {
    std::size_t pos = 0;
    std::int64_t units = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        // At most 15 integer digits: 10^15 * 100 cents still fits in int64.
        if (pos == 15)
            return std::nullopt;
        units = units * 10 + (text[pos] - '0');
        ++pos;
    }
    if (pos == 0)
        return std::nullopt;  // no integer part (".5", "", "-1")
    std::int64_t cents = 0;
    if (pos < text.size()) {
        if (text[pos] != '.')
            return std::nullopt;
        ++pos;
        const std::size_t begin = pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            if (pos - begin == 2)
                return std::nullopt;  // at most 2 fractional digits
            cents = cents * 10 + (text[pos] - '0');
            ++pos;
        }
        const std::size_t count = pos - begin;
        if (count == 0 || pos != text.size())
            return std::nullopt;  // "1." or "1.5x"
        if (count == 1)
            cents *= 10;
    }
    return Money(units * 100 + cents);
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
