// SPDX-License-Identifier: Apache-2.0
// Idempotent appends and bulk imports: a result is identified by its probe
// and send time (probe_result.id = time_ms * id_slots + probe id), so
// storing it again is a no-op and a different result under the same
// identity is a conflict.

#include "storage/layout.hpp"
#include "storage/phase_encoding.hpp"
#include "storage/schema.hpp"
#include "storage/sqlite_store.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace slawatch::storage {
namespace {

constexpr std::size_t max_request_id = 128;

// The request id as it is stored: only failures keep one (it proves nothing
// a claim needs for a success), cut to max_request_id.
std::string_view stored_request_id(const sla::Sample& s) {
    if (s.outcome == sla::Outcome::ok) return {};
    return std::string_view(s.request_id).substr(0, max_request_id);
}

// Minutes pending derivation beyond this are derived before more are taken.
constexpr std::size_t max_pending_minutes = 1 << 14;

constexpr std::string_view insert_sql =
    "INSERT OR IGNORE INTO probe_result (id, outcome, http_status, error_code, request_id, "
    "phases) VALUES ";
constexpr std::string_view row_values = "(?, ?, ?, ?, ?, ?)";
constexpr int row_params = 6;
// Rows per multi-row INSERT on the fast path (192 parameters).
constexpr std::size_t rows_per_insert = 32;

const std::string& insert_one_sql() {
    static const std::string sql = std::string(insert_sql) + std::string(row_values);
    return sql;
}

}  // namespace

std::int64_t SqliteStore::result_id(const ProbeResult& r) {
    constexpr auto max_ms = std::numeric_limits<std::int64_t>::max() / layout::id_slots - 1;
    const auto ms = r.sample.sent_ms;
    if (ms > max_ms || ms < -max_ms) {
        throw StoreError(fmt::format("send time {} ms is out of range", ms));
    }
    return layout::result_id(ms, probe_id(r.probe));
}

void SqliteStore::bind_result(sqlite::Statement& insert, int first, std::int64_t id,
                              const ProbeResult& r) {
    const auto& s = r.sample;
    insert.bind(first, id).bind(first + 1, static_cast<int>(s.outcome));
    if (s.http_status != 0) insert.bind(first + 2, s.http_status);
    if (!s.error_code.empty()) insert.bind(first + 3, error_code_id(s.error_code));
    const auto request_id = stored_request_id(s);
    if (!request_id.empty()) insert.bind(first + 4, request_id);
    const auto phases = phase_encoding::encode(phase_encoding::of(s.phases));
    if (!phases.empty()) insert.bind_blob(first + 5, phases);
}

AppendStatus SqliteStore::insert_result(const ProbeResult& r, ProbeResult& stored,
                                        EvidenceLog::Batch& leaves) {
    const auto& s = r.sample;
    const std::int64_t id = result_id(r);
    // Its minute's successful results are folded: storing it would count it twice.
    if (is_compacted(id)) return AppendStatus::compacted;
    auto& insert = db_.cached(insert_one_sql());
    bind_result(insert, 1, id, r);
    insert.run();
    // A new result: stored here, or in batches by insert_new_results.
    if (db_.changes() == 1) {
        // Only a new row becomes a leaf of the evidence log (docs/evidence.md).
        if (evidence_leaves_) leaves.add_leaf(id, r.probe, s);
        return AppendStatus::inserted;
    }

    // The identity is taken: the same result again, or a conflict.
    auto& sel = db_.cached(
        "SELECT r.outcome, r.http_status, e.code, r.request_id FROM probe_result r "
        "LEFT JOIN error_code e ON e.id = r.error_code WHERE r.id = ?");
    sel.bind(1, id);
    if (!sel.step()) {
        sel.reset();
        throw StoreError(fmt::format("result {} was neither inserted nor found", id));
    }
    stored.probe = r.probe;
    stored.sample = sla::Sample{};
    stored.sample.sent_ms = s.sent_ms;
    stored.sample.outcome = static_cast<sla::Outcome>(sel.column_int(0));
    stored.sample.http_status = static_cast<int>(sel.column_int(1));
    stored.sample.error_code = sel.column_text(2);
    stored.sample.request_id = sel.column_text(3);
    sel.reset();
    const bool same = stored.sample.outcome == s.outcome &&
                      stored.sample.http_status == s.http_status &&
                      stored.sample.error_code == s.error_code &&
                      stored.sample.request_id == stored_request_id(s);
    return same ? AppendStatus::identical : AppendStatus::conflicting;
}

