// SPDX-License-Identifier: Apache-2.0
// Store::open and the SQLite store: opening, raw results, meta, maintenance.

#include "storage/evidence/tree.hpp"
#include "storage/layout.hpp"
#include "storage/phase_encoding.hpp"
#include "storage/read_budget.hpp"
#include "storage/schema.hpp"
#include "storage/schema_check.hpp"
#include "storage/sqlite_store.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace slawatch::storage {
namespace fs = std::filesystem;

namespace {

using sqlite::Database;

Database::Mode database_mode(const fs::path& path, OpenMode mode) {
    if (mode == OpenMode::read_write) return Database::Mode::read_write;
    // A typo in --db must not read as "no downtime": a missing database is an
    // error for readers, and is never created by them.
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        throw MissingDatabase(fmt::format("no evidence database at {}", path.string()));
    }
    if (mode == OpenMode::immutable_copy) {
        // immutable=1 ignores a write-ahead log: what a live writer has not
        // checkpointed yet would silently be missing.
        const auto wal = fs::path(path.string() + "-wal");
        if (fs::exists(wal, ec) && fs::file_size(wal, ec) > 0) {
            throw StoreError(fmt::format(
                "{} has a write-ahead log beside it ({}): it is a live database, not a "
                "shipped copy; copy it with `slawatch backup --db {} --output COPY` and pass the "
                "copy",
                path.string(), wal.string(), path.string()));
        }
        return Database::Mode::immutable;
    }
    return Database::Mode::read_only;
}

std::string_view synchronous_pragma(config::Synchronous synchronous) {
    return synchronous == config::Synchronous::full ? "PRAGMA synchronous = FULL"
                                                    : "PRAGMA synchronous = NORMAL";
}

// The bytes an honest database of this file holds: the file and its -wal.
std::uint64_t honest_bytes(const fs::path& path) {
    std::uint64_t bytes = 0;
    for (const auto& file : {path, fs::path(path.string() + "-wal")}) {
        std::error_code ec;
        const auto size = fs::file_size(file, ec);
        if (!ec) bytes += size;
    }
    return bytes;
}

}  // namespace

std::unique_ptr<Store> Store::open(const config::Config& config, const fs::path& db_path,
                                   OpenMode mode) {
    return open(config, db_path, mode, OpenOptions{});
}

std::unique_ptr<Store> Store::open(const config::Config& config, const fs::path& db_path,
                                   OpenMode mode, const OpenOptions& options) {
    return std::make_unique<SqliteStore>(config, db_path, mode, options);
}

SqliteStore::SqliteStore(const config::Config& config, const fs::path& db_path, OpenMode mode,
                         const OpenOptions& options)
    : config_(config),
      mode_(mode),
      db_(db_path, database_mode(db_path, mode), options.busy_timeout),
      evidence_leaves_(options.evidence_leaves) {
    for (const auto& p : config_.probes) {
        if (p.name == "service") {
            throw StoreError("a probe may not be named \"service\": the service row uses it");
        }
    }
    // A reader's every read is bounded by the file's size; a writer's opening
    // (migration included), after which the file is the writer's own.
    db_.set_step_budget(step_budget(honest_bytes(db_path)));
    if (mode == OpenMode::read_write) {
        schema::check_version(db_);
        // Checked before anything is written to it, and again once migrated.
        const bool current = db_.query_int("PRAGMA user_version") == schema::current_version;
        if (current) {
            schema::check_exact(db_);
        } else {
            schema::check_migratable(db_);
        }
        // WAL: readers (the CLI, sqlite3) never block the daemon's writes.
        db_.exec("PRAGMA journal_mode = WAL");
        db_.exec(synchronous_pragma(config_.storage.synchronous));
        schema::migrate(db_);
        if (!current) schema::check_exact(db_);
    } else {
        schema::check_version(db_);
        const auto version = db_.query_int("PRAGMA user_version");
        if (version < schema::current_version) {
            throw SchemaOutdated(fmt::format(
                "database {} has schema version {} and needs a migration; open it once with "
                "write access (slawatch run or replay)",
                db_.name(), version));
        }
        // Nothing but slawatch's own tables is read.
        schema::check_exact(db_);
    }
    outbox_.emplace(db_, mutex_, mode == OpenMode::read_write);
    std::lock_guard lock(mutex_);
    load_probe_ids();
    if (mode == OpenMode::read_write) {
        claim_vantage();
        record_contract();
        evidence_.initialize();
        db_.set_step_budget(std::nullopt);
    }
}

