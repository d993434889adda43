// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal to the evidence log: a consistent read of several queries.

#include "storage/sqlite.hpp"

#include <sqlite3.h>

namespace slawatch::storage::evidence_read {

// BEGIN (deferred) ... ROLLBACK around reads, unless a transaction is open.
class Snapshot {
public:
    explicit Snapshot(sqlite::Database& db)
        : db_(db), own_(sqlite3_get_autocommit(db.handle()) != 0) {
        if (own_) db_.exec("BEGIN");
    }
    ~Snapshot() {
        if (own_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
    Snapshot(const Snapshot&) = delete;
    Snapshot& operator=(const Snapshot&) = delete;

private:
    sqlite::Database& db_;
    bool own_;
};

}  // namespace slawatch::storage::evidence_read
