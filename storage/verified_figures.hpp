// SPDX-License-Identifier: Apache-2.0
#pragma once
// Figures from verified evidence only (docs/evidence.md, "Where figures come
// from"). The stored `minute` and `day_count` tables are the daemon's own
// working state: anyone who can edit the file can edit them, and no checkpoint
// commits to them. What `report`, `claim`, `status`, `minutes`, `incidents`
// and `quorum` print is re-derived here, in memory, from the raw results and
// folded counts that EvidenceLog::verify() has just checked in the same
// snapshot, under the caller's config.

#include "storage/evidence/log.hpp"
#include "storage/figures.hpp"
#include "storage/minute_table.hpp"
#include "storage/store.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

namespace slawatch::storage {

struct FigureOptions {
    // Minutes that have ended before this time are derived; later ones are
    // unknown, as are minutes at or after the daemon's finalized_until.
    sla::EpochMillis now = 0;
    // Count only leaves covered by the newest signed checkpoint: the minutes
    // that results after it fall in are unknown for their probe. Without a
    // signed checkpoint every verified leaf counts (the output says unsigned).
    bool exclude_unsigned_tail = true;
    // Classify with the configured probes this database has results of only
    // (another vantage point's database: each host runs its own control
    // probes; the config names every host's probes with their roles).
    bool recorded_probes_only = false;
};

// What the figures rest on.
struct EvidenceStatus {
    VerifyReport verify;                  // intact
    std::string log_id;                   // meta.log_id, "" before logs had one
    std::optional<Checkpoint> signed_at;  // the newest signed checkpoint
    std::uint64_t signed_leaves = 0;      // leaves its signature covers
    std::uint64_t unsigned_tail = 0;      // leaves after it (all, when unsigned)
    bool tail_counted = false;            // the tail's results count in the figures
    std::int64_t dark_minutes = 0;        // probe minutes left unknown for the tail
    // Probes with evidence in the database that the config does not name:
    // their results count in no minute.
    std::vector<std::string> unlisted_probes;

    bool is_signed() const { return signed_at.has_value(); }
    const std::string& key_fingerprint() const;  // of signed_at, "" when unsigned
};

// The evidence does not verify: no figure may be printed from it.
struct UnverifiedEvidence : StoreError {
    UnverifiedEvidence(const std::string& what, VerifyReport r)
        : StoreError(what), report(std::move(r)) {}
    VerifyReport report;
};

class SqliteStore;

class VerifiedFigures final : public Figures {
public:
    VerifiedFigures(const SqliteStore& store, const config::Config& config, MinuteTable table,
                    std::unordered_set<std::int64_t> dark, EvidenceStatus status);

    const EvidenceStatus& status() const { return status_; }
    const MinuteTable& table() const { return table_; }

    sla::MonthReport month_report(const sla::ServiceMonth& month,
                                  sla::EpochMillis now) const override;
    std::vector<MinuteRow> minutes(sla::EpochMinute from, sla::EpochMinute to,
                                   std::optional<std::string> probe) const override;
    sla::StateCounts count_states(const std::string& probe, sla::EpochMinute from,
                                  sla::EpochMinute to) const override;
    std::vector<FailureCount> failures_by_code(sla::EpochMinute from,
                                               sla::EpochMinute to) const override;
    std::vector<ProbeResult> results(sla::EpochMillis from, sla::EpochMillis to) const override;

private:
    bool dark(const std::string& probe, sla::EpochMinute minute) const;

    const SqliteStore& store_;
    const config::Config& config_;
    MinuteTable table_;
    // minute_key(probe id, minute) of the probe minutes the unsigned tail touches.
    std::unordered_set<std::int64_t> dark_;
    EvidenceStatus status_;
};

}  // namespace slawatch::storage
