// R8: exact fixed-point percentages (millionths of a percent).
#include "sla/percent.hpp"

#include <cstdio>

namespace slawatch::sla {

std::optional<Percent> Percent::parse(std::string_view text) {
    std::size_t pos = 0;
    std::int64_t whole = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        whole = whole * 10 + (text[pos] - '0');
        if (whole > 100)
            return std::nullopt;  // also keeps long inputs from overflowing
        ++pos;
    }
    if (pos == 0)
        return std::nullopt;  // no integer part (".5", "", "-1", "+1")
    std::int64_t fraction = 0;
    if (pos < text.size()) {
        if (text[pos] != '.')
            return std::nullopt;
        ++pos;
        const std::size_t begin = pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            if (pos - begin == 6)
                return std::nullopt;  // at most 6 fractional digits
            fraction = fraction * 10 + (text[pos] - '0');
            ++pos;
        }
        const std::size_t count = pos - begin;
        if (count == 0 || pos != text.size())
            return std::nullopt;
        for (std::size_t i = count; i < 6; ++i) fraction *= 10;
    }
    const std::int64_t units = whole * scale + fraction;
    if (units > 100 * scale)
        return std::nullopt;  // "100.5"
    return Percent(units);
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
