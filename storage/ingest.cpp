// Idempotent appends and bulk imports: a result is identified by its probe
// and send time (probe_result.id = time_ms * id_slots + probe id), so
// storing it again is a no-op and a different result under the same
// identity is a conflict.

#include "storage/schema.hpp"
#include "storage/sqlite_store.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace slawatch::storage {
namespace {

constexpr std::size_t max_request_id = 128;

std::optional<std::int64_t> positive(std::int32_t us) {
    return us >= 0 ? std::optional<std::int64_t>(us) : std::nullopt;
}

// The request id as it is stored: only failures keep one (it proves nothing
// a claim needs for a success), cut to max_request_id.
std::string_view stored_request_id(const sla::Sample& s) {
    if (s.outcome == sla::Outcome::ok) return {};
    return std::string_view(s.request_id).substr(0, max_request_id);
}

// Minutes pending derivation beyond this are derived before more are taken.
constexpr std::size_t max_pending_minutes = 1 << 14;

}  // namespace

AppendStatus SqliteStore::insert_result(const ProbeResult& r, ProbeResult& stored) {
    const auto& s = r.sample;
    const auto probe = probe_id(r.probe);
    constexpr auto max_ms = std::numeric_limits<std::int64_t>::max() / schema::id_slots - 1;
    if (s.sent_ms > max_ms || s.sent_ms < -max_ms) {
        throw StoreError(fmt::format("send time {} ms is out of range", s.sent_ms));
    }
    const std::int64_t id = s.sent_ms * schema::id_slots + probe;
    auto& insert = db_.cached(
        "INSERT OR IGNORE INTO probe_result (id, probe, outcome, http_status, error_code, "
        "request_id, dns_us, connect_us, tls_us, first_byte_us, total_us) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, id).bind(2, probe).bind(3, static_cast<int>(s.outcome));
    if (s.http_status != 0) insert.bind(4, s.http_status);
    if (!s.error_code.empty()) insert.bind(5, error_code_id(s.error_code));
    const auto request_id = stored_request_id(s);
    if (!request_id.empty()) insert.bind(6, request_id);
    insert.bind(7, positive(s.phases.dns_us))
        .bind(8, positive(s.phases.connect_us))
        .bind(9, positive(s.phases.tls_us))
        .bind(10, positive(s.phases.first_byte_us))
        .bind(11, positive(s.phases.total_us));
    insert.run();
    // Every newly stored result passes here once (daemon and replay alike).
    if (db_.changes() == 1) return AppendStatus::inserted;

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
                      stored.sample.request_id == request_id;
    return same ? AppendStatus::identical : AppendStatus::conflicting;
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
        ProbeResult stored;
        for (std::size_t i = 0; i < results.size(); ++i) {
            switch (insert_result(results[i], stored)) {
                case AppendStatus::inserted: ++counts.inserted; break;
                case AppendStatus::identical: ++counts.identical; break;
                case AppendStatus::conflicting:
                    ++counts.conflicting;
                    if (conflicts) conflicts->push_back({i, stored});
                    break;
            }
        }
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
        for (auto d = date::sys_days(zone.local_date(from)); d <= date::sys_days(zone.local_date(to - 1));
             d += date::days(1)) {
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
        : store_(store), lock_(store.mutex_), tx_(init(store)) {}

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
        for (std::size_t i = 0; i < results.size(); ++i) {
            const auto status = store_.insert_result(results[i], stored[i]);
            statuses[i] = status;
            switch (status) {
                case AppendStatus::inserted:
                    ++counts_.inserted;
                    // R2: the minute in which it was sent.
                    pending_.push_back(sla::minute_of_ms(results[i].sample.sent_ms));
                    break;
                case AppendStatus::identical: ++counts_.identical; break;
                case AppendStatus::conflicting: ++counts_.conflicting; break;
            }
        }
        if (pending_.size() >= max_pending_minutes * 8) {
            // Collapse repeats first: sorted input touches few distinct minutes.
            std::sort(pending_.begin(), pending_.end());
            pending_.erase(std::unique(pending_.begin(), pending_.end()), pending_.end());
            if (pending_.size() >= max_pending_minutes) derive_pending();
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
    std::vector<sla::EpochMinute> pending_;
    AppendCounts counts_;
    std::int64_t minutes_ = 0;
    bool committed_ = false;
};

std::unique_ptr<Import> SqliteStore::begin_import() {
    return std::make_unique<SqliteImport>(*this);
}

}  // namespace slawatch::storage
