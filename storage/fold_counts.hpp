// SPDX-License-Identifier: Apache-2.0
#pragma once
// The per-minute counts of folded (compacted) successful results, as stored
// in `folded.counts` and committed to by a fold leaf (docs/schema.md): runs of
// equal counts, each run 4 bytes, its length in minutes and the count, both
// unsigned 16-bit big-endian. A day of a constant 6 a minute is 4 bytes.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slawatch::storage::fold_counts {

inline constexpr std::size_t run_bytes = 4;
// A fold covers at most a day (a UTC day, clipped to the compaction cutoff).
inline constexpr std::int64_t max_minutes = 1440;
// A minute holds at most this many results (minute.v keeps 10 bits of samples).
inline constexpr int max_count = 65535;

// counts[i] is the count of minute first + i.
std::string encode(const std::vector<int>& counts);

// The counts of `minutes` minutes; nullopt when the blob is malformed or
// does not cover exactly `minutes` minutes.
std::optional<std::vector<int>> decode(std::string_view blob, std::int64_t minutes);

}  // namespace slawatch::storage::fold_counts
