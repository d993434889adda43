// SPDX-License-Identifier: Apache-2.0
#pragma once
// Reads one integer from a database file the way an operator's sqlite3 would:
// read-only, beside whatever process writes it.

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

}  // namespace slawatch::testing
