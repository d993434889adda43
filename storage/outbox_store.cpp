// SPDX-License-Identifier: Apache-2.0
// The alert outbox's SQL: alert_event + alert_outbox rows (schema v2).

#include "storage/read_budget.hpp"
#include "storage/schema.hpp"
#include "storage/schema_check.hpp"
#include "storage/sqlite_outbox.hpp"
#include "storage/store_error.hpp"

namespace slawatch::storage {

namespace {

Delivery read_delivery(const sqlite::Statement& s) {
    Delivery d;
    d.id = s.column_text(0);
    d.hook = s.column_text(1);
    d.type = s.column_text(2);
    d.created_ms = s.column_int(3);
    d.body = s.column_text(4);
    d.state = s.column_text(5);
    d.attempts = static_cast<int>(s.column_int(6));
    d.next_attempt_ms = s.column_int(7);
    if (!s.is_null(8)) d.last_error = s.column_text(8);
    if (!s.is_null(9)) d.delivered_ms = s.column_int(9);
    return d;
}

constexpr std::string_view columns =
    "id, hook, type, created_ms, body, state, attempts, next_attempt_ms, last_error, "
    "delivered_ms";

bool has_outbox_tables(sqlite::Database& db) {
    return db.query_int("SELECT count(*) FROM sqlite_master WHERE name = 'alert_event'") > 0;
}

// A database is hostile input (docs/evidence.md, "Hostile databases"): a
// reader's work is bounded by its size, and only slawatch's schema is read.
void check_outbox_database(sqlite::Database& db, const std::filesystem::path& db_path,
                           bool read_only) {
    if (read_only) {
        std::error_code ec;
        const auto size = std::filesystem::file_size(db_path, ec);
        db.set_step_budget(step_budget(ec ? 0 : size));
    }
    schema::check_version(db);
    if (db.query_int("PRAGMA user_version") == schema::current_version) {
        schema::check_exact(db);
    } else {
        schema::check_migratable(db);
    }
}

}  // namespace

std::unique_ptr<OutboxStore> open_outbox(const std::filesystem::path& db_path, bool read_only) {
    using sqlite::Database;
    std::error_code ec;
    if (read_only && !std::filesystem::exists(db_path, ec)) {
        // A missing database is empty and is not created.
        return std::make_unique<SqliteOutbox>(
            std::make_unique<Database>(db_path, Database::Mode::memory), false);
    }
    if (!read_only && !std::filesystem::exists(db_path, ec))
        throw StoreError("alert outbox: database " + db_path.string() + " does not exist");
    auto db = std::make_unique<Database>(
        db_path, read_only ? Database::Mode::read_only : Database::Mode::read_write);
    check_outbox_database(*db, db_path, read_only);
    const bool has_tables = has_outbox_tables(*db);
    if (!has_tables && !read_only)
        throw StoreError("alert outbox: database " + db_path.string() +
                         " has no alert_event table (open it with the Store first)");
    return std::make_unique<SqliteOutbox>(std::move(db), has_tables);
}

SqliteOutbox::SqliteOutbox(sqlite::Database& db, std::recursive_mutex& store_lock, bool writable)
    : db_(&db), store_lock_(&store_lock), writable_(writable) {}

SqliteOutbox::SqliteOutbox(std::unique_ptr<sqlite::Database> db, bool has_tables)
    : owned_(std::move(db)), db_(owned_.get()), has_tables_(has_tables) {}

std::unique_lock<std::recursive_mutex> SqliteOutbox::hold() const {
    return store_lock_ ? std::unique_lock(*store_lock_) : std::unique_lock<std::recursive_mutex>();
}

void SqliteOutbox::require_writable() const {
    if (!writable_) throw StoreError("the database was opened read-only");
}

bool SqliteOutbox::enqueue(const OutboxEvent& event, const std::vector<std::string>& hooks,
                           sla::EpochMillis now) {
    const auto lock = hold();
    require_writable();
    sqlite::Transaction tx(*db_);
    db_->cached(
           "INSERT OR IGNORE INTO alert_event (id, type, created_ms, body) VALUES (?, ?, ?, ?)")
        .bind(1, event.id)
        .bind(2, event.type)
        .bind(3, now)
        .bind(4, event.body)
        .run();
    const bool fresh = db_->changes() > 0;
    for (const auto& hook : hooks) {
        db_->cached(
               "INSERT OR IGNORE INTO alert_outbox (id, hook, type, created_ms, body, state, "
               "attempts, next_attempt_ms) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?)")
            .bind(1, event.id)
            .bind(2, hook)
            .bind(3, event.type)
            .bind(4, now)
            .bind(5, event.body)
            .bind(6, now)
            .run();
    }
    tx.commit();
    return fresh;
}

std::vector<std::string> SqliteOutbox::event_ids_since(sla::EpochMillis since) const {
    const auto lock = hold();
    std::vector<std::string> out;
    if (!has_tables_) return out;
    auto& s =
        db_->cached("SELECT id FROM alert_event WHERE created_ms >= ? ORDER BY created_ms, id");
    s.bind(1, since);
    while (s.step()) out.push_back(s.column_text(0));
    return out;
}

std::vector<Delivery> SqliteOutbox::due(const std::string& hook, sla::EpochMillis now,
                                        std::size_t limit) const {
    const auto lock = hold();
    std::vector<Delivery> out;
    if (!has_tables_) return out;
    // Head of line: the hook's oldest pending row first (rowid is insertion
    // order), and nothing behind it while it waits for its retry, so that a
    // later event never overtakes an earlier one backing off.
    auto& s = db_->cached(std::string("SELECT ") + std::string(columns) +
                          " FROM alert_outbox WHERE state = 'pending' AND hook = ? "
                          "ORDER BY rowid LIMIT ?");
    s.bind(1, hook).bind(2, static_cast<std::int64_t>(limit));
    while (s.step()) {
        auto d = read_delivery(s);
        if (d.next_attempt_ms > now) break;
        out.push_back(std::move(d));
    }
    s.reset();  // see next_due()
    return out;
}

std::optional<sla::EpochMillis> SqliteOutbox::next_due(
    const std::vector<std::string>& hooks) const {
    const auto lock = hold();
    std::optional<sla::EpochMillis> out;
    if (!has_tables_) return out;
    // The head row's retry time: rows behind it wait for it (see due()).
    auto& s = db_->cached(
        "SELECT next_attempt_ms FROM alert_outbox WHERE state = 'pending' AND hook = ? "
        "ORDER BY rowid LIMIT 1");
    for (const auto& hook : hooks) {
        s.reset();
        s.bind(1, hook);
        if (s.step()) {
            const auto t = s.column_int(0);
            if (!out || t < *out) out = t;
        }
    }
    // A statement left on a row keeps its read transaction (and an old
    // snapshot) open: the next write on this connection would fail as busy.
    s.reset();
    return out;
}

void SqliteOutbox::mark_delivered(const std::string& id, const std::string& hook,
                                  sla::EpochMillis now) {
    const auto lock = hold();
    require_writable();
    db_->cached(
           "UPDATE alert_outbox SET state = 'delivered', attempts = attempts + 1, "
           "delivered_ms = ?, last_error = NULL WHERE id = ? AND hook = ?")
        .bind(1, now)
        .bind(2, id)
        .bind(3, hook)
        .run();
}

void SqliteOutbox::record_failure(const std::string& id, const std::string& hook,
                                  const std::string& state, int attempts,
                                  sla::EpochMillis next_attempt_ms, const std::string& error) {
    const auto lock = hold();
    require_writable();
    db_->cached(
           "UPDATE alert_outbox SET state = ?, attempts = ?, next_attempt_ms = ?, last_error = ? "
           "WHERE id = ? AND hook = ?")
        .bind(1, state)
        .bind(2, attempts)
        .bind(3, next_attempt_ms)
        .bind(4, error.substr(0, 500))
        .bind(5, id)
        .bind(6, hook)
        .run();
}

std::optional<Delivery> SqliteOutbox::find(const std::string& id, const std::string& hook) const {
    const auto lock = hold();
    if (!has_tables_) return std::nullopt;
    auto& s = db_->cached(std::string("SELECT ") + std::string(columns) +
                          " FROM alert_outbox WHERE id = ? AND hook = ?");
    s.bind(1, id).bind(2, hook);
    if (!s.step()) return std::nullopt;
    auto d = read_delivery(s);
    s.reset();  // see next_due()
    return d;
}

std::map<std::string, HookCounts> SqliteOutbox::counts() const {
    const auto lock = hold();
    std::map<std::string, HookCounts> out;
    if (!has_tables_) return out;
    auto& s = db_->cached(
        "SELECT hook, state, count(*), sum(attempts > 0) FROM alert_outbox GROUP BY hook, state");
    while (s.step()) {
        auto& c = out[s.column_text(0)];
        const auto state = s.column_text(1);
        const auto n = s.column_int(2);
        if (state == "pending") c.retrying = s.column_int(3);
        if (state == "pending")
            c.pending = n;
        else if (state == "delivered")
            c.delivered = n;
        else
            c.failed = n;
    }
    auto& e = db_->cached(
        "SELECT hook, last_error FROM alert_outbox WHERE last_error IS NOT NULL "
        "ORDER BY created_ms");
    while (e.step()) out[e.column_text(0)].last_error = e.column_text(1);
    return out;
}

std::vector<EventRecord> SqliteOutbox::recent(std::size_t limit) const {
    const auto lock = hold();
    std::vector<EventRecord> out;
    if (!has_tables_) return out;
    auto& s = db_->cached(
        "SELECT id, type, created_ms, body FROM alert_event ORDER BY created_ms DESC, id DESC "
        "LIMIT ?");
    s.bind(1, static_cast<std::int64_t>(limit));
    while (s.step())
        out.push_back({s.column_text(0), s.column_text(1), s.column_int(2), s.column_text(3), {}});
    auto& d = db_->cached(std::string("SELECT ") + std::string(columns) +
                          " FROM alert_outbox WHERE id = ? ORDER BY hook");
    for (auto& r : out) {
        d.reset();
        d.bind(1, r.id);
        while (d.step()) r.deliveries.push_back(read_delivery(d));
    }
    return out;
}

}  // namespace slawatch::storage
