// SPDX-License-Identifier: Apache-2.0
// Figures re-derived in memory from verified evidence (verified_figures.hpp).

#include "storage/verified_figures.hpp"

#include "storage/layout.hpp"
#include "storage/schema.hpp"
#include "storage/sqlite_store.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace slawatch::storage {
namespace {

// Minutes are derived a day at a time, as derive.cpp does.
constexpr sla::EpochMinute chunk_minutes = 1440;

std::string unverified_message(const std::string& db, const VerifyReport& r) {
    return fmt::format(
        "{}: its evidence does not verify ({} problem{}; run `slawatch verify --db {}`): {}; no "
        "figure is printed from it",
        db, r.problems.size(), r.problems.size() == 1 ? "" : "s", db, r.problems.front().message);
}

}  // namespace

const std::string& EvidenceStatus::key_fingerprint() const {
    static const std::string none;
    return signed_at ? signed_at->key_fpr : none;
}

std::unique_ptr<VerifiedFigures> SqliteStore::verified_figures(const FigureOptions& options) {
    std::lock_guard lock(mutex_);
    std::unordered_set<std::int64_t> dark;
    auto status = verified_status(options, dark);
    const auto [from, to] = figure_span(options);
    auto rows = figure_rows(options, status);
    MinuteTable table(from, to, rows.names);
    derive_in_memory(table, rows, dark);
    return std::make_unique<VerifiedFigures>(*this, config_, std::move(table), std::move(dark),
                                             std::move(status));
}

// The evidence verified in this snapshot (UnverifiedEvidence when it does
// not), and how much of it a signature covers; `dark` receives the probe
// minutes of an unsigned tail that does not count.
EvidenceStatus SqliteStore::verified_status(const FigureOptions& options,
                                            std::unordered_set<std::int64_t>& dark) const {
    EvidenceStatus status;
    status.verify = evidence_.verify();
    if (!status.verify.intact())
        throw UnverifiedEvidence(unverified_message(db_.name(), status.verify), status.verify);
    status.log_id = status.verify.log_id;

    // The newest signed checkpoint covers the most leaves: every one of them
    // was just checked against its root, and its signature against its key.
    for (auto& c : evidence_.checkpoints(std::numeric_limits<sla::EpochMillis>::min(),
                                         std::numeric_limits<sla::EpochMillis>::max())) {
        if (c.signature.empty()) continue;
        if (!status.signed_at || c.tree_size > status.signed_at->tree_size ||
            (c.tree_size == status.signed_at->tree_size && c.id > status.signed_at->id))
            status.signed_at = std::move(c);
    }
    status.signed_leaves = status.signed_at ? status.signed_at->tree_size : 0;
    status.unsigned_tail =
        status.verify.tree_size - std::min(status.verify.tree_size, status.signed_leaves);
    status.tail_counted = !status.signed_at || !options.exclude_unsigned_tail;
    if (!status.tail_counted && status.unsigned_tail > 0)
        evidence_.minutes_of_leaves(status.signed_leaves, dark);
    status.dark_minutes = static_cast<std::int64_t>(dark.size());
    return status;
}

// The span: the contract's term, up to the minutes that have ended (and
// that the daemon, when one writes here, has finalized: later ones may
// still be missing results in flight).
std::pair<sla::EpochMinute, sla::EpochMinute> SqliteStore::figure_span(
    const FigureOptions& options) const {
    const auto& terms = config_.contract.terms;
    const auto term_from = terms.zone.start_of_day(terms.start);
    auto to = std::min(terms.zone.start_of_day(sla::add_days(terms.end, 1)),
                       sla::minute_of_ms(options.now));
    if (const auto f = finalized_until()) to = std::min(to, *f);
    auto from = term_from;
    {
        // Nothing to derive before the first result or fold.
        auto& first = db_.cached(
            "SELECT min(m) FROM (SELECT min(id) / 61440000 - 1 AS m FROM probe_result "
            "UNION ALL SELECT min(first_minute) FROM folded)");
        if (first.step() && !first.is_null(0)) from = std::max(from, first.column_int(0));
        first.reset();
    }
    from = std::min(from, std::max(term_from, to));
    return {from, to};
}

// The rows of the table (the service row, then the configured probes, or
// only those recorded here), and into `status` the probes with evidence here
// that the config does not name.
SqliteStore::FigureRows SqliteStore::figure_rows(const FigureOptions& options,
                                                 EvidenceStatus& status) const {
    FigureRows rows;
    rows.names.push_back("service");
    for (const auto& p : config_.probes) {
        const auto id = find_probe_id(p.name);
        if (options.recorded_probes_only && !id) continue;
        rows.names.push_back(p.name);
        rows.ids.push_back(id);
        rows.roles.push_back(p.role);
    }
    for (const auto& [name, id] : probe_ids_) {
        if (name == "service" || config_.find_probe(name)) continue;
        static const auto any_sql = fmt::format(
            "SELECT EXISTS (SELECT 1 FROM probe_result WHERE {} = ?1) OR EXISTS "
            "(SELECT 1 FROM folded WHERE probe = ?1)",
            layout::sql_result_probe("id"));
        auto& any = db_.cached(any_sql);
        any.bind(1, id);
        if (any.step() && any.column_int(0)) status.unlisted_probes.push_back(name);
        any.reset();
    }
    std::sort(status.unlisted_probes.begin(), status.unlisted_probes.end());
    return rows;
}

