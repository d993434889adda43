// SPDX-License-Identifier: Apache-2.0
#pragma once
// How much SQLite work a database may cost: a budget of virtual-machine steps
// proportional to its size (docs/evidence.md, "Hostile databases"). An honest
// database needs work in proportion to its rows; a crafted one (a recursive
// query hidden where a table should be, a corrupt b-tree) may need any amount,
// and is refused once it exceeds the budget instead of holding a CPU forever.

#include <cstdint>

namespace slawatch::storage {

// MEASURED (Database::steps_run() after each command; tests/ replays and
// bench/): see the numbers in docs/evidence.md, "Hostile databases". The
// constants leave a wide margin over the most work per byte measured, so that
// reading every probe_result row twice (verify, then figures) stays far below.
inline constexpr std::uint64_t steps_per_byte = 200;
inline constexpr std::uint64_t base_steps = 50'000'000;

// The budget of one connection to a database of `file_bytes` (with its -wal).
inline constexpr std::uint64_t step_budget(std::uint64_t file_bytes) {
    return base_steps + steps_per_byte * file_bytes;
}

}  // namespace slawatch::storage