std::string contract_fingerprint(const config::Contract& c) {
    // Lengths first, so that no two different contracts give the same text.
    const auto& t = c.terms;
    std::string text = "contract-v1";
    for (const std::string& field : {c.name, c.user_id, c.order_id, sla::format_date(t.start),
                                     sla::format_date(t.end), std::string(t.zone.name())}) {
        text += fmt::format(";{}:{}", field.size(), field);
    }
    evidence::Hasher hasher;
    return evidence::to_hex(hasher.plain(text));
}

std::optional<std::string> SqliteStore::contract() const {
    std::lock_guard lock(mutex_);
    return meta("contract");
}

// Unlike the vantage name, the contract may change under a writer (a renewed
// term, a corrected order ID): the fingerprint follows the latest writer's.
void SqliteStore::record_contract() {
    const auto fingerprint = contract_fingerprint(config_.contract);
    if (meta("contract") != fingerprint) set_meta("contract", fingerprint);
}

std::optional<std::string> SqliteStore::vantage() const {
    return meta("vantage");
}

// One database, one vantage point: a quorum across hosts counts each database
// as one independent observer, so a second host must never write into it.
void SqliteStore::claim_vantage() {
    const auto& name = config_.vantage.name;
    if (name.empty()) return;  // a Config built in code, not loaded
    const auto stored = meta("vantage");
    if (!stored) {
        set_meta("vantage", name);
    } else if (*stored != name) {
        throw VantageMismatch(fmt::format(
            "database {} holds the evidence of vantage point '{}', but the config's vantage "
            "name is '{}': set [vantage] name = \"{}\" (the database is this host's) or use "
            "another database",
            db_.name(), *stored, name, *stored));
    }
}

void SqliteStore::hold_snapshot() {
    std::lock_guard lock(mutex_);
    if (snapshot_) return;
    snapshot_.emplace(db_, sqlite::Transaction::Kind::read);
    // A deferred transaction takes its snapshot at its first read: read now.
    db_.query_int("SELECT count(*) FROM meta");
}

void SqliteStore::require_writable() const {
    if (mode_ != OpenMode::read_write) throw StoreError("the database was opened read-only");
}

void SqliteStore::load_probe_ids() {
    probe_ids_.clear();
    error_ids_.clear();
    auto& st = db_.cached("SELECT id, name FROM probe");
    while (st.step()) probe_ids_[st.column_text(1)] = st.column_int(0);
    st.reset();
    if (mode_ == OpenMode::read_write) {
        sqlite::Transaction tx(db_);
        for (const auto& p : config_.probes) probe_id(p.name);
        tx.commit();
    }
}

void SqliteStore::transaction(const std::function<void()>& work) {
    std::lock_guard lock(mutex_);
    require_writable();
    sqlite::Transaction tx(db_);
    work();
    tx.commit();
}

void SqliteStore::set_busy_timeout(std::chrono::milliseconds timeout) {
    std::lock_guard lock(mutex_);
    db_.set_busy_timeout(timeout);
}

void SqliteStore::set_synchronous(config::Synchronous synchronous) {
    std::lock_guard lock(mutex_);
    db_.exec(synchronous_pragma(synchronous));
}

std::uint64_t SqliteStore::read_steps() const {
    std::lock_guard lock(mutex_);
    return db_.steps_run();
}

void SqliteStore::lift_read_budget() {
    std::lock_guard lock(mutex_);
    db_.set_step_budget(std::nullopt);
}

void SqliteStore::set_config(const config::Config& config) {
    std::lock_guard lock(mutex_);
    config_ = config;
    load_probe_ids();
}