// Every minute of the table derived in memory, a day at a time, from the
// verified results and folded counts alone (the minutes in `dark` empty).
void SqliteStore::derive_in_memory(MinuteTable& table, const FigureRows& rows,
                                   const std::unordered_set<std::int64_t>& dark) const {
    const auto windows = all_windows();
    const auto n = static_cast<std::int64_t>(rows.roles.size());
    std::vector<sla::MinuteState> probe_states;
    std::vector<sla::MinuteState> service_rows;
    for (auto start = table.from(); start < table.to(); start += chunk_minutes) {
        const auto end = std::min(table.to(), start + chunk_minutes);
        const auto tallies = tally_chunk(start, end, rows.ids, &dark);
        classify_chunk(start, end, rows.roles, tallies, windows, probe_states, service_rows);
        for (std::int64_t m = 0; m < end - start; ++m) {
            const auto [samples, failures] = service_samples(rows.roles, tallies, m);
            table.set(0, start + m, service_rows[static_cast<std::size_t>(m)], samples, failures);
            for (std::int64_t i = 0; i < n; ++i) {
                const auto k = static_cast<std::size_t>(m * n + i);
                table.set(static_cast<std::size_t>(i + 1), start + m, probe_states[k],
                          tallies[k].samples, tallies[k].failures);
            }
        }
    }
}

VerifiedFigures::VerifiedFigures(const SqliteStore& store, const config::Config& config,
                                 MinuteTable table, std::unordered_set<std::int64_t> dark,
                                 EvidenceStatus status)
    : store_(store),
      config_(config),
      table_(std::move(table)),
      dark_(std::move(dark)),
      status_(std::move(status)) {}

bool VerifiedFigures::dark(const std::string& probe, sla::EpochMinute minute) const {
    if (dark_.empty()) return false;
    const auto id = store_.find_probe_id(probe);
    return id && dark_.count(layout::minute_key(*id, minute));
}

sla::MonthReport VerifiedFigures::month_report(const sla::ServiceMonth& month,
                                               sla::EpochMillis now) const {
    return month_report_of(*this, config_, month, now);
}

sla::StateCounts VerifiedFigures::count_states(const std::string& probe, sla::EpochMinute from,
                                               sla::EpochMinute to) const {
    const auto row = table_.row_of(probe);
    if (!row) return {};
    return table_.count(*row, from, to);
}

std::vector<MinuteRow> VerifiedFigures::minutes(sla::EpochMinute from, sla::EpochMinute to,
                                                std::optional<std::string> probe) const {
    std::vector<std::size_t> wanted;
    if (probe) {
        if (const auto row = table_.row_of(*probe)) wanted.push_back(*row);
    } else {
        for (std::size_t i = 0; i < table_.rows().size(); ++i) wanted.push_back(i);
    }
    std::vector<MinuteRow> out;
    if (from >= to) return out;
    out.reserve(static_cast<std::size_t>(to - from) * wanted.size());
    // Ordered by minute, then the service row first and the probes in config order.
    for (auto m = from; m < to; ++m) {
        for (const auto row : wanted) {
            const auto cell = table_.at(row, m);
            out.push_back({m, table_.rows()[row], cell.state, cell.samples, cell.failures});
        }
    }
    return out;
}

std::vector<FailureCount> VerifiedFigures::failures_by_code(sla::EpochMinute from,
                                                            sla::EpochMinute to) const {
    std::lock_guard lock(store_.mutex_);
    std::unordered_map<std::int64_t, std::size_t> row_of_id;
    for (const auto& p : config_.probes)
        if (const auto id = store_.find_probe_id(p.name)) row_of_id[*id] = *table_.row_of(p.name);
    // Each minute's state from the verified table, never from the stored
    // minute rows; probes not derived and minutes of the unsigned tail are left out.
    return store_.count_failures(
        from, to,
        [&](std::int64_t probe, sla::EpochMinute minute) -> std::optional<sla::MinuteState> {
            const auto row = row_of_id.find(probe);
            if (row == row_of_id.end()) return std::nullopt;
            if (!dark_.empty() && dark_.count(layout::minute_key(probe, minute)))
                return std::nullopt;
            return table_.at(row->second, minute).state;
        });
}

std::vector<ProbeResult> VerifiedFigures::results(sla::EpochMillis from,
                                                  sla::EpochMillis to) const {
    auto out = store_.results(from, to);
    if (!dark_.empty())
        std::erase_if(out, [&](const ProbeResult& r) {
            return dark(r.probe, sla::minute_of_ms(r.sample.sent_ms));
        });
    return out;
}

}  // namespace slawatch::storage
