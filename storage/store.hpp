// SPDX-License-Identifier: Apache-2.0
#pragma once
// The evidence store: raw probe results in, derived minute rows and Service
// Month figures out (docs/architecture.md, "Storage rules").
//
// The functions declared here are what the daemon and the alerts rely on;
// keep their signatures. Extend freely.

#include "config/config.hpp"
#include "sla/month_report.hpp"
#include "sla/sample.hpp"
#include "storage/compaction.hpp"
#include "storage/figures.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace slawatch::storage {

class EvidenceLog;      // storage/evidence/log.hpp
class VerifiedFigures;  // storage/verified_figures.hpp
struct FigureOptions;   // storage/verified_figures.hpp
namespace sqlite {
class Database;  // storage/sqlite.hpp
}

// What appending one result did. A result is identified by its probe and
// send time (ms): the same identity with the same outcome, HTTP status,
// error code and request id is `identical` and stored once; with any of
// those different it is `conflicting` and the stored result is kept.
// Latencies are not part of the comparison: the stored ones are kept.
// A result sent in a minute whose successful results of its probe were
// already compacted (folded into counts) is `compacted`: not stored, so that
// nothing is counted twice (a replay of an old file after compaction).
enum class AppendStatus { inserted, identical, conflicting, compacted };

struct AppendCounts {
    std::int64_t inserted = 0;
    std::int64_t identical = 0;
    std::int64_t conflicting = 0;
    std::int64_t compacted = 0;  // skipped: its minute is compacted for its probe
};

// A result that has the identity of a stored one but another outcome.
struct AppendConflict {
    std::size_t index = 0;  // into the appended span
    ProbeResult stored;
};

// A bulk import in one write transaction (BEGIN IMMEDIATE), holding the
// store until it is destroyed: the results and the minutes they touch
// commit together in commit(), or not at all (destroyed uncommitted, or the
// process killed).
class Import {
public:
    virtual ~Import() = default;

    // Inserts `results`; statuses[i] (resized) says what became of
    // results[i], and for a conflicting one stored[i] is the stored result.
    virtual void add(std::span<const ProbeResult> results, std::vector<AppendStatus>& statuses,
                     std::vector<ProbeResult>& stored) = 0;

    // Derives, inside the transaction, the minutes of the results inserted
    // since the last call (only those minutes, not the span between them).
    // Returns the number of distinct minutes derived.
    virtual std::int64_t derive_pending() = 0;

    // Derives what is pending, then commits.
    virtual void commit() = 0;

    virtual const AppendCounts& counts() const = 0;
    // Distinct minutes derived so far (a minute derived twice counts twice).
    virtual std::int64_t minutes_derived() const = 0;
};

enum class OpenMode {
    read_only,   // a missing database is an error (MissingDatabase); never created
    read_write,  // creates the file and migrates the schema
    // A shipped copy no process writes (`slawatch quorum`): read without locks,
    // and no -wal, -shm or journal file is created beside it (SQLite
    // immutable=1), so a copy on a read-only mount can be read. A -wal beside
    // it (a live database) is refused: its last transactions would be missed.
    immutable_copy,
};

// A maintenance window added with `slawatch maintenance add`.
struct MaintenanceRecord {
    std::int64_t id = 0;
    sla::MaintenanceWindow window;
    sla::EpochMillis created_ms = 0;
};

struct OpenOptions {
    // A locked database waits this long, then fails with a StoreError.
    std::chrono::milliseconds busy_timeout{5000};
    // Benchmarks only: false appends results without evidence leaves (what
    // hashing costs). `verify` reports such results as inserted.
    bool evidence_leaves = true;
};

// Thrown for every storage failure, with a message for people.
struct StoreError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// A writable open of a database that holds another vantage point's evidence.
struct VantageMismatch : StoreError {
    using StoreError::StoreError;
};

// A read-only open of a database that does not exist: "no evidence database at PATH".
struct MissingDatabase : StoreError {
    using StoreError::StoreError;
};

// A read-only open of a database whose schema is older than this binary's:
// a writable open (run, replay, rederive) migrates it.
struct SchemaOutdated : StoreError {
    using StoreError::StoreError;
};

// A database that is not what slawatch writes: not a regular file, a schema
// that is not exactly this binary's (a view or trigger standing in for a
// table, an extra object), a schema version newer than this binary's, or more
// reading work than its size can honestly need (docs/evidence.md, "Hostile
// databases"). Nothing is read from it; the CLI exits 2.
struct RefusedDatabase : StoreError {
    using StoreError::StoreError;
};

// The identity of a contract: SHA-256 (hex) of its name, user and order IDs,
// term and time zone. Databases recorded under the same contract carry the
// same fingerprint, so that `slawatch quorum` combines only those.
std::string contract_fingerprint(const config::Contract& contract);

// The evidence store: what the daemon writes and every command reads. Its
// figures come from the stored minute rows it derived itself (the daemon's
// own view); commands that print figures for people use verified_figures().
class Store : public Figures {
public:
    virtual ~Store() = default;

    // `config` is copied; set_config replaces it (the daemon's SIGHUP).
    static std::unique_ptr<Store> open(const config::Config& config,
                                       const std::filesystem::path& db_path, OpenMode mode);
    static std::unique_ptr<Store> open(const config::Config& config,
                                       const std::filesystem::path& db_path, OpenMode mode,
                                       const OpenOptions& options);
    virtual void set_config(const config::Config& config) = 0;

