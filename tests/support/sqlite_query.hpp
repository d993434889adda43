// SPDX-License-Identifier: Apache-2.0
#pragma once
// A database file the way an operator's sqlite3 would use it: one integer
// read read-only beside whatever process writes it, or statements run on it
// (a test's edits: tampering, old layouts).

#include <sqlite3.h>
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

namespace slawatch::testing {

// The first column of the first row of `sql`, or -1 when it returns no row.
inline std::int64_t count_rows(const std::string& db, const char* sql) {
    sqlite3* h = nullptr;
    REQUIRE(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(h, sql, -1, &st, nullptr) == SQLITE_OK);
    std::int64_t n = -1;
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return n;
}

// Runs `sql` (one or more statements) on the file, read-write.
inline void exec_sql(const std::string& db, const std::string& sql) {
    sqlite3* h = nullptr;
    REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &error);
    INFO((error ? error : ""));
    sqlite3_free(error);
    sqlite3_close(h);
    REQUIRE(rc == SQLITE_OK);
}

}  // namespace slawatch::testing
