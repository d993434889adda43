#pragma once
// The evidence store: raw probe results in, derived minute rows and Service
// Month figures out (DESIGN.md section 3).
//
// The functions declared here are what the daemon and the alerts rely on;
// keep their signatures. Extend freely.

#include "config/config.hpp"
#include "sla/month_report.hpp"
#include "sla/sample.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace slawatch::storage {

// One probe run, as the daemon and replay hand it over.
struct ProbeResult {
    std::string probe;  // a configured probe name
    sla::Sample sample;
};

// One derived minute row; probe == "service" for the service-level row.
struct MinuteRow {
    sla::EpochMinute minute = 0;
    std::string probe;
    sla::MinuteState state = sla::MinuteState::unknown;
    int samples = 0;
    int failures = 0;
};

// Failed results of one probe with one outcome and error code, over a range
// (`report` and `claim` list them so a reader sees why each minute counted).
struct FailureCount {
    std::string probe;
    sla::Outcome outcome = sla::Outcome::api_error;  // as counted: after [attribution]
    std::string error_code;                          // "" when the failure had none
    std::int64_t failures = 0;                       // probe results
    std::int64_t minutes = 0;                        // minutes with at least one of them
    std::int64_t down_minutes = 0;                   // of those, minutes the probe was down
    std::int64_t customer_minutes = 0;               // of those, minutes excluded as customer
};

enum class OpenMode {
    read_only,   // a missing database reads as empty (every minute unknown) and is not created
    read_write,  // creates the file and migrates the schema
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
};

// Thrown for every storage failure, with a message for people.
struct StoreError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Store {
public:
    virtual ~Store() = default;

    // `config` is copied; set_config replaces it (the daemon's SIGHUP).
    static std::unique_ptr<Store> open(const config::Config& config,
                                       const std::filesystem::path& db_path, OpenMode mode);
    static std::unique_ptr<Store> open(const config::Config& config,
                                       const std::filesystem::path& db_path, OpenMode mode,
                                       const OpenOptions& options);
    virtual void set_config(const config::Config& config) = 0;

    // Appends raw results in one transaction (BEGIN IMMEDIATE).
    virtual void append(std::span<const ProbeResult> results) = 0;

    // R2-R5: (re)derives the minute rows of [from, to) - every configured
    // probe and the service row - from the stored results, the maintenance
    // windows (config and database) and the config. Idempotent. Minutes with
    // no results get `unknown` rows.
    virtual void derive_minutes(sla::EpochMinute from, sla::EpochMinute to) = 0;

    // The end (exclusive) of the minutes the daemon has finalized, kept in
    // `meta` so that a restart knows where to resume.
    virtual std::optional<sla::EpochMinute> finalized_until() const = 0;
    virtual void set_finalized_until(sla::EpochMinute end) = 0;

    // The figures of one Service Month as of `now` (ms since the epoch).
    virtual sla::MonthReport month_report(const sla::ServiceMonth& month,
                                          sla::EpochMillis now) const = 0;

    // Minute rows in [from, to), optionally of one probe ("service" for the
    // service row), ordered by minute then probe.
    virtual std::vector<MinuteRow> minutes(sla::EpochMinute from, sla::EpochMinute to,
                                           std::optional<std::string> probe) const = 0;

    // --- Additions (not in the first pinned version) ---

    // When min_samples, policy, the probes or the config's maintenance
    // windows changed since the last derivation (a fingerprint in `meta`),
    // re-derives every minute derived so far whose raw results are still
    // kept. Returns true when it re-derived. `run` and `replay` call it.
    virtual bool reconcile_config() = 0;

    // The first and last derived minute (service row), if any.
    virtual std::optional<std::pair<sla::EpochMinute, sla::EpochMinute>> derived_range() const = 0;

    // Stored raw results with sent time in [from, to), in time order. The
    // request id of a successful result is not kept (empty).
    virtual std::vector<ProbeResult> results(sla::EpochMillis from, sla::EpochMillis to) const = 0;

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

    // Minute rows of one probe ("service" for the service row) counted by
    // state in [from, to), from the rollup where whole days allow.
    virtual sla::StateCounts count_states(const std::string& probe, sla::EpochMinute from,
                                          sla::EpochMinute to) const = 0;

    // Failed results sent in [from, to) per probe, outcome (as counted, R4)
    // and error code, most failures first. Only raw results still kept count.
    virtual std::vector<FailureCount> failures_by_code(sla::EpochMinute from,
                                                       sla::EpochMinute to) const = 0;
};

}  // namespace slawatch::storage
