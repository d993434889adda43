// SPDX-License-Identifier: Apache-2.0
#pragma once
// The one wall clock of a slawatch process (daemon, alerting, CLI, simulator).
// Tests shift it by a fixed offset so a run can begin seconds before a minute
// boundary instead of waiting for one; it still advances at real speed.

#include "sla/time.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace slawatch::sla {

// Environment variables read by init_clock_from_env(), for tests only:
// the process's clock reads START_MS at the moment it starts, or runs OFFSET_MS
// ahead of (or behind) the system clock. OFFSET_MS wins when both are set; it is
// the one to use when several processes (daemon and simulator) must agree.
inline constexpr const char* test_clock_start_env = "SLAWATCH_TEST_CLOCK_START_MS";
inline constexpr const char* test_clock_offset_env = "SLAWATCH_TEST_CLOCK_OFFSET_MS";

// Milliseconds since the epoch on this process's clock.
EpochMillis now_ms();
// The same clock in microseconds, for timings finer than a millisecond
// (the scheduler's jitter).
std::int64_t now_us();

// How far ahead of the clock a result's send time may be when it is written
// (replay, the daemon's appends): clocks of two machines differ a little; a
// result from further ahead would decide a minute nobody has watched yet.
inline constexpr EpochMillis max_result_lead_ms = 120'000;

// The offset added to the system clock (0 unless a test set one).
EpochMillis clock_offset_ms();
void set_clock_offset_ms(EpochMillis offset);

// Applies the test variables above; returns an error message for a malformed
// value (the clock is left unchanged), nullopt otherwise.
std::optional<std::string> init_clock_from_env();

// The system-clock instant at which this process's clock reads `ms`, for
// absolute timers (they wait on the system clock).
std::chrono::system_clock::time_point system_time_of(EpochMillis ms);

}  // namespace slawatch::sla
