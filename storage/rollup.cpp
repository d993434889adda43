// SPDX-License-Identifier: Apache-2.0
// Rollup queries: state counts, Service Month figures and minute rows.

#include "storage/layout.hpp"
#include "storage/schema.hpp"
#include "storage/sqlite_store.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace slawatch::storage {
namespace {

std::int64_t day_number(sla::Date d) {
    return date::sys_days(d).time_since_epoch().count();
}

// Sparse minutes: a minute without a row is unknown, so the counts of a
// range always add up to its length.
sla::StateCounts with_absent_unknown(sla::StateCounts counts, std::int64_t minutes) {
    counts[sla::MinuteState::unknown] += std::max<std::int64_t>(0, minutes - counts.total());
    return counts;
}

}  // namespace

sla::StateCounts SqliteStore::count_states_locked(std::int64_t probe, sla::EpochMinute from,
                                                  sla::EpochMinute to) const {
    sla::StateCounts counts;
    if (from >= to) return counts;
    const auto& zone = config_.contract.terms.zone;

    // Whole local days inside [from, to) come from day_count, the ragged
    // edges from the minute table.
    auto first_day = zone.local_date(from);
    if (zone.start_of_day(first_day) < from) first_day = sla::add_days(first_day, 1);
    // The day `to` falls in is partial unless `to` is its first minute.
    auto end_day = zone.local_date(to);
    if (zone.start_of_day(end_day) > to) end_day = sla::add_days(end_day, -1);
    static const auto by_minute_sql =
        fmt::format("SELECT {0}, count(*) FROM minute WHERE id >= ? AND id < ? GROUP BY {0}",
                    layout::sql_minute_state("v"));
    auto& by_minute = db_.cached(by_minute_sql);
    auto count_minutes = [&](sla::EpochMinute a, sla::EpochMinute b) {
        if (a >= b) return;
        by_minute.bind(1, layout::minute_key(probe, a)).bind(2, layout::minute_key(probe, b));
        while (by_minute.step()) {
            const auto s = by_minute.column_int(0);
            if (s >= 0 && s < sla::minute_state_count)
                counts.by_state[s] += by_minute.column_int(1);
        }
        by_minute.reset();
    };
    if (day_number(first_day) >= day_number(end_day)) {
        count_minutes(from, to);
        return with_absent_unknown(counts, to - from);
    }
    count_minutes(from, zone.start_of_day(first_day));
    auto& by_day = db_.cached(
        "SELECT state, sum(minutes) FROM day_count WHERE probe = ? AND day >= ? AND day < ? "
        "GROUP BY state");
    by_day.bind(1, probe).bind(2, day_number(first_day)).bind(3, day_number(end_day));
    while (by_day.step()) {
        const auto s = by_day.column_int(0);
        if (s >= 0 && s < sla::minute_state_count) counts.by_state[s] += by_day.column_int(1);
    }
    by_day.reset();
    count_minutes(zone.start_of_day(end_day), to);
    return with_absent_unknown(counts, to - from);
}

sla::StateCounts SqliteStore::count_states(const std::string& probe, sla::EpochMinute from,
                                           sla::EpochMinute to) const {
    std::lock_guard lock(mutex_);
    const auto id = find_probe_id(probe);
    if (!id) return {};
    return count_states_locked(*id, from, to);
}

sla::MonthReport SqliteStore::month_report(const sla::ServiceMonth& month,
                                           sla::EpochMillis now) const {
    std::lock_guard lock(mutex_);
    return month_report_of(*this, config_, month, now);
}

std::vector<MinuteRow> SqliteStore::minutes(sla::EpochMinute from, sla::EpochMinute to,
                                            std::optional<std::string> probe) const {
    std::lock_guard lock(mutex_);
    // The service row and the configured probes have every minute (absent
    // rows are unknown); a removed probe shows only the rows it still has.
    auto listed = [&](const std::string& name) {
        return name == "service" || config_.find_probe(name) != nullptr;
    };
    std::vector<std::pair<std::string, std::optional<std::int64_t>>> wanted;
    if (probe) {
        const auto id = find_probe_id(*probe);
        if (id || listed(*probe)) wanted.emplace_back(*probe, id);
    } else {
        std::vector<std::pair<std::int64_t, std::string>> by_id;
        for (const auto& [name, id] : probe_ids_) by_id.emplace_back(id, name);
        std::sort(by_id.begin(), by_id.end());
        for (const auto& [id, name] : by_id) wanted.emplace_back(name, id);
        // Configured probes not yet in the probe table (read-only stores).
        for (const auto& p : config_.probes) {
            if (!find_probe_id(p.name)) wanted.emplace_back(p.name, std::nullopt);
        }
    }
    std::vector<MinuteRow> rows;
    static const auto sql = fmt::format(
        "SELECT id - ?1, {}, {}, {} FROM minute WHERE id >= ?1 + ?2 AND id < ?1 + ?3 ORDER BY id",
        layout::sql_minute_state("v"), layout::sql_minute_samples("v"),
        layout::sql_minute_failures("v"));
    auto& st = db_.cached(sql);
    for (const auto& want : wanted) {
        const auto& name = want.first;
        const auto& id = want.second;
        const bool fill = listed(name);
        auto next = from;  // the first minute not yet listed for this probe
        auto fill_to = [&](sla::EpochMinute end) {
            if (!fill) return;
            for (; next < end; ++next) {
                rows.push_back({next, name, sla::MinuteState::unknown, 0, 0});
            }
        };
        if (id) {
            st.bind(1, layout::minute_key(*id, 0)).bind(2, from).bind(3, to);
            while (st.step()) {
                const auto m = st.column_int(0);
                fill_to(m);
                const auto s = st.column_int(1);
                rows.push_back(
                    {m, name,
                     s >= 0 && s < sla::minute_state_count ? static_cast<sla::MinuteState>(s)
                                                           : sla::MinuteState::unknown,
                     static_cast<int>(st.column_int(2)), static_cast<int>(st.column_int(3))});
                next = m + 1;
            }
            st.reset();
        }
        fill_to(to);
    }
    // Ordered by minute, then probe (the service row first, then in id order).
    std::stable_sort(rows.begin(), rows.end(),
                     [](const MinuteRow& a, const MinuteRow& b) { return a.minute < b.minute; });
    return rows;
}

}  // namespace slawatch::storage
