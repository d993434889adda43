// SPDX-License-Identifier: Apache-2.0
// Storage trouble against a healthy service: a database locked by another
// process for longer than the busy timeout, a full disk, a read-only file
// system. The monitor's own trouble must never become evidence against the
// provider: every run stays ok, no minute goes down, /healthz answers, and
// once the trouble ends everything buffered is stored. Figures are printed
// with a `reliability:` prefix.

#include "tests/support/daemon_rig.hpp"
#include "tests/support/sqlite_query.hpp"

#include <sqlite3.h>
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/mount.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>

using namespace slawatch;
using namespace slawatch::testing;
using namespace std::chrono;

namespace {

// A small tmpfs mounted for the test (root only), unmounted at the end.
class SmallFs {
public:
    SmallFs(const std::filesystem::path& at, const std::string& size) : at_(at) {
        std::filesystem::create_directories(at_);
        const auto options = "size=" + size + ",mode=0700";
        if (::mount("tmpfs", at_.c_str(), "tmpfs", 0, options.c_str()) == 0)
            mounted_ = true;
        else
            reason_ = std::string("cannot mount a tmpfs: ") + std::strerror(errno);
    }
    ~SmallFs() {
        if (mounted_) ::umount2(at_.c_str(), MNT_DETACH);
    }
    bool mounted() const { return mounted_; }
    const std::string& reason() const { return reason_; }
    const std::filesystem::path& path() const { return at_; }

private:
    std::filesystem::path at_;
    bool mounted_ = false;
    std::string reason_;
};

// A small ext4 file system on a loop device (root only), which, unlike a
// tmpfs, can be frozen (fsfreeze): writes to it then block until it thaws.
class LoopExt4 {
public:
    LoopExt4(const std::filesystem::path& image, const std::filesystem::path& at) : at_(at) {
        std::filesystem::create_directories(at_);
        auto r = run({"/usr/bin/truncate", "-s", "32M", image.string()});
        if (r.exit_code == 0) r = run({"/usr/sbin/mkfs.ext4", "-q", "-F", image.string()});
        if (r.exit_code == 0)
            r = run({"/usr/bin/mount", "-o", "loop", image.string(), at_.string()});
        if (r.exit_code == 0)
            mounted_ = true;
        else
            reason_ = "cannot mount an ext4 image on a loop device: " + r.err;
    }
    ~LoopExt4() {
        if (!mounted_) return;
        thaw();
        run({"/usr/bin/umount", "-l", at_.string()});
    }
    bool mounted() const { return mounted_; }
    const std::string& reason() const { return reason_; }
    const std::filesystem::path& path() const { return at_; }
    bool freeze() {
        frozen_ = run({"/usr/sbin/fsfreeze", "-f", at_.string()}).exit_code == 0;
        return frozen_;
    }
    void thaw() {
        if (frozen_) run({"/usr/sbin/fsfreeze", "-u", at_.string()});
        frozen_ = false;
    }

private:
    std::filesystem::path at_;
    bool mounted_ = false;
    bool frozen_ = false;
    std::string reason_;
};

// Fills the file system at `dir` until a write fails; returns the filler's path.
std::filesystem::path fill(const std::filesystem::path& dir) {
    const auto filler = dir / "filler";
    std::ofstream out(filler, std::ios::binary);
    const std::string block(64 * 1024, 'x');
    while (out.write(block.data(), static_cast<std::streamsize>(block.size())) && out.flush()) {
    }
    return filler;
}

double metric(std::uint16_t port, const std::string& series) {
    return metric_value(http_get(port, "/metrics").second, series).value_or(-1);
}

// What a stretch of trouble left behind, checked the same way for each kind.
struct Trouble {
    std::int64_t from_ms = 0;
    std::int64_t until_ms = 0;
    int polls = 0;
    int answered = 0;  // /healthz answered at all (200 or 503)
    std::map<int, int> statuses;
    double buffered_peak = 0;
};

// Polls /healthz and the buffer every 2 s for `hold`.
Trouble hold_trouble(const Rig& rig, milliseconds hold) {
    Trouble t;
    t.from_ms = now_ms();
    while (now_ms() - t.from_ms < hold.count()) {
        const auto [status, body] = http_get(rig.metrics_port, "/healthz");
        ++t.polls;
        if (status == 200 || status == 503) ++t.answered;
        ++t.statuses[status];
        t.buffered_peak =
            std::max(t.buffered_peak, metric(rig.metrics_port, "slawatch_result_buffer_results"));
        std::this_thread::sleep_for(seconds(2));
    }
    t.until_ms = now_ms();
    return t;
}

// After the trouble: every run of [from, until) is stored and ok, no minute
// touched is down, the buffer drained without dropping, no incident opened.
void check_recovered(const Rig& rig, const Trouble& t, int probes_per_minute, const char* what) {
    const auto last_minute = t.until_ms / 60'000;
    REQUIRE(rig.finalized(last_minute + 1,
                          milliseconds((last_minute + 1) * 60'000 - now_ms() + 30'000)));
    INFO(rig.daemon->err());
    const auto results = rig.store()->results(t.from_ms, t.until_ms);
    const auto expected = 2 * probes_per_minute * (t.until_ms - t.from_ms) / 60'000;
    const auto ok = std::count_if(results.begin(), results.end(), [](const auto& r) {
        return r.sample.outcome == sla::Outcome::ok;
    });
    for (const auto& r : results) CHECK(std::string(sla::to_string(r.sample.outcome)) == "ok");
    // Planned runs are exact (R1); two of slack for the edges of the stretch.
    CHECK(static_cast<std::int64_t>(results.size()) >= expected - 2);
    int down = 0, up = 0;
    for (auto m = t.from_ms / 60'000; m <= last_minute; ++m) {
        const auto s = rig.state(m, "service");
        CHECK(s != "down");
        down += s == "down";
        up += s == "up";
    }
    CHECK(count_rows(rig.db().string(),
                     "SELECT count(*) FROM alert_event WHERE type = 'incident_opened'") == 0);
    CHECK(
        eventually([&] { return metric(rig.metrics_port, "slawatch_result_buffer_results") == 0; },
                   seconds(10)));
    const auto dropped = metric(rig.metrics_port, "slawatch_result_buffer_dropped_total");
    CHECK(dropped == 0);
    CHECK(http_get(rig.metrics_port, "/healthz").first == 200);
    const auto errors = metric(rig.metrics_port, "slawatch_store_errors_total");
    std::cout << "reliability: " << what << " held " << (t.until_ms - t.from_ms) / 1000
              << " s: runs " << results.size() << " (" << ok << " ok, " << expected
              << " planned), minutes up " << up << ", down " << down << ", /healthz answered "
              << t.answered << " of " << t.polls << " polls (";
    for (const auto& [status, n] : t.statuses) std::cout << status << " x" << n << " ";
    std::cout << "), buffered peak " << t.buffered_peak << ", dropped " << dropped
              << ", store errors " << errors << "\n";
}

// A healthy sim and the daemon, until its first results are stored.
void start_storing(Rig& rig, int probes_per_minute) {
    rig.start_sim("");
    rig.dir.write("slawatch.toml", rig.config(probes_per_minute, 3));
    rig.start_daemon();
    REQUIRE(eventually(
        [&] { return count_rows(rig.db().string(), "SELECT count(*) FROM probe_result") > 0; },
        seconds(20)));
}

}  // namespace

