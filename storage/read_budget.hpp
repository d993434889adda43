// SPDX-License-Identifier: Apache-2.0
#pragma once
// How much SQLite work a database may cost: a budget of virtual-machine steps
// proportional to its size (docs/evidence.md, "Hostile databases"). An honest
// database needs work in proportion to its rows; a crafted one (a recursive
// query hidden where a table should be, a corrupt b-tree) may need any amount,
// and is refused once it exceeds the budget instead of holding a CPU forever.

#include <cstdint>

namespace slawatch::storage {

// Measured (Database::steps_run(), exact: SQLITE_STMTSTATUS_VM_STEP of every
// statement), verify and then the figures, as `quorum` and `claim` do:
// - bench_quorum 62: 84 MB databases of 2.1 million results, verify 27.9
//   million steps, and the last month 29.1 million: 0.34 steps a byte;
//   the same compacted (bench_quorum 62 DIR compact): 1.8 million steps;
// - a replayed test database (test_hostile_databases, 54 results): verify
//   and every month of the term, about 1,600 steps.
// Reading every result twice (verify, then re-deriving the figures from it)
// would need about 0.7 a byte: steps_per_byte leaves more than 20 times that,
// and base_steps over 10,000 times what a small database needs, so that
// honest work never comes near. A crafted file of S bytes costs at most about
// (2e7 + 16 S) / 1.5e8 seconds of a CPU (SQLite runs 100 to 200 million steps
// a second): a second or two for a small file, 10 s for 84 MB.
inline constexpr std::uint64_t steps_per_byte = 16;
inline constexpr std::uint64_t base_steps = 20'000'000;

// The budget of one connection to a database of `file_bytes` (with its -wal).
inline constexpr std::uint64_t step_budget(std::uint64_t file_bytes) {
    return base_steps + steps_per_byte * file_bytes;
}

}  // namespace slawatch::storage
