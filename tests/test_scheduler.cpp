// SPDX-License-Identifier: Apache-2.0
// The wall-clock scheduler's planned times and the minute finalizer (pure logic).

#include "daemon/finalizer.hpp"
#include "daemon/scheduler.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <set>

using namespace slawatch;
using namespace slawatch::daemon;

namespace {
constexpr sla::EpochMinute some_minute = 29'650'000;  // 2026-05-15
}

TEST_CASE("R1: every planned run lies in its own wall-clock minute", "[scheduler]") {
    for (int ppm : {1, 2, 6, 7, 30, 60}) {
        for (int n : {1, 3, 4, 1000}) {
            for (int i : {0, n / 2, n - 1}) {
                const auto times = planned_times(some_minute, ppm, i, n);
                REQUIRE(times.size() == static_cast<std::size_t>(ppm));
                for (auto t : times) {
                    CHECK(sla::minute_of_ms(t) == some_minute);
                }
            }
        }
    }
}

TEST_CASE("R2: six runs a minute are spread evenly, ten seconds apart", "[scheduler]") {
    const auto times = planned_times(some_minute, 6, 0, 1);
    const std::vector<sla::EpochMillis> expected{0, 10'000, 20'000, 30'000, 40'000, 50'000};
    for (std::size_t k = 0; k < times.size(); ++k)
        CHECK(times[k] - some_minute * 60'000 == expected[k]);
}

TEST_CASE("probes are offset from each other by a fraction of the period", "[scheduler]") {
    // 4 probes at 6 a minute: period 10 s, offsets 0, 2.5, 5, 7.5 s.
    std::set<sla::EpochMillis> all;
    for (int i = 0; i < 4; ++i) {
        const auto times = planned_times(some_minute, 6, i, 4);
        CHECK(times[0] - some_minute * 60'000 == i * 2'500);
        for (std::size_t k = 1; k < times.size(); ++k) CHECK(times[k] - times[k - 1] == 10'000);
        all.insert(times.begin(), times.end());
    }
    CHECK(all.size() == 24);  // no two runs planned at the same instant
}

TEST_CASE("R1: planned times do not drift over 10,000 minutes", "[scheduler]") {
    // Walk slot after slot, as the running scheduler does, and compare with
    // the times computed directly from the minute number.
    const int ppm = 7;  // 60000 / 7 is not an integer: an accumulating clock would drift
    const int n = 3;
    const int index = 2;
    Slot s = first_slot_at_or_after(some_minute * 60'000, ppm, index, n);
    sla::EpochMillis previous = 0;
    for (long step = 0; step < 10'000L * ppm; ++step) {
        const auto t = planned_time(s.minute, s.k, ppm, index, n);
        REQUIRE(t > previous);
        previous = t;
        s = next_slot(s, ppm);
    }
    CHECK(s.minute == some_minute + 10'000);
    CHECK(s.k == 0);
    // The last run of the last minute is exactly where a fresh computation puts it.
    CHECK(previous == planned_times(some_minute + 9'999, ppm, index, n).back());
    CHECK(planned_time(s.minute, 0, ppm, index, n) ==
          (some_minute + 10'000) * 60'000 + index * 60'000 / (ppm * n));
}

TEST_CASE("first_slot_at_or_after picks the next planned time, crossing minutes", "[scheduler]") {
    const auto base = some_minute * 60'000;
    CHECK(first_slot_at_or_after(base, 6, 0, 1) == Slot{some_minute, 0});
    CHECK(first_slot_at_or_after(base + 1, 6, 0, 1) == Slot{some_minute, 1});
    CHECK(first_slot_at_or_after(base + 10'000, 6, 0, 1) == Slot{some_minute, 1});
    CHECK(first_slot_at_or_after(base + 50'001, 6, 0, 1) == Slot{some_minute + 1, 0});
    // Probe 1 of 2 runs 5 s after probe 0.
    CHECK(first_slot_at_or_after(base + 4'000, 6, 1, 2) == Slot{some_minute, 0});
    CHECK(first_slot_at_or_after(base + 5'001, 6, 1, 2) == Slot{some_minute, 1});
}

TEST_CASE("planned times work with 60 runs a minute and 1,000 probes", "[scheduler]") {
    std::map<sla::EpochMillis, int> per_ms;
    for (int i = 0; i < 1000; ++i)
        for (auto t : planned_times(some_minute, 60, i, 1000)) ++per_ms[t];
    // 60,000 runs spread over 60,000 ms: one per millisecond.
    CHECK(per_ms.size() == 60'000);
    for (auto& [t, count] : per_ms) REQUIRE(count == 1);
}

TEST_CASE("jitter quantiles", "[scheduler]") {
    JitterStats j;
    CHECK(j.quantile(0.5) == 0);
    for (int i = 1; i <= 100; ++i) j.add(i);
    CHECK(j.quantile(0.0) == 1);
    CHECK(j.quantile(0.5) == 50);
    CHECK(j.quantile(1.0) == 100);
}

TEST_CASE("a minute is finalized once all its runs completed", "[finalizer]") {
    FinalizePolicy policy{std::chrono::milliseconds(8000), std::chrono::milliseconds(2000)};
    const sla::EpochMinute m = some_minute;
    auto none_pending = [](sla::EpochMinute) { return 0; };
    // Still inside m: nothing to finalize.
    CHECK(finalizable_until(m, m * 60'000 + 59'999, policy, none_pending) == m);
    // m ended and nothing is pending: finalized right away.
    CHECK(finalizable_until(m, (m + 1) * 60'000, policy, none_pending) == m + 1);
    // Several ended minutes at once (after a stall).
    CHECK(finalizable_until(m, (m + 3) * 60'000 + 5, policy, none_pending) == m + 3);
}

TEST_CASE("a minute with runs in flight waits for them, at most until the deadline",
          "[finalizer]") {
    FinalizePolicy policy{std::chrono::milliseconds(8000), std::chrono::milliseconds(2000)};
    const sla::EpochMinute m = some_minute;
    auto one_pending_in_m = [m](sla::EpochMinute x) { return x >= m ? 1 : 0; };
    CHECK(finalizable_until(m, (m + 1) * 60'000 + 1'000, policy, one_pending_in_m) == m);
    CHECK(finalizable_until(m, (m + 1) * 60'000 + 9'999, policy, one_pending_in_m) == m);
    // start of m+1 + max timeout + slack: the run has hit its deadline.
    CHECK(latest_finalize_time(m, policy) == (m + 1) * 60'000 + 10'000);
    CHECK(finalizable_until(m, (m + 1) * 60'000 + 10'000, policy, one_pending_in_m) == m + 1);
}

TEST_CASE("a later minute never overtakes an earlier unfinished one", "[finalizer]") {
    FinalizePolicy policy{std::chrono::milliseconds(30'000), std::chrono::milliseconds(2000)};
    const sla::EpochMinute m = some_minute;
    // A run planned in m is still pending; m+1 has nothing pending of its own.
    auto pending = [m](sla::EpochMinute x) { return x >= m ? 1 : 0; };
    CHECK(finalizable_until(m, (m + 2) * 60'000 + 1, policy, pending) == m + 1);
}