TEST_CASE(
    "R2 R3: a write lock held by another process for 80 s: every run ok, no minute down, "
    "/healthz answers",
    "[daemon][integration][reliability]") {
    constexpr int per_minute = 12;
    Rig rig;
    start_storing(rig, per_minute);

    // Another process's write transaction: in WAL mode EXCLUSIVE holds the write lock.
    sqlite3* holder = nullptr;
    REQUIRE(sqlite3_open_v2(rig.db().c_str(), &holder, SQLITE_OPEN_READWRITE, nullptr) ==
            SQLITE_OK);
    sqlite3_busy_timeout(holder, 10'000);
    REQUIRE(sqlite3_exec(holder, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr) == SQLITE_OK);
    // 80 s: longer than the busy timeout by far, and across a minute boundary.
    const auto t = hold_trouble(rig, seconds(80));
    sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(holder);

    CHECK(t.answered == t.polls);
    CHECK(rig.daemon->err().find("is locked by another process") != std::string::npos);
    check_recovered(rig, t, per_minute, "write lock of another process");

    rig.daemon->signal(SIGTERM);
    CHECK(rig.daemon->wait(seconds(20)) == 0);
}

TEST_CASE(
    "R2 R3: a full disk: probing keeps its schedule, the buffer is bounded, nothing stored "
    "is lost, recovery is automatic",
    "[daemon][integration][reliability]") {
    constexpr int per_minute = 12;
    Rig rig;
    SmallFs fs(rig.dir / "fs", "8m");
    if (!fs.mounted()) {
        std::cout << "reliability: disk-full test skipped: " << fs.reason() << "\n";
        return;
    }
    rig.db_path = fs.path() / "slawatch.db";
    start_storing(rig, per_minute);

    const auto filler = fill(fs.path());
    const auto t = hold_trouble(rig, seconds(40));
    std::filesystem::remove(filler);

    CHECK(t.answered == t.polls);
    check_recovered(rig, t, per_minute, "full disk");
    rig.daemon->signal(SIGTERM);
    CHECK(rig.daemon->wait(seconds(20)) == 0);
    CHECK(rig.integrity() == "ok\n");
}

TEST_CASE(
    "R2 R3: a frozen file system: a log line, /healthz answers, probing keeps its "
    "schedule, recovery is automatic",
    "[daemon][integration][reliability]") {
    constexpr int per_minute = 12;
    Rig rig;
    LoopExt4 fs(rig.dir / "ext4.img", rig.dir / "fs");
    if (!fs.mounted()) {
        std::cout << "reliability: frozen-file-system test skipped: " << fs.reason() << "\n";
        return;
    }
    rig.db_path = fs.path() / "slawatch.db";
    start_storing(rig, per_minute);

    REQUIRE(fs.freeze());
    const auto t = hold_trouble(rig, seconds(40));
    fs.thaw();

    CHECK(t.answered == t.polls);
    CHECK(t.statuses.count(503) == 1);  // "storage blocked" while frozen
    CHECK(rig.daemon->err().find("blocked for") != std::string::npos);
    check_recovered(rig, t, per_minute, "frozen file system");
    CHECK(
        eventually([&] { return rig.daemon->err().find("no longer blocked") != std::string::npos; },
                   seconds(10)));
    rig.daemon->signal(SIGTERM);
    CHECK(rig.daemon->wait(seconds(20)) == 0);
}
