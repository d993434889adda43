// SPDX-License-Identifier: Apache-2.0
// RAII wrappers over the SQLite C API.

#include "storage/sqlite.hpp"

#include <sqlite3.h>

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cctype>
#include <cerrno>
#include <cstring>

namespace slawatch::storage::sqlite {

namespace {

// The evidence is the customer's business: a new database is owner-only
// whatever the umask, and SQLite gives its -wal and -shm the database's mode.
void create_owner_only(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST) return;  // not ours to change
        throw StoreError(
            fmt::format("cannot create database {}: {}", path.string(), std::strerror(errno)));
    }
    // The umask may have taken bits from 0600 (0400 would be unwritable).
    const int rc = ::fchmod(fd, 0600);
    const int err = errno;
    ::close(fd);
    if (rc != 0)
        throw StoreError(fmt::format("cannot make database {} owner-only: {}", path.string(),
                                     std::strerror(err)));
}

// What SQLite must not open as a database: it would block opening a FIFO
// (until a writer comes) and read a device or a socket as if it were one.
std::string_view not_regular(mode_t mode) {
    if (S_ISREG(mode)) return {};
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISDIR(mode)) return "a directory";
    return "not a regular file";
}

// The file at `path` (a symlink followed) when it exists; RefusedDatabase
// when it is not a regular file. stat() never blocks, whatever the file is.
std::optional<struct stat> regular_or_absent(const std::filesystem::path& path,
                                             const std::string& name) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;  // missing: SQLite says why
    if (const auto kind = not_regular(st.st_mode); !kind.empty()) {
        const auto what =
            path.string() == name ? std::string("it") : fmt::format("{} beside it", path.string());
        throw RefusedDatabase(
            fmt::format("database {} refused: {} is {}, not a regular file; pass a database file",
                        name, what, kind));
    }
    return st;
}

// SQLite opens the database by its path after the check above: a file
// swapped in between would be read unchecked. The path must still name the
// checked file once SQLite has it open.
void require_same_file(const std::filesystem::path& path, const std::string& name,
                       const struct stat& before) {
    struct stat after {};
    if (::stat(path.c_str(), &after) != 0 || after.st_dev != before.st_dev ||
        after.st_ino != before.st_ino || !S_ISREG(after.st_mode)) {
        throw RefusedDatabase(fmt::format(
            "database {} refused: the file was replaced while it was being opened", name));
    }
}

// No extension is loaded, the schema's own SQL runs with the least rights
// (trusted_schema off: no function with side effects from a view or
// trigger), the file cannot be corrupted on purpose through this connection
// (defensive), and no trigger ever fires (slawatch's schema has none).
void harden(sqlite3* db, const std::string& name) {
    struct Setting {
        int op;
        int value;
        const char* what;
    };
    for (const auto& s : {Setting{SQLITE_DBCONFIG_DEFENSIVE, 1, "defensive"},
                          Setting{SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, "trusted_schema"},
                          Setting{SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, "load_extension"},
                          Setting{SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, "enable_trigger"}}) {
        int now = -1;
        if (sqlite3_db_config(db, s.op, s.value, &now) != SQLITE_OK || now != s.value) {
            throw StoreError(
                fmt::format("database {}: cannot set {} to {}", name, s.what, s.value));
        }
    }
}

// file:PATH?mode=ro&immutable=1, with the characters a URI reserves escaped.
std::string immutable_uri(const std::filesystem::path& path) {
    const auto absolute = std::filesystem::absolute(path).string();
    std::string uri = "file:";
    for (const unsigned char c : absolute) {
        if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
            uri += static_cast<char>(c);
        } else {
            uri += fmt::format("%{:02X}", static_cast<unsigned>(c));
        }
    }
    return uri + "?mode=ro&immutable=1";
}

}  // namespace

