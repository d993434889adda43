// SPDX-License-Identifier: Apache-2.0
#pragma once
// Schema exactness: a database is read only when its sqlite_master is the
// schema this binary's own migrations make (docs/evidence.md, "Hostile
// databases"). A view or trigger standing in for a table, a virtual table, or
// any extra table, index, view or trigger could change what a query returns,
// or make it run forever; such a database is refused, the object named.

#include "storage/sqlite.hpp"

#include <string>
#include <string_view>

namespace slawatch::storage::schema {

// Throws RefusedDatabase unless the database's objects (type, name, table
// and SQL, whitespace and comments aside) are exactly those that migrating
// an empty database, or one of any older schema version, to current_version
// gives. Call it on a database at current_version (after migrate()).
void check_exact(sqlite::Database& db);

// Before a migration, whose statements read and write the old tables:
// throws RefusedDatabase for a trigger or a virtual table, which no schema
// version ever had.
void check_migratable(sqlite::Database& db);

// SQL text with comments dropped and whitespace reduced to what separates
// two tokens, for comparing definitions written with other layouts.
std::string normalize_sql(std::string_view sql);

}  // namespace slawatch::storage::schema