std::int64_t SqliteStore::insert_new_results(std::span<const ProbeResult> results,
                                             std::vector<std::int64_t>& ids,
                                             std::vector<std::size_t>& order,
                                             EvidenceLog::Batch& leaves) {
    ids.resize(results.size());
    auto lowest = std::numeric_limits<std::int64_t>::max();
    for (std::size_t i = 0; i < results.size(); ++i) {
        ids[i] = result_id(results[i]);
        if (is_compacted(ids[i])) return 0;  // the slow path skips it
        lowest = std::min(lowest, ids[i]);
    }
    auto& max = db_.cached("SELECT max(id) FROM probe_result");
    const bool above = !max.step() || max.is_null(0) || max.column_int(0) < lowest;
    max.reset();
    if (!above) return 0;
    order.resize(results.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](auto a, auto b) { return ids[a] < ids[b]; });
    for (std::size_t k = 1; k < order.size(); ++k) {
        if (ids[order[k]] == ids[order[k - 1]]) return 0;  // a duplicate in the batch
    }

    // Nothing stored can collide: every row is new (each is stored here).
    std::string sql(insert_sql);
    for (std::size_t k = 0; k < rows_per_insert; ++k) {
        sql += k == 0 ? "" : ", ";
        sql += row_values;
    }
    auto& many = db_.cached(sql);
    auto& one = db_.cached(insert_one_sql());
    std::size_t k = 0;
    for (; k + rows_per_insert <= order.size(); k += rows_per_insert) {
        for (std::size_t j = 0; j < rows_per_insert; ++j) {
            const auto i = order[k + j];
            bind_result(many, static_cast<int>(j) * row_params + 1, ids[i], results[i]);
        }
        many.run();
    }
    for (; k < order.size(); ++k) {
        bind_result(one, 1, ids[order[k]], results[order[k]]);
        one.run();
    }
    // Leaves in the order the rows were inserted (by id).
    if (evidence_leaves_) {
        for (const auto i : order) leaves.add_leaf(ids[i], results[i].probe, results[i].sample);
    }
    return static_cast<std::int64_t>(order.size());
}

void SqliteStore::append(std::span<const ProbeResult> results) {
    (void)append_results(results, nullptr);
}

AppendCounts SqliteStore::append_results(std::span<const ProbeResult> results,
                                         std::vector<AppendConflict>* conflicts) {
    std::lock_guard lock(mutex_);
    require_writable();
    AppendCounts counts;
    if (results.empty()) return counts;
    try {
        sqlite::Transaction tx(db_);
        load_compact_marks();
        auto leaves = evidence_.batch();
        ProbeResult stored;
        for (std::size_t i = 0; i < results.size(); ++i) {
            switch (insert_result(results[i], stored, leaves)) {
                case AppendStatus::inserted:
                    ++counts.inserted;
                    break;
                case AppendStatus::identical:
                    ++counts.identical;
                    break;
                case AppendStatus::conflicting:
                    ++counts.conflicting;
                    if (conflicts) conflicts->push_back({i, stored});
                    break;
                case AppendStatus::compacted:
                    ++counts.compacted;
                    break;
            }
        }
        leaves.commit();
        tx.commit();
    } catch (...) {
        // Ids handed out inside the rolled-back transaction are gone.
        load_probe_ids();
        throw;
    }
    return counts;
}

std::int64_t SqliteStore::derive_minute_set(std::vector<sla::EpochMinute>& minutes) {
    std::sort(minutes.begin(), minutes.end());
    minutes.erase(std::unique(minutes.begin(), minutes.end()), minutes.end());
    // Minutes whose raw results were deleted by retention keep their rows.
    const auto floor = raw_floor();
    minutes.erase(minutes.begin(), std::lower_bound(minutes.begin(), minutes.end(), floor));
    if (minutes.empty()) return 0;

    const auto windows = all_windows();
    const auto& zone = config_.contract.terms.zone;
    std::vector<std::int64_t> days;
    // Runs of consecutive minutes, at most a day each: a stray row months
    // away derives its own minute, not every minute in between.
    for (std::size_t i = 0; i < minutes.size();) {
        std::size_t j = i + 1;
        while (j < minutes.size() && minutes[j] == minutes[j - 1] + 1 && j - i < 1440) ++j;
        const auto from = minutes[i];
        const auto to = minutes[j - 1] + 1;
        derive_chunk(from, to, windows);
        for (auto d = date::sys_days(zone.local_date(from));
             d <= date::sys_days(zone.local_date(to - 1)); d += date::days(1)) {
            days.push_back(d.time_since_epoch().count());
        }
        i = j;
    }
    std::sort(days.begin(), days.end());
    days.erase(std::unique(days.begin(), days.end()), days.end());
    for (const auto day : days) {
        const auto start = zone.start_of_day(sla::Date(date::sys_days(date::days(day))));
        update_day_counts(start, start + 1);
    }
    return static_cast<std::int64_t>(minutes.size());
}

