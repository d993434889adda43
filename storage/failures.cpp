// SPDX-License-Identifier: Apache-2.0
// R4: the outcome a stored result counts as (the attribution table and the
// config's [attribution] overrides), and failures per error code for reports.

#include "storage/schema.hpp"
#include "storage/sqlite_store.hpp"

#include <algorithm>
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
    std::vector<FailureCount> out;
    if (from >= to) return out;
    const CountedOutcomes counted = counted_outcomes();
    std::unordered_map<std::int64_t, std::string> names;
    for (const auto& [name, id] : probe_ids_) names[id] = name;

    // One row per (probe, outcome, code, minute), with that minute's state.
    auto& st = db_.cached(
        "SELECT r.id & 1023, r.outcome, r.error_code, r.id >> 10 AS ms, count(*), m.v & 7 "
        "FROM probe_result r LEFT JOIN minute m "
        "ON m.id = ((r.id & 1023) << 32) + (r.id >> 10) / 60000 "
        "WHERE r.id >= ? AND r.id < ? AND r.outcome != 0 "
        "GROUP BY r.id & 1023, r.outcome, r.error_code, (r.id >> 10) / 60000");
    st.bind(1, from * 60'000 * schema::id_slots).bind(2, to * 60'000 * schema::id_slots);
    using Key = std::tuple<std::string, int, std::string>;  // probe, outcome, code
    std::map<Key, FailureCount> rows;
    while (st.step()) {
        const auto name = names.find(st.column_int(0));
        const auto recorded = st.column_int(1);
        if (name == names.end() || recorded < 0 || recorded >= sla::outcome_count) continue;
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
        if (!st.is_null(5)) {
            const auto state = st.column_int(5);
            if (state == static_cast<int>(sla::MinuteState::down)) ++row.down_minutes;
            if (state == static_cast<int>(sla::MinuteState::customer)) ++row.customer_minutes;
        }
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
