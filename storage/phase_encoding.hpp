// SPDX-License-Identifier: Apache-2.0
#pragma once
// The `phases` column of probe_result (schema version 7): the five phase
// timings of a result in one small BLOB that the stock sqlite3 shell can
// still decode (the probe_result_v view does, with substr/hex arithmetic).
//
// Layout (docs/schema.md): a 2-byte big-endian header, then one big-endian
// field per reached phase. Header bits 3k..3k+2 hold the width in bytes
// (1-4) of phase k's field, 0 when phase k was not reached; k = 0 dns,
// 1 connect, 2 tls, 3 first byte, 4 total. Each field is the difference to
// the previous reached phase (the first one's to 0), unless header bit 15
// is set: then the fields are the timings themselves (a phase that ended
// before an earlier one, which deltas could not hold unsigned).

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
// Throws StoreError on a malformed blob.
Phases read(const sqlite::Statement& st, int col);

// Registers slawatch_phases(dns, connect, tls, first_byte, total) -> BLOB on
// this connection, for the migration that rewrites the old columns.
void register_sql_function(sqlite::Database& db);

}  // namespace slawatch::storage::phase_encoding
