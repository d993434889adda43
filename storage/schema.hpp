// SPDX-License-Identifier: Apache-2.0
#pragma once
// The database schema and its migrations, versioned by PRAGMA user_version.

#include "storage/layout.hpp"
#include "storage/sqlite.hpp"

namespace slawatch::storage::schema {

// The newest schema this binary knows. A database with a newer
// user_version is refused (an older binary must not write to it).
inline constexpr int current_version = 10;

// Brings the schema up to current_version in one transaction.
void migrate(sqlite::Database& db);

// Refuses a database whose schema is newer than this binary (read-only opens).
void check_version(sqlite::Database& db);

// Builds, in an empty database, the schema of `version` (0: none) as this
// binary's migrations make it: what an older slawatch left on disk, from
// which the schema check (schema_check.hpp) learns what migrating produces.
void build_version(sqlite::Database& db, int version);

}  // namespace slawatch::storage::schema
