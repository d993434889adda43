// SPDX-License-Identifier: Apache-2.0
// Probe engine benchmarks (docs/architecture.md, "Targets"): throughput per core with a fresh
// connection per probe and results persisted, CPU time per probe, scheduling
// jitter and resident memory with 1,000 probes configured.
//
//   bench_probes throughput URL [--ca FILE] [--probes N] [--concurrency C] [--db FILE]
//   bench_probes schedule URL [--probes 1000] [--per-minute 6] [--seconds 65] [--db FILE]
//   bench_probes load URL --rate R --seconds S
//       GET URL R times a second (used to drive blackbox_exporter's /probe).

#include "bench/support/bench_support.hpp"
#include "config/config.hpp"
#include "daemon/result_writer.hpp"
#include "daemon/scheduler.hpp"
#include "probes/probe.hpp"
#include "storage/store.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <map>
#include <string>

using namespace slawatch;
namespace asio = boost::asio;
using bench::cpu_seconds;

namespace {

long rss_kib() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
    return 0;
}

std::map<std::string, std::string> flags(int argc, char** argv, int from) {
    std::map<std::string, std::string> out;
    for (int i = from; i + 1 < argc; i += 2) out[argv[i]] = argv[i + 1];
    return out;
}

config::Config bench_config(const std::string& url, const std::string& ca, int probes, int ppm,
                            const std::string& db) {
    std::string toml = fmt::format(
        "[contract]\nname = \"bench\"\ntimezone = \"UTC\"\nstart = 2026-01-01\nmonths = 24\n"
        "monthly_fee = \"1.00\"\nuser_id = \"1\"\norder_id = \"2\"\n"
        "[monitor]\nprobes_per_minute = {}\nmin_samples = 1\n[storage]\npath = \"{}\"\n",
        ppm, db);
    for (int i = 0; i < probes; ++i)
        toml += fmt::format(
            "[[probe]]\nname = \"p{}\"\nkind = \"http\"\nurl = \"{}\"\ntimeout = \"5s\"\n{}", i,
            url, ca.empty() ? "" : "ca_file = \"" + ca + "\"\n");
    auto loaded = config::parse(toml, "bench.toml");
    if (!loaded) {
        for (auto& e : loaded.errors) fmt::print(stderr, "{}\n", e);
        std::exit(2);
    }
    return *loaded.config;
}

// N probe runs, C at a time, on one thread; every result goes through the
// daemon's batched writer into a real Store.
int throughput(const std::string& url, std::map<std::string, std::string> f) {
    const int total = std::stoi(f.count("--probes") ? f["--probes"] : "20000");
    const int concurrency = std::stoi(f.count("--concurrency") ? f["--concurrency"] : "64");
    const std::string db = f.count("--db") ? f["--db"] : "bench-throughput.db";
    auto config = bench_config(url, f["--ca"], 1, 6, db);
    auto store = storage::Store::open(config, db, storage::OpenMode::read_write);
    const daemon::ResultWriter::Sink into = [&](auto r) { store->append(r); };
    daemon::ResultWriter writer;

    asio::io_context io{1};
    auto probe = probes::make_probe(io.get_executor(), config.probes[0]);
    int started = 0, done = 0, ok = 0;
    std::function<void()> launch = [&] {
        if (started >= total) return;
        ++started;
        probe->run([&](sla::Sample s) {
            ++done;
            if (s.outcome == sla::Outcome::ok) ++ok;
            if (writer.add({"p0", std::move(s)})) writer.flush(into);
            launch();
        });
    };
    const double cpu0 = cpu_seconds();
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < concurrency; ++i) launch();
    io.run();
    writer.flush(into);
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double cpu = cpu_seconds() - cpu0;
    fmt::print(
        "throughput url={} probes={} ok={} concurrency={} wall_s={:.2f} cpu_s={:.2f} "
        "probes_per_s={:.0f} probes_per_cpu_s={:.0f} cpu_us_per_probe={:.1f} stored={}\n",
        url, done, ok, concurrency, wall, cpu, done / wall, done / cpu, cpu / done * 1e6,
        store->results(0, daemon::now_ms() + 3'600'000).size());
    return ok == total ? 0 : 1;
}

