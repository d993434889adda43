// SPDX-License-Identifier: Apache-2.0
#pragma once
// The `phases` column of probe_result (schema version 7): the five phase
// timings of a result in one small BLOB that the stock sqlite3 shell can
// still decode (the probe_result_v view does, with substr/hex arithmetic).
//
// Layout (docs/schema.md): five big-endian fields of w bytes each (w = 1..4,
// the fewest that hold every field; w = length / 5), one per phase (dns,
// connect, tls, first byte, total), then, only when a phase was not reached
// or one ended before an earlier one, a flags byte: bit k set when phase k
// was reached, bit 7 set when the fields are the timings themselves. Without
// bit 7 each field is the difference to the previous reached phase (0 for a
// phase not reached), so phase k is the sum of fields 0..k: cumulative
// timings need about a byte less each, and a fixed width keeps every field at
// a fixed offset, which is what lets plain SQL decode it.

#include "sla/sample.hpp"
#include "storage/sqlite.hpp"

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace slawatch::storage::phase_encoding {

// dns, connect, tls, first byte, total; -1 when not reached.
using Phases = std::array<std::int32_t, 5>;

Phases of(const sla::PhaseTimings& t);
sla::PhaseTimings timings(const Phases& p);

// The column's bytes; empty when no phase was reached (stored as NULL).
// Negative timings count as not reached.
std::string encode(const Phases& p);
// The inverse; nullopt when `blob` is malformed. An empty blob (NULL) is
// "no phase reached".
std::optional<Phases> decode(std::string_view blob);

// The phases of column `col` of the current row (NULL: none reached).
// Throws StoreError naming probe_result row `id` on a malformed blob.
Phases read(const sqlite::Statement& st, int col, std::int64_t id);

// Registers slawatch_phases(dns, connect, tls, first_byte, total) -> BLOB on
// this connection, for the migration that rewrites the old columns.
void register_sql_function(sqlite::Database& db);

}  // namespace slawatch::storage::phase_encoding
