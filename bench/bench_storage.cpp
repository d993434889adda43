// SPDX-License-Identifier: Apache-2.0
// Storage benchmark: replay ingest (append + derive) rows/s, report latency
// for one Service Month and a whole year (4 probes at 6 probes a minute,
// warm cache), and bytes per raw result and per minute row.
//
// With the evidence log (default) it also records a checkpoint and times
// `verify` over everything; `noevidence` appends without evidence leaves, to
// measure what hashing costs.
//
// `compact` simulates the daemon with compaction instead: an hour of results
// per transaction with an hourly checkpoint, 0.1 % of runs failing in bursts,
// compaction steps after each day; it reports bytes per compacted probe-year
// (all tables), the raw window, and how long compaction takes.
//
//   bench_storage [DAYS=365] [DB=/tmp/bench_storage.db] [evidence|noevidence|compact]

#include "bench/support/bench_support.hpp"
#include "storage/evidence/log.hpp"
#include "storage/sqlite.hpp"
#include "storage/store.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

using namespace slawatch;
using bench::bench_config;
using bench::clk;
using bench::cpu_seconds;
using bench::seconds_since;

namespace {

// Phase timings that vary like real ones (a deterministic hash of the row,
// not constants, so that the bytes a row takes are what a real row takes):
// DNS 0.3-20 ms, connect +5-60 ms, TLS +10-90 ms, first byte +20-200 ms,
// total +0.1-5 ms, cumulative microseconds.
sla::PhaseTimings phases_of(std::int64_t row) {
    std::uint64_t x = static_cast<std::uint64_t>(row) * 0x9E3779B97F4A7C15ULL + 1;
    auto next = [&x](std::int32_t lo, std::int32_t hi) {
        x ^= x >> 31;
        x *= 0xBF58476D1CE4E5B9ULL;
        x ^= x >> 29;
        return lo + static_cast<std::int32_t>(x % static_cast<std::uint64_t>(hi - lo));
    };
    sla::PhaseTimings p;
    p.dns_us = next(300, 20'000);
    p.connect_us = p.dns_us + next(5'000, 60'000);
    p.tls_us = p.connect_us + next(10'000, 90'000);
    p.first_byte_us = p.tls_us + next(20'000, 200'000);
    p.total_us = p.first_byte_us + next(100, 5'000);
    return p;
}

double table_bytes(storage::sqlite::Database& db, const char* table) {
    // dbstat counts every page of the table's b-tree (and its indexes).
    auto st = db.prepare("SELECT sum(pgsize) FROM dbstat WHERE name = ?");
    st.bind(1, table);
    return st.step() ? static_cast<double>(st.column_int(0)) : 0.0;
}

double all_bytes(storage::sqlite::Database& db) {
    auto st = db.prepare("SELECT sum(pgsize) FROM dbstat");
    return st.step() ? static_cast<double>(st.column_int(0)) : 0.0;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// The daemon with compaction: see the file comment.
int bench_compaction(int days, const std::filesystem::path& path) {
    const auto config = bench_config();
    auto store = storage::Store::open(config, path, storage::OpenMode::read_write);
    const auto& zone = config.contract.terms.zone;
    const sla::EpochMinute first = zone.start_of_day(config.contract.terms.start);
    std::int64_t rows = 0;
    std::int64_t failed = 0;
    double compact_cpu = 0;
    double compact_wall_max = 0;
    storage::CompactionResult folded;
    std::vector<storage::ProbeResult> batch;
    for (int d = 0; d < days; ++d) {
        for (int h = 0; h < 24; ++h) {
            batch.clear();
            for (int m = h * 60; m < h * 60 + 60; ++m) {
                const auto minute = first + d * 1440LL + m;
                for (int s = 0; s < 6; ++s) {
                    for (std::size_t i = 0; i < config.probes.size(); ++i) {
                        storage::ProbeResult r;
                        r.probe = config.probes[i].name;
                        r.sample.sent_ms = minute * 60'000 + s * 10'000 + 37;
                        // A 5-minute burst every 5000 minutes per probe: 0.1 % of runs.
                        const bool fail = (minute + static_cast<std::int64_t>(i) * 1000) % 5000 < 5;
                        r.sample.outcome = fail ? sla::Outcome::http_5xx : sla::Outcome::ok;
                        r.sample.http_status = fail ? 503 : 200;
                        r.sample.error_code = fail ? "InternalError" : "";
                        r.sample.request_id = "3f1c9a2e-5b7d-4e21-9a0c-" + std::to_string(rows);
                        r.sample.phases = {1200, 2500, 9000, 41000, 43000 + s * 100};
                        batch.push_back(std::move(r));
                        ++rows;
                        failed += fail;
                    }
                }
            }
            store->append(batch);
            const auto end = first + d * 1440LL + h * 60 + 60;
            store->derive_minutes(end - 60, end);
            store->evidence().checkpoint(end * 60'000, nullptr);
        }
        // As the daemon: compaction steps until done, a day each.
        const auto now = (first + (d + 1) * 1440LL) * 60'000;
        for (;;) {
            const auto t = clk::now();
            const auto c = cpu_seconds();
            const auto r = store->compact_step(now);
            compact_cpu += cpu_seconds() - c;
            compact_wall_max = std::max(compact_wall_max, seconds_since(t));
            folded.results += r.results;
            folded.steps += r.steps;
            if (r.done) break;
        }
    }
    const auto months = config.contract.terms.months();
    const auto end_ms = (first + days * 1440LL) * 60'000;
    auto report_ms = [&] {
        std::vector<double> v;
        for (int i = 0; i < 21; ++i) {
            const auto t = clk::now();
            (void)store->month_report(months[0], end_ms);
            v.push_back(seconds_since(t) * 1000);
        }
        return median(v);
    };
    fmt::print(
        "compaction: {} results ({} failed) over {} days; {} folded in {} day-steps, "
        "{:.3f} CPU-s per day-step (4 probes), longest step {:.3f} s wall\n",
        rows, failed, days, folded.results, folded.steps,
        compact_cpu / std::max<std::int64_t>(1, folded.steps), compact_wall_max);
    const auto month_report_ms = report_ms();
    {
        storage::sqlite::Database db(path, storage::sqlite::Database::Mode::read_write);
        db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
        const auto raw = db.query_int("SELECT count(*) FROM probe_result");
        const auto until = db.query_int("SELECT value FROM meta WHERE key = 'compacted_until'");
        const auto raw_days = static_cast<double>(first + days * 1440LL - until) / 1440;
        fmt::print(
            "at the end of the data: compacted before day {:.0f}, raw window {:.0f} days: "
            "{} raw rows, probe_result + evidence_chunk {:.1f} MiB, all tables {:.1f} MiB\n",
            days - raw_days, raw_days, raw,
            (table_bytes(db, "probe_result") + table_bytes(db, "evidence_chunk")) / 1048576,
            all_bytes(db) / 1048576);
    }
    // A year later everything is compacted: what a compacted year costs.
    const auto t = clk::now();
    const auto c = cpu_seconds();
    const auto rest = store->compact(end_ms + 400LL * 86'400'000, false);
    fmt::print("the rest: {} results in {} day-steps, {:.2f} s wall, {:.2f} CPU-s\n", rest.results,
               rest.steps, seconds_since(t), cpu_seconds() - c);
    fmt::print(
        "report: one Service Month {:.3f} ms before the last compaction, {:.3f} ms after "
        "(median of 21)\n",
        month_report_ms, report_ms());
    const auto v = store->evidence().verify();
    fmt::print("verify: {} leaves ({} folded, {} fold leaves), {}\n", v.tree_size, v.folded_leaves,
               v.folds, v.intact() ? "intact" : "NOT intact");
    store.reset();
    storage::sqlite::Database db(path, storage::sqlite::Database::Mode::read_write);
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    const double probes = static_cast<double>(config.probes.size());
    const double years = days / 365.0;
    fmt::print("compacted, per probe-year (all tables / 4 probes, incl. the service rows):\n");
    double total = 0;
    auto st =
        db.prepare("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY sum(pgsize) DESC");
    while (st.step()) {
        const auto bytes = static_cast<double>(st.column_int(1));
        total += bytes;
        if (bytes >= 64 * 1024)
            fmt::print("  {:<28} {:8.2f} MB\n", st.column_text(0), bytes / probes / years / 1e6);
    }
    fmt::print("  {:<28} {:8.2f} MB (file {:.1f} MB with free pages)\n", "all tables",
               total / probes / years / 1e6,
               static_cast<double>(std::filesystem::file_size(path)) / 1e6);
    return v.intact() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    const int days = argc > 1 ? std::stoi(argv[1]) : 365;
    const std::filesystem::path path = argc > 2 ? argv[2] : "/tmp/bench_storage.db";
    const bool evidence = argc <= 3 || std::string(argv[3]) != "noevidence";
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
    if (argc > 3 && std::string(argv[3]) == "compact") return bench_compaction(days, path);

    const auto config = bench_config();
    storage::OpenOptions options;
    options.evidence_leaves = evidence;
    auto store = storage::Store::open(config, path, storage::OpenMode::read_write, options);
    const auto& zone = config.contract.terms.zone;
    const sla::EpochMinute first = zone.start_of_day(config.contract.terms.start);

    // A realistic mix: mostly ok, 1 % failures with a status, code and request id.
    std::int64_t rows = 0;
    double append_s = 0;
    double derive_s = 0;
    double append_cpu = 0;
    double derive_cpu = 0;
    std::vector<storage::ProbeResult> batch;
    for (int d = 0; d < days; ++d) {
        batch.clear();
        const auto day_start = first + d * 1440LL;
        for (int m = 0; m < 1440; ++m) {
            for (int s = 0; s < 6; ++s) {
                for (const auto& p : config.probes) {
                    storage::ProbeResult r;
                    r.probe = p.name;
                    r.sample.sent_ms = (day_start + m) * 60'000 + s * 10'000 + 37;
                    const bool fail = (m * 7 + s + d) % 100 == 0;
                    r.sample.outcome = fail ? sla::Outcome::http_5xx : sla::Outcome::ok;
                    r.sample.http_status = fail ? 503 : 200;
                    r.sample.error_code = fail ? "InternalError" : "";
                    r.sample.request_id = "3f1c9a2e-5b7d-4e21-9a0c-" + std::to_string(rows);
                    r.sample.phases = phases_of(rows);
                    batch.push_back(std::move(r));
                    ++rows;
                }
            }
        }
        auto t = clk::now();
        auto c = cpu_seconds();
        store->append(batch);  // one transaction per day of results
        append_s += seconds_since(t);
        append_cpu += cpu_seconds() - c;
        t = clk::now();
        c = cpu_seconds();
        store->derive_minutes(day_start, day_start + 1440);
        derive_s += seconds_since(t);
        derive_cpu += cpu_seconds() - c;
    }
    fmt::print("evidence leaves: {}\n", evidence ? "yes" : "no");
    fmt::print(
        "ingest: {} results over {} days in {:.2f} s append + {:.2f} s derive = {:.0f} "
        "results/s ({:.0f} results/s append only)\n",
        rows, days, append_s, derive_s, rows / (append_s + derive_s), rows / append_s);
    fmt::print(
        "ingest CPU: {:.2f} s append + {:.2f} s derive = {:.0f} results per CPU-second "
        "({:.0f} append only)\n",
        append_cpu, derive_cpu, rows / (append_cpu + derive_cpu), rows / append_cpu);

    // Reports, warm: the first call fills the page cache, then take the median.
    const auto months = config.contract.terms.months();
    const auto now = (first + days * 1440LL) * 60'000;
    auto median_ms = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    std::vector<double> one;
    std::vector<double> year;
    for (int i = 0; i < 21; ++i) {
        auto t = clk::now();
        const auto r = store->month_report(months[0], now);
        one.push_back(seconds_since(t) * 1000);
        if (i == 0) fmt::print("month 1: {} unavailable, {} up\n", r.unavailable, r.up);
        t = clk::now();
        for (const auto& m : months) (void)store->month_report(m, now);
        year.push_back(seconds_since(t) * 1000);
    }
    fmt::print(
        "report: one Service Month {:.3f} ms, whole year (12 months) {:.3f} ms (median of 21)\n",
        median_ms(one), median_ms(year));

    if (evidence) {
        auto t = clk::now();
        const auto c = store->evidence().checkpoint(now, nullptr);
        const auto checkpoint_s = seconds_since(t);
        t = clk::now();
        const auto cpu = cpu_seconds();
        const auto v = store->evidence().verify();
        const auto verify_s = seconds_since(t);
        const auto verify_cpu = cpu_seconds() - cpu;
        fmt::print(
            "verify: {} leaves, {} in {:.2f} s wall, {:.2f} CPU-s ({:.0f} leaves per "
            "CPU-second); checkpoint {:.3f} s\n",
            c.tree_size, v.intact() ? "intact" : "NOT intact", verify_s, verify_cpu,
            static_cast<double>(c.tree_size) / verify_cpu, checkpoint_s);
    }

    store.reset();
    storage::sqlite::Database db(path, storage::sqlite::Database::Mode::read_write);
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    const auto results = db.query_int("SELECT count(*) FROM probe_result");
    const auto minutes = db.query_int("SELECT count(*) FROM minute");
    const auto raw_bytes = table_bytes(db, "probe_result");
    const auto minute_bytes = table_bytes(db, "minute");
    const auto day_bytes = table_bytes(db, "day_count");
    const auto leaf_bytes = table_bytes(db, "evidence_chunk") + table_bytes(db, "evidence_node");
    fmt::print(
        "disk: {:.1f} bytes per raw result ({} rows), {:.1f} bytes per minute row ({} rows), "
        "rollup {:.0f} KiB, file {:.1f} MiB\n",
        raw_bytes / results, results, minute_bytes / minutes, minutes, day_bytes / 1024,
        std::filesystem::file_size(path) / 1048576.0);
    if (evidence)
        fmt::print(
            "evidence: {:.1f} bytes per raw result (evidence_chunk + evidence_node), {:.1f} "
            "bytes per result in all\n",
            leaf_bytes / results, (raw_bytes + leaf_bytes) / results);
    return 0;
}