Database::Database(const std::filesystem::path& path, Mode mode,
                   std::chrono::milliseconds busy_timeout)
    : name_(mode == Mode::memory ? std::string(":memory:") : path.string()),
      busy_timeout_(busy_timeout) {
    const bool file = mode != Mode::memory && path.string() != ":memory:";
    if (mode == Mode::read_write && file) create_owner_only(path);
    std::optional<struct stat> checked;
    if (file) {
        checked = regular_or_absent(path, name_);
        // SQLite opens these beside a database that is not immutable.
        if (mode != Mode::immutable) {
            for (const char* side : {"-wal", "-shm", "-journal"})
                regular_or_absent(path.string() + side, name_);
        }
    }
    int flags = SQLITE_OPEN_NOMUTEX;
    switch (mode) {
        case Mode::read_only:
            flags |= SQLITE_OPEN_READONLY;
            break;
        case Mode::read_write:
            flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
            break;
        case Mode::memory:
            flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY;
            break;
        case Mode::immutable:
            flags |= SQLITE_OPEN_READONLY | SQLITE_OPEN_URI;
            break;
    }
    const auto target = mode == Mode::immutable ? immutable_uri(path) : name_;
    const int rc = sqlite3_open_v2(target.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        sqlite3_close(db_);
        db_ = nullptr;
        throw StoreError(fmt::format("cannot open database {}: {}", name_, message));
    }
    try {
        if (checked) require_same_file(path, name_, *checked);
        harden(db_, name_);
    } catch (...) {
        sqlite3_close(db_);
        db_ = nullptr;
        throw;
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_progress_handler(db_, step_interval, &Database::on_progress, this);
    // A locked database waits this long, then fails with a clear error.
    set_busy_timeout(busy_timeout_);
}

Database::~Database() {
    cache_.clear();  // finalize the statements before the connection
    sqlite3_close_v2(db_);
}

Statement& Database::cached(std::string_view sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
        it = cache_.emplace(std::string(sql), std::make_unique<Statement>(*this, sql)).first;
    } else {
        it->second->reset();
    }
    return *it->second;
}

int Database::on_progress(void* self) {
    auto& db = *static_cast<Database*>(self);
    // A statement's own count grows only when sqlite3_step returns.
    db.running_ += step_interval;
    if (db.step_budget_ && db.steps_run() + db.running_ > *db.step_budget_) {
        db.budget_exceeded_ = true;
        return 1;  // SQLITE_INTERRUPT for the statement running
    }
    return 0;
}

// SQLite counts each statement's steps (SQLITE_STMTSTATUS_VM_STEP): the
// connection's are those counted off finished statements and those of the
// statements not yet counted, running or reset.
std::uint64_t Database::steps_run() const {
    std::uint64_t steps = steps_;
    for (auto* st = sqlite3_next_stmt(db_, nullptr); st; st = sqlite3_next_stmt(db_, st))
        steps += static_cast<std::uint64_t>(sqlite3_stmt_status(st, SQLITE_STMTSTATUS_VM_STEP, 0));
    return steps;
}

bool Database::over_budget() {
    if (step_budget_ && steps_ > *step_budget_) budget_exceeded_ = true;
    return budget_exceeded_;
}

void Database::count_steps(sqlite3_stmt* stmt) {
    steps_ += static_cast<std::uint64_t>(sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_VM_STEP, 1));
}

void Database::set_step_budget(std::optional<std::uint64_t> steps) {
    for (auto* st = sqlite3_next_stmt(db_, nullptr); st; st = sqlite3_next_stmt(db_, st))
        sqlite3_stmt_status(st, SQLITE_STMTSTATUS_VM_STEP, 1);  // counted from now on
    step_budget_ = steps;
    steps_ = 0;
    running_ = 0;
    budget_exceeded_ = false;
}

void Database::fail(int rc, std::string_view what) const {
    if ((rc & 0xff) == SQLITE_INTERRUPT && budget_exceeded_) {
        throw RefusedDatabase(fmt::format(
            "database {} refused: reading it took more than {} SQLite steps, far more than an "
            "honest slawatch database of its size needs (a crafted file?)",
            name_, *step_budget_));
    }
    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
        throw StoreError(fmt::format(
            "database {} is locked by another process (waited {} ms); is another slawatch "
            "writing to it?",
            name_, busy_timeout_.count()));
    }
    throw StoreError(fmt::format("database {}: {}: {}", name_, what,
                                 db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc)));
}

void Database::exec(std::string_view sql) {
    // sqlite3_exec, with each statement's steps counted.
    const std::string text(sql);
    const char* tail = text.c_str();
    while (*tail) {
        sqlite3_stmt* st = nullptr;
        const char* next = nullptr;
        int rc = sqlite3_prepare_v2(db_, tail, -1, &st, &next);
        if (rc != SQLITE_OK) fail(rc, std::string_view(tail).substr(0, 60));
        if (st) {
            while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            }
            running_ = 0;
            count_steps(st);
            if (rc != SQLITE_DONE) {
                const std::string what(std::string_view(tail).substr(0, 60));
                sqlite3_finalize(st);  // the failed step's code and message stay
                fail(rc, what);
            }
            sqlite3_finalize(st);
        }
        tail = next;
    }
}

