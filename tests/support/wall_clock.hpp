// SPDX-License-Identifier: Apache-2.0
#pragma once
// Test support: the wall clock, for tests that wait on real minute boundaries.

#include <chrono>
#include <cstdint>
#include <ctime>
#include <string>
#include <thread>

namespace slawatch::testing {

inline std::int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// "2026-06-01T00:05:00Z"
inline std::string utc(std::int64_t epoch_seconds) {
    const std::time_t t = epoch_seconds;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// "2026-06-01"
inline std::string utc_date(std::int64_t epoch_seconds) { return utc(epoch_seconds).substr(0, 10); }

inline void sleep_until_ms(std::int64_t at) {
    const auto left = at - now_ms();
    if (left > 0) std::this_thread::sleep_for(std::chrono::milliseconds(left));
}

}  // namespace slawatch::testing
