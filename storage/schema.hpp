// SPDX-License-Identifier: Apache-2.0
#pragma once
// The database schema and its migrations, versioned by PRAGMA user_version.

#include "storage/layout.hpp"
#include "storage/sqlite.hpp"

namespace slawatch::storage::schema {

// The newest schema this binary knows. A database with a newer
// user_version is refused (an older binary must not write to it).
inline constexpr int current_version = 9;

// The stored probe_result.id is time_ms * id_slots + probe id, probe ids in
// [0, id_slots) (storage/layout.hpp).
inline constexpr std::int64_t id_slots = layout::id_slots;

// The key of a minute row, its rowid (storage/layout.hpp).
inline constexpr std::int64_t minute_key(std::int64_t probe, std::int64_t minute) {
    return layout::minute_key(probe, minute);
}

// Brings the schema up to current_version in one transaction.
void migrate(sqlite::Database& db);

// Refuses a database whose schema is newer than this binary (read-only opens).
void check_version(sqlite::Database& db);

// Builds, in an empty database, the schema of `version` (0: none) as this
// binary's migrations make it: what an older slawatch left on disk, from
// which the schema check (schema_check.hpp) learns what migrating produces.
void build_version(sqlite::Database& db, int version);

}  // namespace slawatch::storage::schema