Statement Database::prepare(std::string_view sql) {
    return Statement(*this, sql);
}

std::int64_t Database::query_int(std::string_view sql) {
    Statement st(*this, sql);
    return st.step() ? st.column_int(0) : 0;
}

std::int64_t Database::changes() const {
    return sqlite3_changes64(db_);
}
std::int64_t Database::last_insert_rowid() const {
    return sqlite3_last_insert_rowid(db_);
}

Statement::Statement(Database& db, std::string_view sql) : db_(&db) {
    const int rc = sqlite3_prepare_v3(db.handle(), sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
    if (rc != SQLITE_OK) db.fail(rc, fmt::format("prepare \"{}\"", sql.substr(0, 60)));
}

Statement::~Statement() {
    if (stmt_) db_->count_steps(stmt_);
    sqlite3_finalize(stmt_);
}

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) {
    other.stmt_ = nullptr;
}

Statement& Statement::bind(int index, std::int64_t value) {
    const int rc = sqlite3_bind_int64(stmt_, index, value);
    if (rc != SQLITE_OK) db_->fail(rc, "bind");
    return *this;
}

Statement& Statement::bind(int index, double value) {
    const int rc = sqlite3_bind_double(stmt_, index, value);
    if (rc != SQLITE_OK) db_->fail(rc, "bind");
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    const int rc =
        sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    if (rc != SQLITE_OK) db_->fail(rc, "bind");
    return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
    const int rc = sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) db_->fail(rc, "bind");
    return *this;
}

Statement& Statement::bind_null(int index) {
    const int rc = sqlite3_bind_null(stmt_, index);
    if (rc != SQLITE_OK) db_->fail(rc, "bind");
    return *this;
}

bool Statement::step() {
    // Many short statements add up: the progress handler sees only long ones.
    if (db_->over_budget()) db_->fail(SQLITE_INTERRUPT, "over budget");
    const int rc = sqlite3_step(stmt_);
    db_->running_ = 0;
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    const std::string sql = sqlite3_sql(stmt_) ? sqlite3_sql(stmt_) : "";
    sqlite3_reset(stmt_);
    db_->fail(rc, sql.substr(0, 60));
}

void Statement::run() {
    while (step()) {
    }
    reset();
}

void Statement::reset() {
    db_->count_steps(stmt_);
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

bool Statement::is_null(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::column_int(int column) const {
    return sqlite3_column_int64(stmt_, column);
}

double Statement::column_double(int column) const {
    return sqlite3_column_double(stmt_, column);
}

std::string Statement::column_text(int column) const {
    const auto* text = sqlite3_column_text(stmt_, column);
    const int size = sqlite3_column_bytes(stmt_, column);
    return text ? std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size))
                : std::string();
}

std::string_view Statement::column_blob(int column) const {
    const auto* data = sqlite3_column_blob(stmt_, column);
    const int size = sqlite3_column_bytes(stmt_, column);
    return data ? std::string_view(static_cast<const char*>(data), static_cast<std::size_t>(size))
                : std::string_view();
}

void Database::set_busy_timeout(std::chrono::milliseconds timeout) {
    busy_timeout_ = timeout;
    sqlite3_busy_timeout(db_, static_cast<int>(timeout.count()));
}

Transaction::Transaction(Database& db, Kind kind)
    : db_(db), kind_(kind), nested_(sqlite3_get_autocommit(db.handle()) == 0) {
    if (kind_ == Kind::read) {
        // A deferred transaction takes its snapshot at its first read.
        if (!nested_) db_.exec("BEGIN DEFERRED");
        return;
    }
    // Inside an open transaction a savepoint: the outer one decides what commits.
    if (nested_) {
        db_.exec("SAVEPOINT nested");
        return;
    }
    // IMMEDIATE takes the write lock now, so a busy database fails here
    // (after busy_timeout) rather than half-way through.
    db_.exec("BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
    if (done_) return;
    if (kind_ == Kind::read) {
        if (!nested_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
        return;
    }
    if (nested_) {
        sqlite3_exec(db_.handle(), "ROLLBACK TO nested; RELEASE nested", nullptr, nullptr, nullptr);
        return;
    }
    sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
    if (kind_ == Kind::read) throw StoreError("a read transaction is not committed");
    db_.exec(nested_ ? "RELEASE nested" : "COMMIT");
    done_ = true;
}

}  // namespace slawatch::storage::sqlite
