// SPDX-License-Identifier: Apache-2.0
#pragma once
// Compaction (docs/schema.md, "Compaction"): once a Service Month's claim
// deadline and a margin have passed, its successful results are folded into
// per-minute counts; failed results stay raw for the whole retention.

#include "sla/contract.hpp"
#include "sla/time.hpp"

#include <cstdint>
#include <optional>

namespace slawatch::storage {

// What a compaction (or one step of it) did.
struct CompactionResult {
    std::int64_t results = 0;               // successful results folded
    std::int64_t minutes = 0;               // (probe, minute) pairs that got a count
    std::int64_t folds = 0;                 // `folded` rows written (a probe-day each)
    std::int64_t steps = 0;                 // transactions (days) it took
    std::int64_t bytes_freed = 0;           // database pages freed for reuse, in bytes
    std::optional<sla::EpochMinute> until;  // results sent before this minute may be folded
    bool done = true;                       // nothing is left to fold before `until`
};

// The first minute that may not be compacted at `now`: the end of the last
// Service Month whose claim deadline (sla/claim_window.hpp, R10) plus
// `margin_days` days is before today in the contract's time zone; nullopt
// while no month is that old. Everything before the term counts as older.
std::optional<sla::EpochMinute> compaction_cutoff(const sla::ContractTerms& terms, int margin_days,
                                                  sla::EpochMillis now);

}  // namespace slawatch::storage
