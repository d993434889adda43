// SPDX-License-Identifier: Apache-2.0
// Quorum benchmark: three vantage points' databases of DAYS days of 4 probes
// at 6 runs a minute, built through the store API like bench_storage (and
// cached: a database already built with the same days is reused). Times,
// separately, what `slawatch quorum` does: verifying each input's evidence
// log, and combining one Service Month (the last, whose 12-month cap looks
// at every earlier month) at K = 2. With `compact`, each database is first
// copied and compacted as the daemon would a year later (every month past its
// claim deadline), so the same figures show what compaction saves `quorum`.
//
//   bench_quorum [DAYS=365] [DIR=/tmp/bench_quorum] [compact]

#include "bench/support/bench_support.hpp"
#include "cli/quorum/quorum_month.hpp"
#include "storage/evidence/log.hpp"
#include "storage/read_budget.hpp"
#include "storage/sqlite.hpp"
#include "storage/store.hpp"
#include "storage/verified_figures.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

using namespace slawatch;
using bench::clk;
using bench::cpu_seconds;
using bench::seconds_since;

namespace {

const std::vector<std::string> vantages{"sh-idc", "bj-cloud", "gz-office"};

// The benchmarks' contract, with the IDs a claim names, at vantage point `vantage`.
config::Config make_config(const std::string& vantage) {
    auto c = bench::bench_config(vantage);
    c.contract.user_id = "100000000001";
    c.contract.order_id = "20260101000001";
    return c;
}

// One vantage point's year: 1 % of runs fail at random-looking places; its
// own 2-minute outage each day (its network or its luck), and a 3-minute
// outage every 7th day that every vantage point sees.
bool run_fails(int v, int d, int m, int s) {
    if ((m * 7 + s + d + v * 13) % 100 == 0) return true;
    const int own = (d * 37 + v * 101) % 1430;
    if (m >= own && m < own + 2) return true;
    return d % 7 == 0 && m >= 600 && m < 603;
}

void build(const std::filesystem::path& path, int v, int days) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
    const auto config = make_config(vantages[static_cast<std::size_t>(v)]);
    auto store = storage::Store::open(config, path, storage::OpenMode::read_write);
    const auto& zone = config.contract.terms.zone;
    const sla::EpochMinute first = zone.start_of_day(config.contract.terms.start);
    std::vector<storage::ProbeResult> batch;
    std::int64_t rows = 0;
    for (int d = 0; d < days; ++d) {
        batch.clear();
        const auto day_start = first + d * 1440LL;
        for (int m = 0; m < 1440; ++m)
            for (int s = 0; s < 6; ++s)
                for (const auto& p : config.probes) {
                    // The daily outages hit update_check only, every run of the minute.
                    const bool fail = run_fails(v, d, m, s) &&
                                      (p.name == "update_check" || (m * 7 + s + d) % 100 == 0);
                    storage::ProbeResult r;
                    r.probe = p.name;
                    r.sample.sent_ms = (day_start + m) * 60'000 + s * 10'000 + 37 + v;
                    r.sample.outcome = fail ? sla::Outcome::http_5xx : sla::Outcome::ok;
                    r.sample.http_status = fail ? 503 : 200;
                    r.sample.error_code = fail ? "InternalError" : "";
                    r.sample.request_id = "3f1c9a2e-5b7d-4e21-9a0c-" + std::to_string(rows++);
                    r.sample.phases = {1200, 2500, 9000, 41000, 43000 + s * 100};
                    batch.push_back(std::move(r));
                }
        store->append(batch);
        store->derive_minutes(day_start, day_start + 1440);
    }
    store->evidence().checkpoint((first + days * 1440LL) * 60'000, nullptr);
}

}  // namespace

