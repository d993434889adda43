// SPDX-License-Identifier: Apache-2.0
#pragma once
// Thin RAII wrappers over the SQLite C API: a connection, a prepared
// statement and a transaction. Every failure throws StoreError.
// A database file is hostile input (a copy shipped from another host): a
// connection opens only a regular file, never loads extensions, does not
// trust its schema, and may be given a budget of work (RefusedDatabase).

#include "storage/store_error.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace slawatch::storage::sqlite {

class Statement;

class Database {
    friend class Statement;

public:
    // immutable: a read-only file no process writes, opened without locks or
    // side files (SQLite URI immutable=1).
    enum class Mode { read_only, read_write, memory, immutable };

    // Anything but a regular file (or a symlink to one) at `path` - a FIFO, a
    // device, a socket, a directory - is refused with RefusedDatabase before
    // SQLite opens it; read_write creates a missing file. Every connection
    // runs with SQLITE_DBCONFIG_DEFENSIVE on, trusted_schema off and
    // extension loading off.
    Database(const std::filesystem::path& path, Mode mode,
             std::chrono::milliseconds busy_timeout = std::chrono::seconds(5));
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // Runs one or more statements without results.
    void exec(std::string_view sql);
    Statement prepare(std::string_view sql);
    // A statement prepared once per connection and reused, reset and with
    // its bindings cleared. Valid until the Database is destroyed.
    Statement& cached(std::string_view sql);

    std::int64_t query_int(std::string_view sql);
    std::int64_t changes() const;
    std::int64_t last_insert_rowid() const;

    sqlite3* handle() const { return db_; }
    const std::string& name() const { return name_; }
    std::chrono::milliseconds busy_timeout() const { return busy_timeout_; }
    // How long a locked database is waited for before a call fails with "locked".
    void set_busy_timeout(std::chrono::milliseconds timeout);

    // Bounds the SQLite virtual-machine steps this connection may run from
    // now on: the statement that exceeds it stops (checked every
    // step_interval steps) and throws RefusedDatabase. nullopt lifts the bound.
    void set_step_budget(std::optional<std::uint64_t> steps);
    // The steps run since the budget was last set (or since opening),
    // statements still running included.
    std::uint64_t steps_run() const;
    static constexpr int step_interval = 1000;
    // Adds a statement's steps since its last count to steps_run().
    void count_steps(sqlite3_stmt* stmt);
    // True once the budget is spent (steps of finished statements).
    bool over_budget();

    // Throws StoreError for a failed call `what`, naming the database; a
    // SQLITE_BUSY result says that the database is locked by someone else.
    [[noreturn]] void fail(int rc, std::string_view what) const;

private:
    static int on_progress(void* self);

    sqlite3* db_ = nullptr;
    std::string name_;
    std::chrono::milliseconds busy_timeout_;
    std::optional<std::uint64_t> step_budget_;
    std::uint64_t steps_ = 0;
    std::uint64_t running_ = 0;  // of the sqlite3_step under way, by the progress handler
    bool budget_exceeded_ = false;
    std::map<std::string, std::unique_ptr<Statement>, std::less<>> cache_;
};

class Statement {
public:
    Statement(Database& db, std::string_view sql);
    ~Statement();
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&&) = delete;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    // Parameters are 1-based, as in SQLite.
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement& bind(int index, double value);
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Statement& bind(int index, const std::string& text) {
        return bind(index, std::string_view(text));
    }
    Statement& bind_null(int index);
    Statement& bind_blob(int index, std::string_view bytes);
    // NULL when the value is absent.
    template <class T>
    Statement& bind(int index, const std::optional<T>& value) {
        return value ? bind(index, *value) : bind_null(index);
    }

    // True while there is a row; false when done. Throws on errors.
    bool step();
    // Steps a statement that returns no rows, then resets it for reuse.
    void run();
    // Resets the statement and clears its bindings, ready to be reused.
    void reset();

    // Columns are 0-based, as in SQLite.
    bool is_null(int column) const;
    std::int64_t column_int(int column) const;
    double column_double(int column) const;
    std::string column_text(int column) const;
    // The bytes of a BLOB (or TEXT) column; valid until the next step or reset.
    std::string_view column_blob(int column) const;

private:
    Database* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

// The one way storage/ opens a transaction. A write transaction is BEGIN
// IMMEDIATE ... COMMIT, rolled back when destroyed uncommitted; inside a
// transaction already open on the connection it is a savepoint instead, so
// that the outer transaction commits (or rolls back) everything at once. A
// read transaction is BEGIN DEFERRED, always rolled back when destroyed (it
// writes nothing), so that several reads see one snapshot; inside an open
// transaction it does nothing (that one's snapshot is already held).
class Transaction {
public:
    enum class Kind { write, read };

    explicit Transaction(Database& db, Kind kind = Kind::write);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    // Write transactions only.
    void commit();

private:
    Database& db_;
    Kind kind_;
    bool nested_;
    bool done_ = false;
};

}  // namespace slawatch::storage::sqlite
