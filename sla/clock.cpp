// SPDX-License-Identifier: Apache-2.0
#include "sla/clock.hpp"

#include <atomic>
#include <charconv>
#include <cstdlib>
#include <string_view>

namespace slawatch::sla {
namespace {

// Relaxed: the offset is set once at startup, before any thread reads it.
std::atomic<EpochMillis> offset_ms{0};

EpochMillis system_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::optional<EpochMillis> parse_ms(std::string_view text) {
    EpochMillis v = 0;
    const auto* end = text.data() + text.size();
    auto [p, ec] = std::from_chars(text.data(), end, v);
    if (ec != std::errc() || p != end || text.empty()) return std::nullopt;
    return v;
}

}  // namespace

EpochMillis now_ms() {
    return system_ms() + offset_ms.load(std::memory_order_relaxed);
}

std::int64_t now_us() {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count() +
           offset_ms.load(std::memory_order_relaxed) * 1000;
}

EpochMillis clock_offset_ms() {
    return offset_ms.load(std::memory_order_relaxed);
}

void set_clock_offset_ms(EpochMillis offset) {
    offset_ms.store(offset, std::memory_order_relaxed);
}

std::optional<std::string> init_clock_from_env() {
    if (const char* v = std::getenv(test_clock_offset_env); v && *v) {
        auto off = parse_ms(v);
        if (!off) return std::string(test_clock_offset_env) + ": not an integer: '" + v + "'";
        set_clock_offset_ms(*off);
        return std::nullopt;
    }
    if (const char* v = std::getenv(test_clock_start_env); v && *v) {
        auto start = parse_ms(v);
        if (!start || *start < 0)
            return std::string(test_clock_start_env) + ": not epoch milliseconds: '" + v + "'";
        set_clock_offset_ms(*start - system_ms());
    }
    return std::nullopt;
}

std::chrono::system_clock::time_point system_time_of(EpochMillis ms) {
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms - clock_offset_ms()));
}

}  // namespace slawatch::sla