int main(int argc, char** argv) {
    const int days = argc > 1 ? std::stoi(argv[1]) : 365;
    const std::filesystem::path dir = argc > 2 ? argv[2] : "/tmp/bench_quorum";
    const bool compacted = argc > 3 && std::string(argv[3]) == "compact";
    std::filesystem::create_directories(dir);
    const auto config = make_config("claimant");

    std::vector<cli::VantageInput> inputs;
    for (int v = 0; v < 3; ++v) {
        const auto& name = vantages[static_cast<std::size_t>(v)];
        const auto path = dir / fmt::format("{}-{}d.db", name, days);
        if (!std::filesystem::exists(path)) {
            const auto t = clk::now();
            build(path, v, days);
            fmt::print("built {} in {:.1f} s\n", path.string(), seconds_since(t));
        }
        auto db = path;
        if (compacted) {
            db = dir / fmt::format("{}-{}d-compacted.db", name, days);
            if (!std::filesystem::exists(db)) {
                std::filesystem::copy_file(path, db);
                const auto t = clk::now();
                auto store =
                    storage::Store::open(make_config(name), db, storage::OpenMode::read_write);
                // A year after the term: every month is past its claim deadline.
                const auto r = store->compact(sla::EpochMillis{1'830'000'000'000}, false);
                store->evidence().checkpoint(sla::EpochMillis{1'830'000'000'000}, nullptr);
                store.reset();
                storage::sqlite::Database(db, storage::sqlite::Database::Mode::read_write)
                    .exec("PRAGMA wal_checkpoint(TRUNCATE)");
                fmt::print("compacted {}: {} results folded in {:.1f} s\n", db.string(), r.results,
                           seconds_since(t));
            }
        }
        cli::VantageInput in;
        in.name = name;
        in.db = db;
        in.store = storage::Store::open(config, db, storage::OpenMode::immutable_copy);
        in.store->hold_snapshot();
        inputs.push_back(std::move(in));
    }

    // Verification and re-derivation: as `quorum` does before using an
    // input, its minutes derived in memory from the verified evidence alone.
    const auto now = sla::EpochMillis{4'000'000'000'000};  // every month has ended
    double verify_wall = 0;
    double verify_cpu = 0;
    double derive_wall = 0;
    for (auto& in : inputs) {
        const auto t = clk::now();
        const auto c = cpu_seconds();
        const auto report = in.store->evidence().verify();
        const auto wall = seconds_since(t);
        const auto cpu = cpu_seconds() - c;
        verify_wall += wall;
        verify_cpu += cpu;
        fmt::print("verify {}: {} leaves, {} in {:.2f} s wall, {:.2f} CPU-s\n", in.name,
                   report.tree_size, report.intact() ? "intact" : "NOT INTACT", wall, cpu);
        const auto d = clk::now();
        const auto dc = cpu_seconds();
        storage::FigureOptions fo;
        fo.now = now;
        in.figures = in.store->verified_figures(fo);
        derive_wall += seconds_since(d);
        fmt::print("verify + derive {} in memory: {:.2f} s wall, {:.2f} CPU-s\n", in.name,
                   seconds_since(d), cpu_seconds() - dc);
    }
    fmt::print("verify, all 3 inputs: {:.2f} s wall, {:.2f} CPU-s\n", verify_wall, verify_cpu);
    fmt::print("verify + derive in memory, all 3 inputs, one after another: {:.2f} s wall\n",
               derive_wall);

    // The month: the first (no earlier months) and the last Service Month in
    // the data (its cap looks back at every earlier one). Warm: median of 5.
    const auto months = config.contract.terms.months();
    const auto last = std::min<std::size_t>(months.size(), static_cast<std::size_t>(days / 31 + 1));

    // The SQLite work of what `quorum` does with each input (verify, then the
    // last month), against the budget its size allows (storage/read_budget.hpp).
    std::vector<std::uint64_t> verify_steps;
    for (auto& in : inputs) verify_steps.push_back(in.store->read_steps());
    cli::quorum_month(config, inputs, 2, months[last - 1], now);
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const auto steps = inputs[i].store->read_steps();
        const auto bytes = std::filesystem::file_size(inputs[i].db);
        fmt::print(
            "SQLite steps {}: {} bytes; verify {}, verify and month {} ({:.1f} a byte); budget {} "
            "({:.0f} times)\n",
            inputs[i].name, bytes, verify_steps[i], steps,
            static_cast<double>(steps) / static_cast<double>(bytes), storage::step_budget(bytes),
            static_cast<double>(storage::step_budget(bytes)) / static_cast<double>(steps));
        inputs[i].store->lift_read_budget();  // the timings below repeat the month
    }
    for (const auto index : {std::size_t{1}, last}) {
        const auto& month = months[index - 1];
        std::vector<double> wall;
        std::vector<double> cpu;
        cli::QuorumMonth q;
        for (int i = 0; i < 6; ++i) {
            const auto t = clk::now();
            const auto c = cpu_seconds();
            q = cli::quorum_month(config, inputs, 2, month, now);
            if (i > 0) {  // the first run fills the page cache
                wall.push_back(seconds_since(t));
                cpu.push_back(cpu_seconds() - c);
            }
        }
        std::sort(wall.begin(), wall.end());
        std::sort(cpu.begin(), cpu.end());
        fmt::print(
            "quorum of Service Month {} ({} minutes, {} earlier months): {:.1f} ms wall, {:.1f} "
            "CPU-ms (median of 5); {} unavailable at K = 2 ({} / {} / {} per vantage point), {} "
            "disagreements, {} % compensation\n",
            month.index, q.combined.size(), index - 1, wall[2] * 1000, cpu[2] * 1000,
            q.report.unavailable, q.vantage_reports[0].unavailable,
            q.vantage_reports[1].unavailable, q.vantage_reports[2].unavailable,
            q.disagreements.size(), q.report.compensation_percent);
    }
    return 0;
}
