// SPDX-License-Identifier: Apache-2.0
// Compaction: successful results older than their Service Month's claim
// deadline plus a margin become per-minute counts (`folded`), a UTC day per
// transaction; the evidence log keeps proving them (storage/evidence/fold.cpp).

#include "storage/compaction.hpp"

#include "sla/claim_window.hpp"
#include "storage/evidence/rows.hpp"
#include "storage/fold_counts.hpp"
#include "storage/layout.hpp"
#include "storage/schema.hpp"
#include "storage/sqlite_store.hpp"

#include <fmt/format.h>

#include <limits>

namespace slawatch::storage {
namespace {

constexpr sla::EpochMinute day_minutes = 1440;

sla::EpochMinute floor_day(sla::EpochMinute m) {
    return (m >= 0 ? m / day_minutes : -((-m + day_minutes - 1) / day_minutes)) * day_minutes;
}

sla::EpochMinute minute_of_id(std::int64_t id) {
    return sla::minute_of_ms(layout::result_time_ms(id));
}

}  // namespace

std::optional<sla::EpochMinute> compaction_cutoff(const sla::ContractTerms& terms, int margin_days,
                                                  sla::EpochMillis now) {
    const auto today = date::sys_days(terms.zone.local_date(sla::minute_of_ms(now)));
    std::optional<sla::EpochMinute> cutoff;
    for (const auto& m : terms.months()) {
        const auto deadline =
            sla::claim_window(m.last, terms.calendar, terms.claim_after_business_days,
                              terms.claim_within_days)
                .deadline;
        // The deadline day is still open; the margin counts after it.
        if (date::sys_days(deadline) + date::days(margin_days) >= today) break;
        cutoff = terms.zone.start_of_day(sla::add_days(m.last, 1));
    }
    return cutoff;
}

void SqliteStore::load_compact_marks() {
    compact_marks_.clear();
    auto& st = db_.cached("SELECT probe, until_minute FROM compact_mark");
    while (st.step()) compact_marks_[st.column_int(0)] = st.column_int(1);
    st.reset();
}

bool SqliteStore::is_compacted(std::int64_t result_id) const {
    if (compact_marks_.empty()) return false;
    const auto it = compact_marks_.find(layout::result_probe(result_id));
    return it != compact_marks_.end() && minute_of_id(result_id) < it->second;
}

void SqliteStore::add_folded_counts(sla::EpochMinute from, sla::EpochMinute to,
                                    const std::unordered_map<std::int64_t, std::size_t>& index_of,
                                    std::vector<sla::MinuteTally>& tallies) const {
    // A fold covers at most max_minutes: those starting that much before `from` may reach into it.
    auto& st = db_.cached(
        "SELECT probe, first_minute, minutes, counts FROM folded WHERE first_minute > ? AND "
        "first_minute < ?");
    st.bind(1, from - fold_counts::max_minutes).bind(2, to);
    const auto n = index_of.size();
    while (st.step()) {
        const auto it = index_of.find(st.column_int(0));
        if (it == index_of.end()) continue;  // a probe no longer configured
        const auto first = st.column_int(1);
        const auto counts = fold_counts::decode(st.column_blob(3), st.column_int(2));
        if (!counts) {
            st.reset();
            throw StoreError(
                fmt::format("the folded counts of probe {} from minute {} are "
                            "corrupt; run slawatch verify",
                            it->first, first));
        }
        for (std::size_t i = 0; i < counts->size(); ++i) {
            const auto m = first + static_cast<sla::EpochMinute>(i);
            if (m < from || m >= to || (*counts)[i] == 0) continue;
            // Successful results only add samples (MinuteTally::add).
            tallies[static_cast<std::size_t>(m - from) * n + it->second].samples += (*counts)[i];
        }
    }
    st.reset();
}

CompactionResult SqliteStore::compact_step(sla::EpochMillis now) {
    std::lock_guard lock(mutex_);
    require_writable();
    const auto free_before = db_.query_int("PRAGMA freelist_count");
    auto r = compact_step_locked(now);
    r.bytes_freed =
        (db_.query_int("PRAGMA freelist_count") - free_before) * db_.query_int("PRAGMA page_size");
    return r;
}

CompactionResult SqliteStore::compact_step_locked(sla::EpochMillis now) {
    CompactionResult r;
    if (!config_.storage.compact) return r;
    r.until = compaction_cutoff(config_.contract.terms, config_.storage.compact_margin_days, now);
    if (!r.until) return r;
    const auto cutoff = *r.until;
    sqlite::Transaction tx(db_);
    const auto mark = meta("compacted_until");
    // Before any compaction: from the first result ever stored.
    const sla::EpochMinute progress =
        mark ? std::int64_t{std::stoll(*mark)}
             : std::numeric_limits<std::int64_t>::min() / 60'000 / layout::id_slots;
    std::optional<sla::EpochMinute> first;
    if (const auto id =
            evidence_rows::first_id_from(db_, mark ? progress * 60'000 * layout::id_slots
                                                   : std::numeric_limits<std::int64_t>::min()))
        first = minute_of_id(*id);

    // The day to fold: from the first raw result not folded yet, up to the cutoff.
    sla::EpochMinute to = cutoff;
    if (first && *first < cutoff) {
        const auto from = std::max(progress, floor_day(*first));
        to = std::min(cutoff, floor_day(from) + day_minutes);
        const auto folded = evidence_.fold_ok_results(from * 60'000, to * 60'000);
        auto leaves = evidence_.batch();
        const auto names = evidence_rows::Names::load(db_);
        auto& ins = db_.cached(
            "INSERT INTO folded (probe, first_minute, minutes, counts) VALUES (?, ?, ?, ?)");
        for (const auto& [probe, minutes] : folded.counts) {
            std::vector<int> counts(static_cast<std::size_t>(to - from), 0);
            for (const auto& [m, c] : minutes) counts[static_cast<std::size_t>(m - from)] = c;
            const auto blob = fold_counts::encode(counts);
            ins.bind(1, probe).bind(2, from).bind(3, to - from).bind_blob(4, blob).run();
            const auto fold = db_.last_insert_rowid();
            // The counts are proven like any result: a fold leaf commits to them.
            leaves.add_fold(
                fold, evidence::encode_fold_leaf(names.probe(probe), from,
                                                 static_cast<std::uint32_t>(to - from), blob));
            r.minutes += static_cast<std::int64_t>(minutes.size());
            ++r.folds;
        }
        leaves.commit();
        r.results = folded.results;
        r.steps = 1;
    }
    // Every probe's mark moves on: a result sent before it is never stored again.
    if (to > progress) {
        db_.cached(
               "INSERT INTO compact_mark (probe, until_minute) SELECT id, ? FROM probe WHERE id > "
               "0 "
               "ON CONFLICT (probe) DO UPDATE SET until_minute = max(until_minute, "
               "excluded.until_minute)")
            .bind(1, to)
            .run();
        set_meta("compacted_until", std::to_string(to));
    }
    tx.commit();
    r.done = to >= cutoff;
    return r;
}

CompactionResult SqliteStore::compact(sla::EpochMillis now, bool dry_run) {
    std::lock_guard lock(mutex_);
    require_writable();
    const auto free_before = db_.query_int("PRAGMA freelist_count");
    CompactionResult total;
    auto run = [&] {
        for (;;) {
            const auto r = compact_step_locked(now);
            total.results += r.results;
            total.minutes += r.minutes;
            total.folds += r.folds;
            total.steps += r.steps;
            total.until = r.until;
            if (r.done) break;
        }
    };
    if (dry_run) {
        // Nested steps are savepoints of this transaction, which is never committed.
        sqlite::Transaction tx(db_);
        run();
    } else {
        run();
        total.bytes_freed = (db_.query_int("PRAGMA freelist_count") - free_before) *
                            db_.query_int("PRAGMA page_size");
    }
    load_compact_marks();
    return total;
}

}  // namespace slawatch::storage
