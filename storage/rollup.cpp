// SPDX-License-Identifier: Apache-2.0
// Rollup queries: state counts, Service Month figures and minute rows.

#include "storage/sqlite_store.hpp"

#include <algorithm>

namespace slawatch::storage {
namespace {

std::int64_t day_number(sla::Date d) { return date::sys_days(d).time_since_epoch().count(); }

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
    auto& by_minute = db_.cached(
        "SELECT v & 7, count(*) FROM minute WHERE probe = ? AND minute >= ? AND minute < ? "
        "GROUP BY v & 7");
    auto count_minutes = [&](sla::EpochMinute a, sla::EpochMinute b) {
        if (a >= b) return;
        by_minute.bind(1, probe).bind(2, a).bind(3, b);
        while (by_minute.step()) {
            const auto s = by_minute.column_int(0);
            if (s >= 0 && s < sla::minute_state_count) counts.by_state[s] += by_minute.column_int(1);
        }
        by_minute.reset();
    };
    if (day_number(first_day) >= day_number(end_day)) {
        count_minutes(from, to);
        return counts;
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
    return counts;
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
    const auto& terms = config_.contract.terms;
    const auto start = terms.zone.start_of_day(month.first);
    const auto end = terms.zone.start_of_day(sla::add_days(month.last, 1));
    const auto now_minute = sla::minute_of_ms(now);

    // Rows at or after `now` (replayed future data) are not counted yet.
    const auto counted_end = std::clamp(now_minute, start, end);
    const auto elapsed = now_minute >= end
                             ? month.total_minutes()
                             : std::clamp<std::int64_t>(now_minute - start, 0, month.total_minutes());

    auto service = count_states_locked(0, start, counted_end);
    // A DST month can hold more UTC minutes than days x 1440 (R7); never
    // count more rows than elapsed minutes.
    for (auto excess = service.total() - elapsed; excess > 0;) {
        auto& unknown = service[sla::MinuteState::unknown];
        const auto take = std::min(excess, unknown);
        unknown -= take;
        excess -= take;
        if (take == 0) break;
    }
    auto report = sla::make_month_report(terms, month, service, elapsed);
    for (const auto& p : config_.probes) {
        sla::ProbeFigures figures{p.name, {}};
        if (const auto id = find_probe_id(p.name)) {
            figures.counts = count_states_locked(*id, start, counted_end);
        }
        report.probes.push_back(std::move(figures));
    }
    return report;
}

std::vector<MinuteRow> SqliteStore::minutes(sla::EpochMinute from, sla::EpochMinute to,
                                            std::optional<std::string> probe) const {
    std::lock_guard lock(mutex_);
    std::vector<std::pair<std::string, std::int64_t>> wanted;
    if (probe) {
        if (const auto id = find_probe_id(*probe)) wanted.emplace_back(*probe, *id);
    } else {
        wanted.assign(probe_ids_.begin(), probe_ids_.end());
        std::sort(wanted.begin(), wanted.end(),
                  [](const auto& a, const auto& b) { return a.second < b.second; });
    }
    std::vector<MinuteRow> rows;
    auto& st = db_.cached(
        "SELECT minute, v & 7, (v >> 3) & 1023, v >> 13 FROM minute WHERE probe = ? "
        "AND minute >= ? AND minute < ? ORDER BY minute");
    for (const auto& [name, id] : wanted) {
        st.bind(1, id).bind(2, from).bind(3, to);
        while (st.step()) {
            const auto s = st.column_int(1);
            rows.push_back({st.column_int(0), name,
                            s >= 0 && s < sla::minute_state_count ? static_cast<sla::MinuteState>(s)
                                                                  : sla::MinuteState::unknown,
                            static_cast<int>(st.column_int(2)), static_cast<int>(st.column_int(3))});
        }
        st.reset();
    }
    // Ordered by minute, then probe (the service row first, then in id order).
    std::stable_sort(rows.begin(), rows.end(),
                     [](const MinuteRow& a, const MinuteRow& b) { return a.minute < b.minute; });
    return rows;
}

}  // namespace slawatch::storage