// The real scheduler with many probes: jitter of actual vs planned start, RSS.
int schedule(const std::string& url, std::map<std::string, std::string> f) {
    const int n = std::stoi(f.count("--probes") ? f["--probes"] : "1000");
    const int ppm = std::stoi(f.count("--per-minute") ? f["--per-minute"] : "6");
    const int seconds = std::stoi(f.count("--seconds") ? f["--seconds"] : "65");
    const std::string db = f.count("--db") ? f["--db"] : "bench-schedule.db";
    auto config = bench_config(url, f["--ca"], n, ppm, db);
    auto store = storage::Store::open(config, db, storage::OpenMode::read_write);
    const daemon::ResultWriter::Sink into = [&](auto r) { store->append(r); };
    daemon::ResultWriter writer;

    asio::io_context io{1};
    long results = 0, ok = 0;
    auto scheduler_ptr = std::make_shared<daemon::Scheduler>(
        io.get_executor(), ppm, [&](const std::string& name, sla::EpochMillis, sla::Sample s) {
            ++results;
            if (s.outcome == sla::Outcome::ok) ++ok;
            if (writer.add({name, std::move(s)})) writer.flush(into);
        });
    auto& scheduler = *scheduler_ptr;
    std::vector<std::shared_ptr<probes::Probe>> list;
    for (const auto& p : config.probes) list.push_back(probes::make_probe(io.get_executor(), p));
    scheduler.set_probes(std::move(list), ppm);
    asio::steady_timer flush_timer(io);
    std::function<void()> tick = [&] {
        flush_timer.expires_after(std::chrono::seconds(1));
        flush_timer.async_wait([&](boost::system::error_code ec) {
            if (!ec) writer.flush(into), tick();
        });
    };
    tick();
    asio::steady_timer stop(io);
    stop.expires_after(std::chrono::seconds(seconds));
    long peak_rss = 0;
    stop.async_wait([&](boost::system::error_code) {
        peak_rss = rss_kib();
        scheduler.stop();
        flush_timer.cancel();
    });
    const double cpu0 = cpu_seconds();
    io.run();
    writer.flush(into);
    const double cpu = cpu_seconds() - cpu0;
    fmt::print(
        "schedule probes={} per_minute={} seconds={} runs={} ok={} jitter_p50_us={} "
        "jitter_p99_us={} jitter_max_us={} rss_kib={} cpu_s={:.2f} cpu_us_per_probe={:.1f}\n",
        n, ppm, seconds, results, ok, scheduler.jitter().quantile(0.5),
        scheduler.jitter().quantile(0.99), scheduler.jitter().quantile(1.0), peak_rss, cpu,
        results ? cpu / static_cast<double>(results) * 1e6 : 0.0);
    return 0;
}

// GET `url` `rate` times a second for `seconds` (fresh connection each), to
// drive a peer (blackbox_exporter's /probe) at the same rate.
int load(const std::string& url, std::map<std::string, std::string> f) {
    const int rate = std::stoi(f["--rate"]);
    const int seconds = std::stoi(f["--seconds"]);
    const std::string db = f.count("--db") ? f["--db"] : "";
    auto config = bench_config(url, "", 1, 6, db.empty() ? "unused.db" : db);
    config.probes[0].timeout = std::chrono::milliseconds(10'000);
    std::unique_ptr<storage::Store> store;
    if (!db.empty()) store = storage::Store::open(config, db, storage::OpenMode::read_write);
    const daemon::ResultWriter::Sink into = [&](auto r) {
        if (store) store->append(r);
    };
    daemon::ResultWriter writer;
    asio::io_context io{1};
    auto probe = probes::make_probe(io.get_executor(), config.probes[0]);
    long done = 0, ok = 0;
    asio::steady_timer timer(io);
    const auto t0 = std::chrono::steady_clock::now();
    const long total = static_cast<long>(rate) * seconds;
    long sent = 0;
    std::function<void()> next = [&] {
        if (sent >= total) return;
        timer.expires_at(t0 + std::chrono::microseconds(sent * 1'000'000 / rate));
        timer.async_wait([&](boost::system::error_code ec) {
            if (ec) return;
            ++sent;
            probe->run([&](sla::Sample s) {
                ++done;
                if (s.outcome == sla::Outcome::ok) ++ok;
                if (writer.add({"p0", std::move(s)})) writer.flush(into);
            });
            next();
        });
    };
    const double cpu0 = cpu_seconds();
    next();
    io.run();
    writer.flush(into);
    fmt::print("load url={} rate={} seconds={} requests={} ok={} cpu_s={:.2f}\n", url, rate,
               seconds, done, ok, cpu_seconds() - cpu0);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        fmt::print(stderr, "usage: bench_probes throughput|schedule|load URL [options]\n");
        return 2;
    }
    const std::string mode = argv[1];
    auto f = flags(argc, argv, 3);
    if (mode == "throughput") return throughput(argv[2], f);
    if (mode == "schedule") return schedule(argv[2], f);
    if (mode == "load") return load(argv[2], f);
    fmt::print(stderr, "unknown mode {}\n", mode);
    return 2;
}