std::optional<std::int64_t> SqliteStore::find_probe_id(const std::string& name) const {
    const auto it = probe_ids_.find(name);
    if (it == probe_ids_.end()) return std::nullopt;
    return it->second;
}

std::int64_t SqliteStore::probe_id(const std::string& name) {
    if (auto id = find_probe_id(name)) return *id;
    require_writable();
    auto& st = db_.cached("INSERT INTO probe (name) VALUES (?)");
    st.bind(1, name).run();
    const auto id = db_.last_insert_rowid();
    // probe_result.id = time_ms * id_slots + probe id: the id must fit in the slot.
    if (id >= layout::id_slots) {
        throw StoreError(fmt::format("too many probes: a database holds at most {} probe names",
                                     layout::id_slots - 1));
    }
    probe_ids_[name] = id;
    return id;
}

std::int64_t SqliteStore::error_code_id(const std::string& code) {
    if (auto it = error_ids_.find(code); it != error_ids_.end()) return it->second;
    auto& ins = db_.cached("INSERT OR IGNORE INTO error_code (code) VALUES (?)");
    ins.bind(1, code).run();
    auto& sel = db_.cached("SELECT id FROM error_code WHERE code = ?");
    sel.bind(1, code);
    if (!sel.step()) throw StoreError("cannot intern error code " + code);
    const auto id = sel.column_int(0);
    sel.reset();
    error_ids_[code] = id;
    return id;
}

std::vector<ProbeResult> SqliteStore::results(sla::EpochMillis from, sla::EpochMillis to) const {
    std::lock_guard lock(mutex_);
    std::vector<ProbeResult> out;
    static const auto sql = fmt::format(
        "SELECT r.id, p.name, r.outcome, r.http_status, e.code, r.request_id, r.phases "
        "FROM probe_result r JOIN probe p ON p.id = {} "
        "LEFT JOIN error_code e ON e.id = r.error_code "
        "WHERE r.id >= ? AND r.id < ? ORDER BY r.id",
        layout::sql_result_probe("r.id"));
    auto& st = db_.cached(sql);
    st.bind(1, from * layout::id_slots).bind(2, to * layout::id_slots);
    while (st.step()) {
        ProbeResult r;
        const auto id = st.column_int(0);
        r.sample.sent_ms = layout::result_time_ms(id);
        r.probe = st.column_text(1);
        r.sample.outcome = static_cast<sla::Outcome>(st.column_int(2));
        r.sample.http_status = static_cast<int>(st.column_int(3));
        r.sample.error_code = st.column_text(4);
        r.sample.request_id = st.column_text(5);
        r.sample.phases = phase_encoding::timings(phase_encoding::read(st, 6, id));
        out.push_back(std::move(r));
    }
    st.reset();
    return out;
}

std::optional<std::string> SqliteStore::meta(std::string_view key) const {
    auto& st = db_.cached("SELECT value FROM meta WHERE key = ?");
    st.bind(1, key);
    std::optional<std::string> value;
    if (st.step()) value = st.column_text(0);
    st.reset();
    return value;
}

void SqliteStore::set_meta(std::string_view key, std::string_view value) {
    auto& st = db_.cached("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)");
    st.bind(1, key).bind(2, value).run();
}

std::optional<sla::EpochMinute> SqliteStore::finalized_until() const {
    std::lock_guard lock(mutex_);
    const auto v = meta("finalized_until");
    if (!v) return std::nullopt;
    return std::stoll(*v);
}

void SqliteStore::set_finalized_until(sla::EpochMinute end) {
    std::lock_guard lock(mutex_);
    require_writable();
    set_meta("finalized_until", std::to_string(end));
}

sla::EpochMinute SqliteStore::raw_floor() const {
    const auto v = meta("raw_kept_from_minute");
    return v ? std::stoll(*v) : std::numeric_limits<sla::EpochMinute>::min();
}

