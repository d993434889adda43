// SPDX-License-Identifier: Apache-2.0
// The one wall clock (sla/clock.hpp) and the test offset the integration tests use.

#include "sla/clock.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>

using namespace slawatch;

namespace {

sla::EpochMillis system_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// Leaves the process clock and the environment as it found them.
struct ClockGuard {
    ~ClockGuard() {
        sla::set_clock_offset_ms(0);
        unsetenv(sla::test_clock_offset_env);
        unsetenv(sla::test_clock_start_env);
    }
};

}  // namespace

TEST_CASE("clock: without a test offset now_ms is the system clock", "[sla][clock]") {
    ClockGuard guard;
    const auto before = system_ms();
    const auto now = sla::now_ms();
    const auto after = system_ms();
    CHECK(before <= now);
    CHECK(now <= after);
    CHECK(sla::clock_offset_ms() == 0);
}

TEST_CASE("clock: an offset shifts wall-clock reads and maps timers back to the system clock",
          "[sla][clock]") {
    ClockGuard guard;
    sla::set_clock_offset_ms(-3'600'000);
    const auto now = sla::now_ms();
    CHECK(std::llabs(now - (system_ms() - 3'600'000)) < 1000);
    // A timer for "now" on the shifted clock expires at the system clock's now.
    const auto expiry = sla::system_time_of(now);
    const auto delta = std::chrono::system_clock::now() - expiry;
    CHECK(std::chrono::abs(delta) < std::chrono::seconds(1));
}

TEST_CASE("clock: SLAWATCH_TEST_CLOCK_START_MS starts the clock at an instant, real speed after",
          "[sla][clock]") {
    ClockGuard guard;
    const sla::EpochMillis start = 1'780'243'198'000;  // 2 s before 2026-06-01T00:00+08:00
    setenv(sla::test_clock_start_env, std::to_string(start).c_str(), 1);
    REQUIRE_FALSE(sla::init_clock_from_env());
    const auto now = sla::now_ms();
    CHECK(now >= start);
    CHECK(now - start < 1000);
    // The offset variable wins: several processes then read exactly the same time.
    setenv(sla::test_clock_offset_env, "-5000", 1);
    REQUIRE_FALSE(sla::init_clock_from_env());
    CHECK(sla::clock_offset_ms() == -5000);
}

TEST_CASE("clock: a malformed test variable is an error and changes nothing", "[sla][clock]") {
    ClockGuard guard;
    setenv(sla::test_clock_start_env, "tomorrow", 1);
    const auto error = sla::init_clock_from_env();
    REQUIRE(error);
    CHECK(error->find("SLAWATCH_TEST_CLOCK_START_MS") != std::string::npos);
    CHECK(sla::clock_offset_ms() == 0);
    unsetenv(sla::test_clock_start_env);
    setenv(sla::test_clock_offset_env, "12x", 1);
    CHECK(sla::init_clock_from_env());
    CHECK(sla::clock_offset_ms() == 0);
}
