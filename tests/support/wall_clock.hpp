// SPDX-License-Identifier: Apache-2.0
#pragma once
// Test support: the wall clock, and a shifted one for tests that would otherwise
// wait for a real minute boundary.

#include <chrono>
#include <cstdint>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

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
inline std::string utc_date(std::int64_t epoch_seconds) {
    return utc(epoch_seconds).substr(0, 10);
}

inline void sleep_until_ms(std::int64_t at) {
    const auto left = at - now_ms();
    if (left > 0) std::this_thread::sleep_for(std::chrono::milliseconds(left));
}

// The clock of the processes a test starts with env(): the system clock plus a
// fixed offset (SLAWATCH_TEST_CLOCK_OFFSET_MS, sla/clock.hpp). Minutes still last
// 60 real seconds; only where they begin moves, so a test can start just before a
// boundary. A later process may get a larger offset: to it, the time between
// looks like a stretch the daemon was down.
class TestClock {
public:
    // A clock that reads `lead_ms` before a minute boundary now.
    static TestClock before_minute(std::int64_t lead_ms) {
        const auto real = testing::now_ms();
        const auto boundary = (real / 60'000 + 1) * 60'000;
        return TestClock(boundary - lead_ms - real);
    }

    std::int64_t now_ms() const { return testing::now_ms() + offset_; }
    std::int64_t offset_ms() const { return offset_; }
    // Moves the clock forward for the processes started after this.
    void advance(std::int64_t ms) { offset_ += ms; }
    // For Process(argv, dir, env): every process of the test reads the same time.
    std::vector<std::string> env() const {
        return {"SLAWATCH_TEST_CLOCK_OFFSET_MS=" + std::to_string(offset_)};
    }

private:
    explicit TestClock(std::int64_t offset) : offset_(offset) {}
    std::int64_t offset_;
};

}  // namespace slawatch::testing
