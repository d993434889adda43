// SPDX-License-Identifier: Apache-2.0
#pragma once
// The SQLite implementation of Store (internal to the storage module).

#include "sla/classifier.hpp"
#include "storage/evidence/log.hpp"
#include "storage/sqlite.hpp"
#include "storage/sqlite_outbox.hpp"
#include "storage/store.hpp"

#include <mutex>
#include <optional>
#include <span>
#include <unordered_map>
#include <unordered_set>

namespace slawatch::storage {

class MinuteTable;      // storage/minute_table.hpp
struct EvidenceStatus;  // storage/verified_figures.hpp

// R4: the outcome a stored result counts as in its minute: an API error is
// judged again by the attribution table and the config's overrides (failures.cpp).
class CountedOutcomes {
public:
    sla::Outcome operator()(sla::Outcome recorded, std::optional<std::int64_t> code_id) const;
    std::string code_of(std::int64_t code_id) const {
        const auto it = by_code_.find(code_id);
        return it == by_code_.end() ? std::string() : it->second;
    }

private:
    friend class SqliteStore;
    std::unordered_map<std::int64_t, std::string> by_code_;  // error_code.id -> code
    std::vector<sla::CodeOverride> overrides_;
};

class SqliteStore final : public Store {
public:
    SqliteStore(const config::Config& config, const std::filesystem::path& db_path, OpenMode mode,
                const OpenOptions& options);

    void set_config(const config::Config& config) override;
    void append(std::span<const ProbeResult> results) override;
    AppendCounts append_results(std::span<const ProbeResult> results,
                                std::vector<AppendConflict>* conflicts) override;
    std::unique_ptr<Import> begin_import() override;
    void derive_minutes(sla::EpochMinute from, sla::EpochMinute to) override;
    std::optional<sla::EpochMinute> finalized_until() const override;
    void set_finalized_until(sla::EpochMinute end) override;
    sla::MonthReport month_report(const sla::ServiceMonth& month,
                                  sla::EpochMillis now) const override;
    std::vector<MinuteRow> minutes(sla::EpochMinute from, sla::EpochMinute to,
                                   std::optional<std::string> probe) const override;

    bool reconcile_config() override;
    bool derived_under_config() const override;
    void hold_snapshot() override;
    std::optional<std::pair<sla::EpochMinute, sla::EpochMinute>> derived_range() const override;
    std::vector<ProbeResult> results(sla::EpochMillis from, sla::EpochMillis to) const override;
    std::int64_t apply_retention(sla::EpochMillis now) override;
    std::int64_t add_maintenance(const sla::MaintenanceWindow& window,
                                 sla::EpochMillis now) override;
    std::vector<MaintenanceRecord> list_maintenance() const override;
    bool remove_maintenance(std::int64_t id) override;
    sla::StateCounts count_states(const std::string& probe, sla::EpochMinute from,
                                  sla::EpochMinute to) const override;
    EvidenceLog& evidence() override { return evidence_; }
    const EvidenceLog& evidence() const override { return evidence_; }
    std::vector<FailureCount> failures_by_code(sla::EpochMinute from,
                                               sla::EpochMinute to) const override;

    std::uint64_t read_steps() const override;
    void lift_read_budget() override;

    // The outbox on this store's connection and lock: events commit in the
    // store's transactions (transaction()).
    OutboxStore& outbox() override { return *outbox_; }

    void transaction(const std::function<void()>& work) override;
    void set_busy_timeout(std::chrono::milliseconds timeout) override;
    void set_synchronous(config::Synchronous synchronous) override;
    bool reconcile_config_step(sla::EpochMinute max_minutes) override;
    CompactionResult compact_step(sla::EpochMillis now) override;
    CompactionResult compact(sla::EpochMillis now, bool dry_run) override;
    std::unique_ptr<VerifiedFigures> verified_figures(const FigureOptions& options) override;

private:
    friend class SqliteImport;
    friend class VerifiedFigures;

    // Everything below expects mutex_ held.
    void require_writable() const;
    void load_probe_ids();
    std::int64_t probe_id(const std::string& name);  // creates it (writable stores)
    std::optional<std::int64_t> find_probe_id(const std::string& name) const;
    std::int64_t error_code_id(const std::string& code);
    std::optional<std::string> meta(std::string_view key) const;
    std::optional<std::string> vantage() const override;
    std::optional<std::string> contract() const override;
    void claim_vantage();
    void record_contract();
    void set_meta(std::string_view key, std::string_view value);
    std::string config_fingerprint() const;
    sla::EpochMinute raw_floor() const;  // first minute whose raw results are still kept
    std::optional<std::pair<sla::EpochMinute, sla::EpochMinute>> derived_range_locked() const;

    // ingest.cpp: inserts one result under its identity; `stored` receives
    // the stored result of a conflicting one.
    AppendStatus insert_result(const ProbeResult& result, ProbeResult& stored,
                               EvidenceLog::Batch& leaves);
    // The fast path of a bulk import: when no row of `results` can collide
    // (no repeated identity, all above the highest stored id) inserts them
    // all, many rows per statement, and returns how many; otherwise 0 and
    // nothing is inserted. ids and order are scratch.
    std::int64_t insert_new_results(std::span<const ProbeResult> results,
                                    std::vector<std::int64_t>& ids, std::vector<std::size_t>& order,
                                    EvidenceLog::Batch& leaves);
    std::int64_t result_id(const ProbeResult& result);  // time_ms * id_slots + probe id
    void bind_result(sqlite::Statement& insert, int first, std::int64_t id,
                     const ProbeResult& result);
    // Derives exactly these minutes (sorted and deduplicated here) and the
    // rollup of their days; returns how many distinct minutes it derived.
    std::int64_t derive_minute_set(std::vector<sla::EpochMinute>& minutes);

