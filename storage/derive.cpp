// SPDX-License-Identifier: Apache-2.0
// R2-R5: minute derivation - a pure function of the stored results, the
// maintenance windows (config and database) and the config.

#include "sla/classifier.hpp"
#include "sla/maintenance.hpp"
#include "storage/layout.hpp"
#include "storage/minute_table.hpp"
#include "storage/schema.hpp"
#include "storage/sqlite_store.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace slawatch::storage {
namespace {

// Days are derived one at a time so that re-deriving a year stays small in memory.
constexpr sla::EpochMinute chunk_minutes = 1440;

std::uint64_t fnv1a(std::string_view text) {
    std::uint64_t h = 14695981039346656037ull;
    for (unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

}  // namespace

std::vector<sla::MaintenanceWindow> SqliteStore::all_windows() const {
    // Config windows are merged with the ones added with the CLI.
    std::vector<sla::MaintenanceWindow> windows = config_.maintenance;
    auto& st = db_.cached("SELECT start_s, end_s, announced_s, reason FROM maintenance");
    while (st.step()) {
        windows.push_back(
            {st.column_int(0), st.column_int(1), st.column_int(2), st.column_text(3)});
    }
    st.reset();
    return windows;
}

void SqliteStore::derive_minutes(sla::EpochMinute from, sla::EpochMinute to) {
    std::lock_guard lock(mutex_);
    require_writable();
    sqlite::Transaction tx(db_);
    derive_locked(from, to);
    tx.commit();
}

void SqliteStore::derive_locked(sla::EpochMinute from, sla::EpochMinute to) {
    // Minutes whose raw results were deleted by retention keep their rows.
    from = std::max(from, raw_floor());
    if (from >= to) return;
    const auto windows = all_windows();
    for (auto start = from; start < to; start += chunk_minutes) {
        derive_chunk(start, std::min(to, start + chunk_minutes), windows);
    }
    update_day_counts(from, to);
}

std::vector<sla::MinuteTally> SqliteStore::tally_chunk(
    sla::EpochMinute from, sla::EpochMinute to, const std::vector<std::optional<std::int64_t>>& ids,
    const std::unordered_set<std::int64_t>* dark) const {
    const auto n = static_cast<std::int64_t>(ids.size());
    // Probe database ids -> index into the configured probes.
    std::unordered_map<std::int64_t, std::size_t> index_of;
    for (std::size_t i = 0; i < ids.size(); ++i)
        if (ids[i]) index_of[*ids[i]] = i;

    // R2: every result counts in the minute in which it was sent.
    std::vector<sla::MinuteTally> tallies(static_cast<std::size_t>(n * (to - from)));
    const CountedOutcomes counted = counted_outcomes();  // R4: [attribution]
    auto& sel =
        db_.cached("SELECT id, outcome, error_code FROM probe_result WHERE id >= ? AND id < ?");
    sel.bind(1, from * 60'000 * layout::id_slots).bind(2, to * 60'000 * layout::id_slots);
    while (sel.step()) {
        const auto id = sel.column_int(0);
        const auto it = index_of.find(layout::result_probe(id));
        if (it == index_of.end()) continue;  // a probe no longer configured
        const auto ms = layout::result_time_ms(id);
        const auto offset = sla::minute_of_ms(ms) - from;
        const auto outcome = sel.column_int(1);
        if (outcome < 0 || outcome >= sla::outcome_count) continue;
        tallies[static_cast<std::size_t>(offset * n) + it->second].add(
            counted(static_cast<sla::Outcome>(outcome),
                    sel.is_null(2) ? std::nullopt : std::optional(sel.column_int(2))));
    }
    sel.reset();
    // Compacted successful results count as the samples they were.
    add_folded_counts(from, to, index_of, tallies);
    // Probe minutes the caller may not count have no samples at all (R3).
    if (dark && !dark->empty()) {
        for (std::size_t i = 0; i < ids.size(); ++i) {
            if (!ids[i]) continue;
            for (auto m = from; m < to; ++m)
                if (dark->count(layout::minute_key(*ids[i], m)))
                    tallies[static_cast<std::size_t>((m - from) * n) + i] = {};
        }
    }
    return tallies;
}

void SqliteStore::classify_chunk(sla::EpochMinute from, sla::EpochMinute to,
                                 std::span<const config::ProbeRole> roles,
                                 const std::vector<sla::MinuteTally>& tallies,
                                 const std::vector<sla::MaintenanceWindow>& windows,
                                 std::vector<sla::MinuteState>& probe_states,
                                 std::vector<sla::MinuteState>& service_rows) const {
    const auto n = static_cast<std::int64_t>(roles.size());
    const auto len = to - from;
    const int min_samples = config_.monitor.min_samples;
    std::vector<sla::MinuteState> states(roles.size());
    std::vector<sla::MinuteState> controls;
    std::vector<sla::MinuteState> services;
    service_rows.assign(static_cast<std::size_t>(len), sla::MinuteState::unknown);
    probe_states.assign(static_cast<std::size_t>(n * len), sla::MinuteState::unknown);
    for (std::int64_t m = 0; m < len; ++m) {
        const auto* tally = &tallies[static_cast<std::size_t>(m * n)];
        controls.clear();
        for (std::size_t i = 0; i < roles.size(); ++i) {
            if (roles[i] == config::ProbeRole::control) {
                states[i] = sla::classify_control(tally[i], min_samples);
                controls.push_back(states[i]);
            }
        }
        // R4: checked in order - announced maintenance, local network, customer.
        const bool maintenance = sla::any_excuses(windows, from + m);
        const bool local_down = sla::local_network_down(controls);
        services.clear();
        for (std::size_t i = 0; i < roles.size(); ++i) {
            if (roles[i] == config::ProbeRole::service) {
                states[i] = sla::classify_service(tally[i], min_samples, maintenance, local_down);
                services.push_back(states[i]);
            }
        }
        // R5: any / all functions down.
        service_rows[static_cast<std::size_t>(m)] =
            sla::service_state(services, config_.monitor.policy);
        std::copy(states.begin(), states.end(),
                  probe_states.begin() + static_cast<std::ptrdiff_t>(m * n));
    }
}

void SqliteStore::derive_chunk(sla::EpochMinute from, sla::EpochMinute to,
                               const std::vector<sla::MaintenanceWindow>& windows) {
    const auto& probes = config_.probes;
    const auto n = static_cast<std::int64_t>(probes.size());
    const auto len = to - from;
    std::vector<std::optional<std::int64_t>> ids(probes.size());
    std::vector<config::ProbeRole> roles(probes.size());
    for (std::size_t i = 0; i < probes.size(); ++i) {
        ids[i] = probe_id(probes[i].name);
        roles[i] = probes[i].role;
    }

    const auto tallies = tally_chunk(from, to, ids, nullptr);
    std::vector<sla::MinuteState> probe_states;
    std::vector<sla::MinuteState> service_rows;
    classify_chunk(from, to, roles, tallies, windows, probe_states, service_rows);

    // Replace every row of the range, including those of removed probes.
    auto& del = db_.cached("DELETE FROM minute WHERE id >= ? AND id < ?");
    for (const auto& [name, id] : probe_ids_) {
        del.bind(1, layout::minute_key(id, from)).bind(2, layout::minute_key(id, to)).run();
    }

    // Written probe by probe, in key order: pages fill sequentially. Sparse:
    // a minute without samples is unknown (R3) whatever the config, so it
    // gets no row and a gap of months costs nothing.
    auto& ins = db_.cached("INSERT INTO minute (id, v) VALUES (?, ?)");
    auto write = [&](std::int64_t probe, sla::EpochMinute m, sla::MinuteState state,
                     std::int64_t samples, std::int64_t failures) {
        if (samples == 0 && state == sla::MinuteState::unknown) return;
        ins.bind(1, layout::minute_key(probe, m))
            .bind(2, layout::minute_v(state, samples, failures))
            .run();
    };
    for (std::size_t i = 0; i < probes.size(); ++i) {
        for (std::int64_t m = 0; m < len; ++m) {
            const auto k = static_cast<std::size_t>(m * n) + i;
            const auto& t = tallies[k];
            write(*ids[i], from + m, probe_states[k], t.samples, t.failures);
        }
    }
    for (std::int64_t m = 0; m < len; ++m) {
        const auto [samples, failures] = service_samples(roles, tallies, m);
        write(0, from + m, service_rows[static_cast<std::size_t>(m)], samples, failures);
    }
}

std::pair<std::int64_t, std::int64_t> SqliteStore::service_samples(
    std::span<const config::ProbeRole> roles, const std::vector<sla::MinuteTally>& tallies,
    std::int64_t offset) {
    // The service row's samples and failures sum those of the service probes.
    std::int64_t samples = 0;
    std::int64_t failures = 0;
    for (std::size_t i = 0; i < roles.size(); ++i) {
        if (roles[i] != config::ProbeRole::service) continue;
        const auto& t = tallies[static_cast<std::size_t>(offset) * roles.size() + i];
        samples += t.samples;
        failures += t.failures;
    }
    return {samples, failures};
}

void SqliteStore::update_day_counts(sla::EpochMinute from, sla::EpochMinute to) {
    const auto& zone = config_.contract.terms.zone;
    const auto first = zone.local_date(from);
    const auto last = zone.local_date(to - 1);
    auto& del = db_.cached("DELETE FROM day_count WHERE probe = ? AND day = ?");
    static const auto ins_sql = fmt::format(
        "INSERT INTO day_count (probe, day, state, minutes) SELECT ?, ?, {0}, count(*) "
        "FROM minute WHERE id >= ? AND id < ? GROUP BY {0}",
        layout::sql_minute_state("v"));
    auto& ins = db_.cached(ins_sql);
    for (auto d = date::sys_days(first); d <= date::sys_days(last); d += date::days(1)) {
        const auto day = d.time_since_epoch().count();
        const auto start = zone.start_of_day(sla::Date(d));
        const auto end = zone.start_of_day(sla::Date(d + date::days(1)));
        for (const auto& [name, id] : probe_ids_) {
            del.bind(1, id).bind(2, day).run();
            ins.bind(1, id)
                .bind(2, day)
                .bind(3, layout::minute_key(id, start))
                .bind(4, layout::minute_key(id, end))
                .run();
        }
    }
}

void SqliteStore::rederive_derived(sla::EpochMinute from, sla::EpochMinute to) {
    // Only minutes already derived: a window in the future creates no rows.
    const auto range = derived_range_locked();
    if (!range) return;
    derive_locked(std::max(from, range->first), std::min(to, range->second + 1));
}

std::string SqliteStore::config_fingerprint() const {
    // Everything classification and the rollup depend on besides the stored
    // data; one function, so that a new input is added in one place. Not in
    // it: probes_per_minute, timeouts and targets (they change what is
    // recorded, not how a recorded minute is classified) and the database's
    // maintenance windows (add/remove re-derive what they cover).
    const auto& terms = config_.contract.terms;
    std::string text =
        fmt::format("v2;min_samples={};policy={};zone={};term={}..{}", config_.monitor.min_samples,
                    static_cast<int>(config_.monitor.policy), terms.zone.name(),
                    sla::format_date(terms.start), sla::format_date(terms.end));
    for (const auto& p : config_.probes) {
        text += fmt::format(";probe={}:{}", p.name, static_cast<int>(p.role));
    }
    for (const auto& w : config_.maintenance) {
        text += fmt::format(";maintenance={}:{}:{}", w.start, w.end, w.announced);
    }
    // R4: the attribution table and its overrides decide which failures are the customer's.
    for (const auto& r : sla::code_rules()) {
        text += fmt::format(";rule={}:{}", r.code, static_cast<int>(r.outcome));
    }
    for (const auto& o : config_.attribution) {
        text += fmt::format(";attribution={}:{}", o.code, static_cast<int>(o.to));
    }
    return fmt::format("{:016x}", fnv1a(text));
}

bool SqliteStore::derived_under_config() const {
    std::lock_guard lock(mutex_);
    if (meta("config_fingerprint") == config_fingerprint()) return true;
    // With no minute row stored every minute is unknown under any config.
    return !derived_range_locked();
}

bool SqliteStore::reconcile_config() {
    std::lock_guard lock(mutex_);
    require_writable();
    if (meta("config_fingerprint") == config_fingerprint()) return false;
    // One transaction: the steps are savepoints inside it.
    sqlite::Transaction tx(db_);
    reconcile_.reset();
    const bool rederived = derived_range_locked().has_value();
    try {
        while (!reconcile_config_step(std::numeric_limits<sla::EpochMinute>::max() / 2)) {
        }
        tx.commit();
    } catch (...) {
        reconcile_.reset();
        throw;
    }
    return rederived;
}

bool SqliteStore::reconcile_config_step(sla::EpochMinute max_minutes) {
    std::lock_guard lock(mutex_);
    require_writable();
    max_minutes = std::max<sla::EpochMinute>(1, max_minutes);
    const auto fingerprint = config_fingerprint();
    if (!reconcile_ || reconcile_->fingerprint != fingerprint) {
        // Started (or a newer config came meanwhile): plan from the beginning.
        reconcile_.reset();
        if (meta("config_fingerprint") == fingerprint) return true;
        Reconcile r;
        r.fingerprint = fingerprint;
        // Rows stored under an unknown config (no fingerprint) are re-derived too.
        if (const auto range = derived_range_locked()) {
            // A zone change moves the local days of the whole rollup, including
            // days whose raw results retention already deleted.
            if (config_.contract.terms.zone.name() != meta("zone").value_or("")) {
                r.zone_changed = true;
                r.zone_next = range->first;
                r.zone_end = range->second + 1;
            }
            // A minute whose only results are of a probe not configured when it
            // was derived has no row; that probe may be configured now, so the
            // raw results' range counts too (up to the last finalized minute).
            auto first = range->first;
            auto last = range->second;
            auto& raw = db_.cached("SELECT min(id), max(id) FROM probe_result");
            if (raw.step() && !raw.is_null(0)) {
                const auto minute_of_id = [](std::int64_t id) {
                    return sla::minute_of_ms(layout::result_time_ms(id));
                };
                first = std::min(first, minute_of_id(raw.column_int(0)));
                auto raw_last = minute_of_id(raw.column_int(1));
                if (const auto f = meta("finalized_until")) {
                    raw_last = std::min<sla::EpochMinute>(raw_last, std::stoll(*f) - 1);
                }
                last = std::max(last, raw_last);
            }
            raw.reset();
            r.next = first;
            r.end = last + 1;
        }
        reconcile_ = r;
    }
    try {
        return reconcile_step_locked(fingerprint, max_minutes);
    } catch (...) {
        // Not committed: the plan starts over on the next call.
        reconcile_.reset();
        throw;
    }
}

bool SqliteStore::reconcile_step_locked(const std::string& fingerprint,
                                        sla::EpochMinute max_minutes) {
    auto& r = *reconcile_;
    sqlite::Transaction tx(db_);
    if (r.zone_changed) {
        if (!r.zone_started) {
            db_.exec("DELETE FROM day_count");
            r.zone_started = true;
        }
        const auto to = std::min(r.zone_end, r.zone_next + max_minutes);
        update_day_counts(r.zone_next, to);
        r.zone_next = to;
        if (r.zone_next >= r.zone_end) r.zone_changed = false;
    } else if (r.next < r.end) {
        const auto to = std::min(r.end, r.next + max_minutes);
        derive_locked(r.next, to);
        r.next = to;
    }
    const bool done = !r.zone_changed && r.next >= r.end;
    if (done) {
        set_meta("config_fingerprint", fingerprint);
        set_meta("zone", config_.contract.terms.zone.name());
    }
    tx.commit();
    if (done) reconcile_.reset();
    return done;
}

}  // namespace slawatch::storage