    // Appends raw results in one transaction (BEGIN IMMEDIATE). A result
    // whose identity (probe, send time) is stored already is not stored
    // again; a conflicting one is skipped (see append_results).
    virtual void append(std::span<const ProbeResult> results) = 0;

    // append(), saying how many results were new, identical or conflicting;
    // `conflicts`, when given, receives each conflicting result.
    virtual AppendCounts append_results(std::span<const ProbeResult> results,
                                        std::vector<AppendConflict>* conflicts) = 0;

    // Starts a bulk import (replay); see Import. The store may not be used
    // otherwise while the Import lives.
    virtual std::unique_ptr<Import> begin_import() = 0;

    // R2-R5: (re)derives the minute rows of [from, to) - every configured
    // probe and the service row - from the stored results, the maintenance
    // windows (config and database) and the config. Idempotent. Sparse: a
    // minute with no results of a probe has no row; it is `unknown` by absence.
    virtual void derive_minutes(sla::EpochMinute from, sla::EpochMinute to) = 0;

    // The end (exclusive) of the minutes the daemon has finalized, kept in
    // `meta` so that a restart knows where to resume.
    virtual std::optional<sla::EpochMinute> finalized_until() const = 0;
    // The vantage point whose evidence this database holds (`meta.vantage`,
    // recorded by the first writer); nullopt in a database no writer of this
    // version has opened yet.
    virtual std::optional<std::string> vantage() const = 0;
    // The contract the evidence was recorded for (`meta.contract`, a
    // contract_fingerprint written by every writer); nullopt in a database no
    // writer of this version has opened yet.
    virtual std::optional<std::string> contract() const = 0;
    virtual void set_finalized_until(sla::EpochMinute end) = 0;

    // --- Additions (not in the first pinned version) ---

    // When anything classification depends on changed since the last
    // derivation (config_fingerprint in `meta`: monitor settings, config
    // maintenance windows, contract time zone and term, probe names and
    // roles), re-derives every minute derived so far whose raw results are
    // still kept, and rebuilds the rollup when the time zone changed. Returns
    // true when it re-derived. Every writer calls it before deriving.
    virtual bool reconcile_config() = 0;

    // True when the stored minutes and rollups were derived under the config
    // this store holds (or nothing is derived yet): only then may figures be
    // printed. False means reconcile_config() must run first.
    virtual bool derived_under_config() const = 0;

    // Starts a read transaction that lasts until the store is destroyed, so
    // that every later read sees one snapshot (a writer committing meanwhile
    // is not seen). For read-only stores that print figures.
    virtual void hold_snapshot() = 0;

    // The first and last minute with a stored row (any probe), if any.
    virtual std::optional<std::pair<sla::EpochMinute, sla::EpochMinute>> derived_range() const = 0;

    // Deletes raw results older than storage.retention_days before `now`;
    // minutes are kept forever. Returns the number of rows deleted.
    virtual std::int64_t apply_retention(sla::EpochMillis now) = 0;

    // Maintenance windows kept in the database. add/remove re-derive the
    // minutes they cover (within the derived range). remove returns false
    // when there is no such id.
    virtual std::int64_t add_maintenance(const sla::MaintenanceWindow& window,
                                         sla::EpochMillis now) = 0;
    virtual std::vector<MaintenanceRecord> list_maintenance() const = 0;
    virtual bool remove_maintenance(std::int64_t id) = 0;

    // The tamper-evident evidence log over the raw results (docs/evidence.md):
    // checkpoints, verify, inclusion proofs.
    virtual EvidenceLog& evidence() = 0;
    virtual const EvidenceLog& evidence() const = 0;

    // Runs `work` in one write transaction (BEGIN IMMEDIATE): what it writes
    // through this store and through database() commits together, or not at
    // all when `work` throws (the exception goes on). The daemon finalizes a
    // minute and stores its alert events this way.
    virtual void transaction(const std::function<void()>& work) = 0;

    // The store's own connection, for the tables kept beside the evidence
    // (the alert outbox); used on the thread that uses the store.
    virtual sqlite::Database& database() = 0;

    // A locked database waits this long before a call fails (OpenOptions::busy_timeout).
    virtual void set_busy_timeout(std::chrono::milliseconds timeout) = 0;

    // reconcile_config() in steps, for a caller that must stay responsive:
    // each call re-derives at most `max_minutes` minutes in its own
    // transaction and returns true once everything is re-derived and the
    // new fingerprint is stored (derived_under_config() is false until then;
    // a crash in between starts over, derivation is idempotent).
    virtual bool reconcile_config_step(sla::EpochMinute max_minutes) = 0;

    // Compaction (storage/compaction.hpp): folds the successful results of
    // one UTC day (all probes) older than compaction_cutoff() into per-minute
    // counts, in its own transaction, the evidence checked and kept provable
    // (docs/evidence.md). Does nothing when storage.compact is false.
    // Idempotent; `done` once nothing is left.
    virtual CompactionResult compact_step(sla::EpochMillis now) = 0;
    // Every step up to the cutoff. dry_run: all of them in one transaction,
    // rolled back, so the figures are exact and nothing changes.
    virtual CompactionResult compact(sla::EpochMillis now, bool dry_run) = 0;

    // The figures people are shown (verified_figures.hpp): verifies the
    // evidence log in this store's snapshot (hold_snapshot() first) and
    // re-derives every minute in memory from the verified results and folded
    // counts alone, under this store's config. Throws UnverifiedEvidence when
    // the evidence does not verify.
    virtual std::unique_ptr<VerifiedFigures> verified_figures(const FigureOptions& options) = 0;
};

}  // namespace slawatch::storage
