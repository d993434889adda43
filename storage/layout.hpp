// SPDX-License-Identifier: Apache-2.0
#pragma once
// The packed integers of the database, defined once: a probe_result's id, a
// minute row's key and its `v`. The C++ code packs and unpacks them with the
// functions below; the SQL that does the same in queries is built from the
// same constants (the sql_* functions), and the SQL text that cannot be (the
// migrations, frozen as each schema version shipped) is checked against them
// by tests/test_storage_encoding.cpp.

#include "sla/minute_state.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

namespace slawatch::storage::layout {

// --- probe_result.id = time_ms << result_probe_bits | probe id (schema v4) ---
// The identity of a result is its primary key, and the rowid orders results
// by time without a separate time index.
inline constexpr int result_probe_bits = 10;
inline constexpr std::int64_t id_slots = std::int64_t{1} << result_probe_bits;  // probe ids
inline constexpr std::int64_t result_probe_mask = id_slots - 1;

constexpr std::int64_t result_id(std::int64_t time_ms, std::int64_t probe) {
    return time_ms * id_slots + probe;
}
// The send time; an arithmetic shift, so floor division also for the
// negative ids of results sent before 1970.
constexpr std::int64_t result_time_ms(std::int64_t id) {
    return id >> result_probe_bits;
}
// The probe id (two's complement: right for negative ids too).
constexpr std::int64_t result_probe(std::int64_t id) {
    return id & result_probe_mask;
}

// --- minute.id = probe * 2^minute_key_bits + minute (schema v7) ---
// One probe's minutes are contiguous and in order; exact for minutes in
// [-2^31, 2^31).
inline constexpr int minute_key_bits = 32;

constexpr std::int64_t minute_key(std::int64_t probe, std::int64_t minute) {
    return probe * (std::int64_t{1} << minute_key_bits) + minute;
}

// --- minute.v = state | samples << samples_shift | failures << failures_shift ---
// To stay under 16 bytes a row: at most 1023 samples a minute, never more
// failures than samples.
inline constexpr int state_bits = 3;
inline constexpr std::int64_t state_mask = (std::int64_t{1} << state_bits) - 1;
inline constexpr int samples_shift = state_bits;
inline constexpr int samples_bits = 10;
inline constexpr std::int64_t samples_mask = (std::int64_t{1} << samples_bits) - 1;
inline constexpr int failures_shift = samples_shift + samples_bits;
static_assert(sla::minute_state_count <= state_mask + 1, "every minute state fits in state_bits");

// Samples clamped to [0, samples_mask], failures to [0, samples].
constexpr std::int64_t minute_v(sla::MinuteState state, std::int64_t samples,
                                std::int64_t failures) {
    samples = std::clamp<std::int64_t>(samples, 0, samples_mask);
    failures = std::clamp<std::int64_t>(failures, 0, samples);
    return static_cast<std::int64_t>(state) | samples << samples_shift | failures << failures_shift;
}
// The state's number: a value outside sla::MinuteState is the reader's to refuse.
constexpr int minute_state(std::int64_t v) {
    return static_cast<int>(v & state_mask);
}
constexpr int minute_samples(std::int64_t v) {
    return static_cast<int>((v >> samples_shift) & samples_mask);
}
constexpr int minute_failures(std::int64_t v) {
    return static_cast<int>(v >> failures_shift);
}

// The same unpacking as SQL expressions over column (or parameter) `x`, in
// parentheses so that they combine with any operator: e.g. "(v & 7)".
std::string sql_result_time_ms(std::string_view x);   // result_time_ms
std::string sql_result_probe(std::string_view x);     // result_probe
std::string sql_minute_state(std::string_view x);     // minute_state
std::string sql_minute_samples(std::string_view x);   // minute_samples
std::string sql_minute_failures(std::string_view x);  // minute_failures

}  // namespace slawatch::storage::layout