// The Import of a SqliteStore: one transaction, minutes derived in chunks.
class SqliteImport final : public Import {
public:
    explicit SqliteImport(SqliteStore& store)
        : store_(store), lock_(store.mutex_), tx_(init(store)), leaves_(store.evidence_.batch()) {
        store_.load_compact_marks();
    }

    ~SqliteImport() override {
        if (!committed_) {
            // Ids handed out inside the rolled-back transaction are gone.
            try {
                tx_.reset();
                store_.load_probe_ids();
            } catch (...) {
            }
        }
        try {
            store_.db_.exec("PRAGMA cache_size = -2000");
        } catch (...) {
        }
    }

    void add(std::span<const ProbeResult> results, std::vector<AppendStatus>& statuses,
             std::vector<ProbeResult>& stored) override {
        statuses.resize(results.size());
        stored.resize(results.size());
        if (results.size() > 1 && store_.insert_new_results(results, ids_, order_, leaves_) > 0) {
            std::fill(statuses.begin(), statuses.end(), AppendStatus::inserted);
            counts_.inserted += static_cast<std::int64_t>(results.size());
            for (const auto& r : results) pending_.push_back(sla::minute_of_ms(r.sample.sent_ms));
        } else {
            add_one_by_one(results, statuses, stored);
        }
        if (pending_.size() >= max_pending_minutes * 8) {
            // Collapse repeats first: sorted input touches few distinct minutes.
            std::sort(pending_.begin(), pending_.end());
            pending_.erase(std::unique(pending_.begin(), pending_.end()), pending_.end());
            if (pending_.size() >= max_pending_minutes) derive_pending();
        }
    }

    void add_one_by_one(std::span<const ProbeResult> results, std::vector<AppendStatus>& statuses,
                        std::vector<ProbeResult>& stored) {
        for (std::size_t i = 0; i < results.size(); ++i) {
            const auto status = store_.insert_result(results[i], stored[i], leaves_);
            statuses[i] = status;
            switch (status) {
                case AppendStatus::inserted:
                    ++counts_.inserted;
                    // R2: the minute in which it was sent.
                    pending_.push_back(sla::minute_of_ms(results[i].sample.sent_ms));
                    break;
                case AppendStatus::identical:
                    ++counts_.identical;
                    break;
                case AppendStatus::conflicting:
                    ++counts_.conflicting;
                    break;
                case AppendStatus::compacted:
                    ++counts_.compacted;
                    break;
            }
        }
    }

    std::int64_t derive_pending() override {
        const auto n = store_.derive_minute_set(pending_);
        pending_.clear();
        minutes_ += n;
        return n;
    }

    void commit() override {
        derive_pending();
        leaves_.commit();
        tx_->commit();
        committed_ = true;
    }

    const AppendCounts& counts() const override { return counts_; }
    std::int64_t minutes_derived() const override { return minutes_; }

private:
    static std::unique_ptr<sqlite::Transaction> init(SqliteStore& store) {
        store.require_writable();
        // A larger page cache for the bulk insert, still well inside the memory budget.
        store.db_.exec("PRAGMA cache_size = -16384");
        return std::make_unique<sqlite::Transaction>(store.db_);
    }

    SqliteStore& store_;
    std::unique_lock<std::recursive_mutex> lock_;
    std::unique_ptr<sqlite::Transaction> tx_;
    EvidenceLog::Batch leaves_;  // after tx_: read inside the transaction
    std::vector<sla::EpochMinute> pending_;
    std::vector<std::int64_t> ids_;  // scratch of insert_new_results
    std::vector<std::size_t> order_;
    AppendCounts counts_;
    std::int64_t minutes_ = 0;
    bool committed_ = false;
};

std::unique_ptr<Import> SqliteStore::begin_import() {
    return std::make_unique<SqliteImport>(*this);
}

}  // namespace slawatch::storage
