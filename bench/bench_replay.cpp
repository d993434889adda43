// SPDX-License-Identifier: Apache-2.0
// Replay benchmark: generates a CSV of ROWS results (4 service probes at 6
// runs a minute, 1 % failures with a status, error code and request id, a
// latency on every row), then runs the real `slawatch replay` on it twice
// (a fresh database, then the same file again: all identical) and reports
// rows/s end to end (wall and CPU time) and the peak RSS of each run
// (wait4's ru_usage of the child).
//
//   bench_replay ROWS [DIR=/tmp/bench_replay] [SLAWATCH=build/cli/slawatch]

#include "sla/time.hpp"

#include <fmt/format.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace slawatch;

namespace {

constexpr const char* probes[] = {"update_check", "release", "download", "management"};

void write_config(const fs::path& path) {
    std::string text = R"([contract]
name = "bench"
timezone = "Asia/Shanghai"
start = 2026-01-01
months = 60
monthly_fee = "1000.00"
currency = "CNY"

[monitor]
probes_per_minute = 6
min_samples = 3
)";
    for (const char* p : probes) {
        text += fmt::format(
            "\n[[probe]]\nname = \"{}\"\nkind = \"http\"\nurl = \"http://127.0.0.1:9/{}\"\n", p, p);
    }
    std::ofstream(path) << text;
}

void write_csv(const fs::path& path, std::int64_t rows) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) throw std::runtime_error("cannot write " + path.string());
    std::fputs("time,probe,outcome,http_status,error_code,request_id,latency_ms\n", f);
    const sla::TimeZone utc;
    const sla::EpochMillis t0 = 1'767'196'800'000;  // 2026-01-01T00:00:00+08:00
    std::string line;
    for (std::int64_t i = 0; i < rows; ++i) {
        const auto run = i / 4;  // 4 probes share a send slot
        const auto ms = t0 + (run / 6) * 60'000 + (run % 6) * 10'000 + 37 + (i % 4) * 3;
        const bool fail = (i * 7919) % 100 == 0;
        line = utc.format_millis(ms);
        if (fail) {
            line += fmt::format(",{},http_5xx,503,InternalError,3f1c9a2e-5b7d-4e21-9a0c-{},{}.{}\n",
                                probes[i % 4], i, 40 + i % 17, i % 10);
        } else {
            line += fmt::format(",{},ok,200,,,{}.{}\n", probes[i % 4], 40 + i % 17, i % 10);
        }
        std::fwrite(line.data(), 1, line.size(), f);
    }
    std::fclose(f);
}

struct Run {
    double seconds = 0;
    double cpu_seconds = 0;  // user + system
    long max_rss_kib = 0;
    int status = -1;
};

Run run(const std::vector<std::string>& args, const fs::path& out) {
    std::fflush(stdout);  // or the child would print what is buffered again
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = fork();
    if (pid == 0) {
        std::FILE* o = std::freopen(out.c_str(), "w", stdout);
        (void)o;
        std::vector<char*> argv;
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execv(argv[0], argv.data());
        _exit(127);
    }
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    Run r;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.max_rss_kib = usage.ru_maxrss;
    auto secs = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; };
    r.cpu_seconds = secs(usage.ru_utime) + secs(usage.ru_stime);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_replay ROWS [DIR] [SLAWATCH]\n");
        return 2;
    }
    const std::int64_t rows = std::stoll(argv[1]);
    const fs::path dir = argc > 2 ? argv[2] : "/tmp/bench_replay";
    const std::string slawatch = argc > 3 ? argv[3] : "build/cli/slawatch";
    fs::create_directories(dir);
    const auto config = dir / "bench.toml";
    const auto csv = dir / fmt::format("replay-{}.csv", rows);
    const auto db = dir / "bench.db";
    write_config(config);
    if (!fs::exists(csv)) {
        const auto t = std::chrono::steady_clock::now();
        write_csv(csv, rows);
        fmt::print("generated {} ({:.0f} MiB) in {:.1f} s\n", csv.string(),
                   fs::file_size(csv) / 1048576.0,
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count());
    }
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix);
    const std::vector<std::string> args = {slawatch, "replay",    "--config", config.string(),
                                           "--db",   db.string(), "--input",  csv.string()};
    for (const char* pass : {"fresh database", "same file again"}) {
        const auto r = run(args, dir / "replay.out");
        std::ifstream in(dir / "replay.out");
        std::string said;
        std::getline(in, said);
        fmt::print(
            "{}: exit {}, {} rows in {:.2f} s = {:.0f} rows/s wall; {:.2f} s CPU = {:.0f} "
            "rows per CPU-second; peak RSS {:.1f} MiB\n  {}\n",
            pass, r.status, rows, r.seconds, rows / r.seconds, r.cpu_seconds, rows / r.cpu_seconds,
            r.max_rss_kib / 1024.0, said);
        if (r.status != 0) return 1;
    }
    fmt::print(
        "database {:.0f} MiB (+ WAL {:.0f} MiB)\n", fs::file_size(db) / 1048576.0,
        fs::exists(db.string() + "-wal") ? fs::file_size(db.string() + "-wal") / 1048576.0 : 0.0);
    return 0;
}
