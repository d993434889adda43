// SPDX-License-Identifier: Apache-2.0
#pragma once
// Deriving the stored minute rows from the raw results, and everything that
// changes what they derive from: the config (reconcile), maintenance
// windows, retention and compaction. The daemon's finalizer and the
// writing commands (replay, rederive, maintenance, compact) use it.

#include "sla/maintenance.hpp"
#include "sla/time.hpp"
#include "storage/compaction.hpp"

#include <cstdint>
#include <vector>

namespace slawatch::storage {

// A maintenance window added with `slawatch maintenance add`.
struct MaintenanceRecord {
    std::int64_t id = 0;
    sla::MaintenanceWindow window;
    sla::EpochMillis created_ms = 0;
};

class MinuteDeriver {
public:
    virtual ~MinuteDeriver() = default;

    // R2-R5: (re)derives the minute rows of [from, to) - every configured
    // probe and the service row - from the stored results, the maintenance
    // windows (config and database) and the config. Idempotent. Sparse: a
    // minute with no results of a probe has no row; it is `unknown` by absence.
    virtual void derive_minutes(sla::EpochMinute from, sla::EpochMinute to) = 0;

    // When anything classification depends on changed since the last
    // derivation (config_fingerprint in `meta`: monitor settings, config
    // maintenance windows, contract time zone and term, probe names and
    // roles), re-derives every minute derived so far whose raw results are
    // still kept, and rebuilds the rollup when the time zone changed. Returns
    // true when it re-derived. Every writer calls it before deriving.
    virtual bool reconcile_config() = 0;

    // reconcile_config() in steps, for a caller that must stay responsive:
    // each call re-derives at most `max_minutes` minutes in its own
    // transaction and returns true once everything is re-derived and the
    // new fingerprint is stored (derived_under_config() is false until then;
    // a crash in between starts over, derivation is idempotent).
    virtual bool reconcile_config_step(sla::EpochMinute max_minutes) = 0;

    // True when the stored minutes and rollups were derived under the config
    // this store holds (or nothing is derived yet): only then may figures be
    // printed. False means reconcile_config() must run first.
    virtual bool derived_under_config() const = 0;

    // Deletes raw results older than storage.retention_days before `now`;
    // minutes are kept forever. Returns the number of rows deleted.
    virtual std::int64_t apply_retention(sla::EpochMillis now) = 0;

    // Compaction (storage/compaction.hpp): folds the successful results of
    // one UTC day (all probes) older than compaction_cutoff() into per-minute
    // counts, in its own transaction, the evidence checked and kept provable
    // (docs/evidence.md). Does nothing when storage.compact is false.
    // Idempotent; `done` once nothing is left.
    virtual CompactionResult compact_step(sla::EpochMillis now) = 0;
    // Every step up to the cutoff. dry_run: all of them in one transaction,
    // rolled back, so the figures are exact and nothing changes.
    virtual CompactionResult compact(sla::EpochMillis now, bool dry_run) = 0;

    // Maintenance windows kept in the database. add/remove re-derive the
    // minutes they cover (within the derived range). remove returns false
    // when there is no such id.
    virtual std::int64_t add_maintenance(const sla::MaintenanceWindow& window,
                                         sla::EpochMillis now) = 0;
    virtual std::vector<MaintenanceRecord> list_maintenance() const = 0;
    virtual bool remove_maintenance(std::int64_t id) = 0;
};

}  // namespace slawatch::storage
