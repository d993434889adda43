// SPDX-License-Identifier: Apache-2.0
// R4: the outcome a stored result counts as (the attribution table and the
// config's [attribution] overrides), and failures per error code for reports.

#include "storage/layout.hpp"
#include "storage/schema.hpp"
#include "storage/sqlite_store.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <tuple>

namespace slawatch::storage {

sla::Outcome CountedOutcomes::operator()(sla::Outcome recorded,
                                         std::optional<std::int64_t> code_id) const {
    if (!code_id) return recorded;
    const auto it = by_code_.find(*code_id);
    if (it == by_code_.end()) return recorded;
    return sla::effective_outcome(recorded, it->second, overrides_);
}

CountedOutcomes SqliteStore::counted_outcomes() const {
    CountedOutcomes c;
    c.overrides_ = config_.attribution;
    auto& st = db_.cached("SELECT id, code FROM error_code");
    while (st.step()) c.by_code_[st.column_int(0)] = st.column_text(1);
    st.reset();
    return c;
}

std::vector<FailureCount> SqliteStore::failures_by_code(sla::EpochMinute from,
                                                        sla::EpochMinute to) const {
    std::lock_guard lock(mutex_);
    // The daemon's view: each minute's state from the stored minute rows.
    static const auto sql =
        fmt::format("SELECT {} FROM minute WHERE id = ?", layout::sql_minute_state("v"));
    auto& state = db_.cached(sql);
    return count_failures(from, to, [&](std::int64_t probe, sla::EpochMinute minute) {
        state.bind(1, layout::minute_key(probe, minute));
        auto s = state.step() ? static_cast<int>(state.column_int(0))
                              : static_cast<int>(sla::MinuteState::unknown);
        state.reset();
        return std::optional(s >= 0 && s < sla::minute_state_count
                                 ? static_cast<sla::MinuteState>(s)
                                 : sla::MinuteState::unknown);
    });
}

std::vector<FailureCount> SqliteStore::count_failures(
    sla::EpochMinute from, sla::EpochMinute to,
    const std::function<std::optional<sla::MinuteState>(std::int64_t, sla::EpochMinute)>& state_of)
    const {
    std::vector<FailureCount> out;
    if (from >= to) return out;
    const CountedOutcomes counted = counted_outcomes();
    std::unordered_map<std::int64_t, std::string> names;
    for (const auto& [name, id] : probe_ids_) names[id] = name;

    // One row per (probe, outcome, code, minute); the caller gives the minute's state.
    static const auto sql = fmt::format(
        "SELECT {probe}, outcome, error_code, {time} / 60000, count(*) FROM probe_result "
        "WHERE id >= ? AND id < ? AND outcome != 0 "
        "GROUP BY {probe}, outcome, error_code, {time} / 60000",
        fmt::arg("probe", layout::sql_result_probe("id")),
        fmt::arg("time", layout::sql_result_time_ms("id")));
    auto& st = db_.cached(sql);
    st.bind(1, from * 60'000 * layout::id_slots).bind(2, to * 60'000 * layout::id_slots);
    using Key = std::tuple<std::string, int, std::string>;  // probe, outcome, code
    std::map<Key, FailureCount> rows;
    while (st.step()) {
        const auto probe = st.column_int(0);
        const auto name = names.find(probe);
        const auto recorded = st.column_int(1);
        if (name == names.end() || recorded < 0 || recorded >= sla::outcome_count) continue;
        const auto state = state_of(probe, st.column_int(3));
        if (!state) continue;
        const std::optional<std::int64_t> code_id =
            st.is_null(2) ? std::nullopt : std::optional(st.column_int(2));
        const auto outcome = counted(static_cast<sla::Outcome>(recorded), code_id);
        if (outcome == sla::Outcome::ok) continue;
        std::string code = code_id ? counted.code_of(*code_id) : std::string();
        auto& row = rows[Key{name->second, static_cast<int>(outcome), code}];
        row.probe = name->second;
        row.outcome = outcome;
        row.error_code = std::move(code);
        row.failures += st.column_int(4);
        ++row.minutes;
        if (*state == sla::MinuteState::down) ++row.down_minutes;
        if (*state == sla::MinuteState::customer) ++row.customer_minutes;
    }
    st.reset();
    out.reserve(rows.size());
    for (auto& [key, row] : rows) out.push_back(std::move(row));
    // Most failures first; ties by probe, then code.
    std::stable_sort(out.begin(), out.end(), [](const FailureCount& a, const FailureCount& b) {
        return a.failures > b.failures;
    });
    return out;
}

}  // namespace slawatch::storage