std::int64_t SqliteStore::apply_retention(sla::EpochMillis now) {
    std::lock_guard lock(mutex_);
    require_writable();
    const auto cutoff =
        sla::minute_of_ms(now - std::int64_t{config_.storage.retention_days} * 86'400'000);
    sqlite::Transaction tx(db_);
    // Only a prefix of the evidence log's leaves may go, with its frontier kept.
    const auto deleted = evidence_.prune(cutoff * 60'000);
    // Minutes before the cutoff can no longer be re-derived from evidence.
    if (cutoff > raw_floor()) set_meta("raw_kept_from_minute", std::to_string(cutoff));
    tx.commit();
    return deleted;
}

std::optional<std::pair<sla::EpochMinute, sla::EpochMinute>> SqliteStore::derived_range_locked()
    const {
    // Over every probe's rows: with sparse minutes a control probe's row may
    // have no service row beside it. One indexed lookup per probe.
    auto& st = db_.cached(
        "SELECT min(id) - ?1, max(id) - ?1 FROM minute WHERE id >= ?1 - 2147483648 AND "
        "id < ?1 + 2147483648");
    std::optional<std::pair<sla::EpochMinute, sla::EpochMinute>> range;
    auto look = [&](std::int64_t id) {
        st.bind(1, layout::minute_key(id, 0));
        if (st.step() && !st.is_null(0)) {
            const auto lo = st.column_int(0);
            const auto hi = st.column_int(1);
            range = range ? std::pair(std::min(range->first, lo), std::max(range->second, hi))
                          : std::pair(lo, hi);
        }
        st.reset();
    };
    look(0);
    for (const auto& [name, id] : probe_ids_) {
        if (id != 0) look(id);
    }
    return range;
}

std::optional<std::pair<sla::EpochMinute, sla::EpochMinute>> SqliteStore::derived_range() const {
    std::lock_guard lock(mutex_);
    return derived_range_locked();
}

std::int64_t SqliteStore::add_maintenance(const sla::MaintenanceWindow& w, sla::EpochMillis now) {
    std::lock_guard lock(mutex_);
    require_writable();
    if (w.end <= w.start) throw StoreError("a maintenance window must end after it starts");
    sqlite::Transaction tx(db_);
    auto& st = db_.cached(
        "INSERT INTO maintenance (start_s, end_s, announced_s, reason, created_ms) "
        "VALUES (?, ?, ?, ?, ?)");
    st.bind(1, w.start).bind(2, w.end).bind(3, w.announced).bind(4, w.reason).bind(5, now).run();
    const auto id = db_.last_insert_rowid();
    // R4: the window changes the state of the minutes it covers.
    rederive_derived(sla::minute_of_seconds(w.start), sla::minute_of_seconds(w.end) + 1);
    tx.commit();
    return id;
}

std::vector<MaintenanceRecord> SqliteStore::list_maintenance() const {
    std::lock_guard lock(mutex_);
    std::vector<MaintenanceRecord> out;
    auto& st = db_.cached(
        "SELECT id, start_s, end_s, announced_s, reason, created_ms FROM maintenance "
        "ORDER BY start_s, id");
    while (st.step()) {
        MaintenanceRecord r;
        r.id = st.column_int(0);
        r.window.start = st.column_int(1);
        r.window.end = st.column_int(2);
        r.window.announced = st.column_int(3);
        r.window.reason = st.column_text(4);
        r.created_ms = st.column_int(5);
        out.push_back(std::move(r));
    }
    st.reset();
    return out;
}

bool SqliteStore::remove_maintenance(std::int64_t id) {
    std::lock_guard lock(mutex_);
    require_writable();
    sqlite::Transaction tx(db_);
    auto& sel = db_.cached("SELECT start_s, end_s FROM maintenance WHERE id = ?");
    sel.bind(1, id);
    if (!sel.step()) {
        sel.reset();
        return false;
    }
    const auto start = sel.column_int(0);
    const auto end = sel.column_int(1);
    sel.reset();
    db_.cached("DELETE FROM maintenance WHERE id = ?").bind(1, id).run();
    rederive_derived(sla::minute_of_seconds(start), sla::minute_of_seconds(end) + 1);
    tx.commit();
    return true;
}

}  // namespace slawatch::storage
