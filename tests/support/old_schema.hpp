// SPDX-License-Identifier: Apache-2.0
#pragma once
// Turns a database made by this slawatch into what schema version 2 had,
// for the migration tests: the tables of later versions go, user_version is 2.

namespace slawatch::testing {

// The evidence log's tables (version 5) and compaction's (version 7) did not
// exist in version 2.
inline constexpr const char* as_schema_version_2_sql =
    "DROP VIEW IF EXISTS folded_minute_v; DROP TABLE IF EXISTS folded; "
    "DROP TABLE IF EXISTS evidence_hole; DROP TABLE IF EXISTS compact_mark; "
    "DROP VIEW IF EXISTS evidence_checkpoint_v; DROP TABLE IF EXISTS evidence_chunk; "
    "DROP TABLE IF EXISTS evidence_node; DROP TABLE IF EXISTS evidence_frontier; "
    "DROP TABLE IF EXISTS evidence_checkpoint; DROP TABLE IF EXISTS evidence_key; "
    "PRAGMA user_version = 2;";

}  // namespace slawatch::testing