    // compaction.cpp: the minute (per probe id) before which results are
    // compacted; loaded by load_compact_marks() at each write.
    void load_compact_marks();
    bool is_compacted(std::int64_t result_id) const;
    CompactionResult compact_step_locked(sla::EpochMillis now);
    // Adds the folded counts of [from, to) to `tallies` (n probes a minute).
    void add_folded_counts(sla::EpochMinute from, sla::EpochMinute to,
                           const std::unordered_map<std::int64_t, std::size_t>& index_of,
                           std::vector<sla::MinuteTally>& tallies) const;

    // derive.cpp
    void derive_locked(sla::EpochMinute from, sla::EpochMinute to);
    void derive_chunk(sla::EpochMinute from, sla::EpochMinute to,
                      const std::vector<sla::MaintenanceWindow>& windows);
    // R2: the tallies of [from, to), one per configured probe (config order;
    // ids[i] its database id, none when it has no results) a minute: raw
    // results and folded counts. A probe minute in `dark` is left empty.
    std::vector<sla::MinuteTally> tally_chunk(sla::EpochMinute from, sla::EpochMinute to,
                                              const std::vector<std::optional<std::int64_t>>& ids,
                                              const std::unordered_set<std::int64_t>* dark) const;
    // R3-R5: the probe states (n a minute, roles[i] the role of probe i) and
    // service rows of the tallies.
    void classify_chunk(sla::EpochMinute from, sla::EpochMinute to,
                        std::span<const config::ProbeRole> roles,
                        const std::vector<sla::MinuteTally>& tallies,
                        const std::vector<sla::MaintenanceWindow>& windows,
                        std::vector<sla::MinuteState>& probe_states,
                        std::vector<sla::MinuteState>& service_rows) const;
    // The service row's samples and failures in minute `offset` of tallies.
    static std::pair<std::int64_t, std::int64_t> service_samples(
        std::span<const config::ProbeRole> roles, const std::vector<sla::MinuteTally>& tallies,
        std::int64_t offset);
    void update_day_counts(sla::EpochMinute from, sla::EpochMinute to);
    void rederive_derived(sla::EpochMinute from, sla::EpochMinute to);
    bool reconcile_step_locked(const std::string& fingerprint, sla::EpochMinute max_minutes);
    std::vector<sla::MaintenanceWindow> all_windows() const;

    // failures.cpp
    CountedOutcomes counted_outcomes() const;
    // Failed results of [from, to) per probe, outcome and code; state_of
    // gives a probe minute's state, or nothing to leave its failures out.
    std::vector<FailureCount> count_failures(
        sla::EpochMinute from, sla::EpochMinute to,
        const std::function<std::optional<sla::MinuteState>(std::int64_t, sla::EpochMinute)>&
            state_of) const;

    // verified_figures.cpp: the steps of verified_figures().
    struct FigureRows {
        std::vector<std::string> names;                // the table's rows: "service", probes
        std::vector<std::optional<std::int64_t>> ids;  // each probe's database id, if any
        std::vector<config::ProbeRole> roles;          // each probe's role
    };
    EvidenceStatus verified_status(const FigureOptions& options,
                                   std::unordered_set<std::int64_t>& dark) const;
    std::pair<sla::EpochMinute, sla::EpochMinute> figure_span(const FigureOptions& options) const;
    FigureRows figure_rows(const FigureOptions& options, EvidenceStatus& status) const;
    void derive_in_memory(MinuteTable& table, const FigureRows& rows,
                          const std::unordered_set<std::int64_t>& dark) const;

    // rollup.cpp
    sla::StateCounts count_states_locked(std::int64_t probe, sla::EpochMinute from,
                                         sla::EpochMinute to) const;

    config::Config config_;
    OpenMode mode_;
    mutable sqlite::Database db_;
    mutable std::recursive_mutex mutex_;
    // The read transaction hold_snapshot() opened; after db_: ends before it.
    std::optional<sqlite::Transaction> snapshot_;
    std::optional<SqliteOutbox> outbox_;  // on db_, once its schema is checked
    std::unordered_map<std::string, std::int64_t> probe_ids_;
    std::unordered_map<std::string, std::int64_t> error_ids_;
    std::unordered_map<std::int64_t, sla::EpochMinute> compact_marks_;
    EvidenceLog evidence_{db_, mutex_};  // after db_ and mutex_: it uses both
    bool evidence_leaves_ = true;
    // reconcile_config_step(): the minutes still to re-derive, [next, end).
    struct Reconcile {
        std::string fingerprint;  // the config it was started for
        sla::EpochMinute next = 0;
        sla::EpochMinute end = 0;
        bool zone_changed = false;  // the rollup of [zone_next, zone_end) is still to rebuild
        bool zone_started = false;  // its old rows are deleted
        sla::EpochMinute zone_next = 0;
        sla::EpochMinute zone_end = 0;
    };
    std::optional<Reconcile> reconcile_;
};

}  // namespace slawatch::storage
