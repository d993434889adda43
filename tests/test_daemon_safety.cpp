// SPDX-License-Identifier: Apache-2.0
// The daemon's safety nets, against the real binaries: a database deleted
// under a running daemon stops it (exit 1, /healthz says why) and a restart
// refuses to start over silently; results from the future are refused; a
// crash of `run` dumps no core holding its secrets; --output files are 0600.

#include "daemon/result_writer.hpp"
#include "daemon/store_marker.hpp"
#include "daemon/store_watch.hpp"
#include "sla/clock.hpp"
#include "tests/support/daemon_rig.hpp"
#include "tests/support/replay_world.hpp"
#include "tests/support/signing_key.hpp"

#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

using namespace slawatch;
using namespace slawatch::testing;
using namespace std::chrono;
namespace fs = std::filesystem;

namespace {

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

unsigned mode_of(const fs::path& file) {
    struct stat st {};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

// `slawatch run` on the rig's config with more arguments.
std::unique_ptr<Process> spawn_run(const Rig& rig, std::vector<std::string> more = {}) {
    std::vector<std::string> argv{slawatch_bin(), "run",  "--config", rig.config_file().string(),
                                  "--log-format", "plain"};
    argv.insert(argv.end(), more.begin(), more.end());
    return std::make_unique<Process>(argv, rig.dir.path(), rig.env);
}

// For the core-dump test: the children start in `dir` with cores allowed, as
// after `cd dir; ulimit -c unlimited`; both are restored at the end.
class CoresAllowed {
public:
    explicit CoresAllowed(const fs::path& dir) : cwd_(fs::current_path()) {
        REQUIRE(::getrlimit(RLIMIT_CORE, &saved_) == 0);
        rlimit all = saved_;
        all.rlim_cur = saved_.rlim_max;
        REQUIRE(::setrlimit(RLIMIT_CORE, &all) == 0);
        fs::current_path(dir);
    }
    ~CoresAllowed() {
        fs::current_path(cwd_);
        ::setrlimit(RLIMIT_CORE, &saved_);
    }
    CoresAllowed(const CoresAllowed&) = delete;
    CoresAllowed& operator=(const CoresAllowed&) = delete;

private:
    fs::path cwd_;
    rlimit saved_{};
};

std::vector<fs::path> core_files(const fs::path& dir) {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().filename().string().starts_with("core")) out.push_back(e.path());
    return out;
}

}  // namespace

TEST_CASE("daemon safety: the watch sees a deleted, moved or replaced database", "[daemon]") {
    TempDir dir;
    const auto db = dir.write("e.db", "x");
    {
        daemon::StoreWatch watch(db);
        CHECK_FALSE(watch.lost());
        // Replaced: the path names another file now (the old one kept under another name).
        fs::create_hard_link(db, dir / "kept.db");
        const auto other = dir.write("other.db", "y");
        fs::rename(other, db);
        const auto replaced = watch.lost();
        REQUIRE(replaced);
        CHECK(replaced->find("now names another file") != std::string::npos);
        // Replaced and its last link gone: deleted.
        fs::remove(dir / "kept.db");
        CHECK(watch.lost()->find("was deleted while open") != std::string::npos);
    }
    {
        daemon::StoreWatch watch(db);
        fs::rename(db, dir / "moved.db");
        const auto moved = watch.lost();
        REQUIRE(moved);
        CHECK(moved->find("no longer exists") != std::string::npos);
        fs::remove(dir / "moved.db");
        const auto deleted = watch.lost();
        REQUIRE(deleted);
        CHECK(deleted->find("was deleted while open") != std::string::npos);
    }
}

TEST_CASE("daemon safety: the daemon's appends drop results from the future", "[daemon]") {
    const sla::EpochMillis now = 1'780'000'000'000;
    std::vector<storage::ProbeResult> results(3);
    results[0].sample.sent_ms = now - 1'000;
    results[1].sample.sent_ms = now + sla::max_result_lead_ms;  // the last one allowed
    results[2].sample.sent_ms = now + sla::max_result_lead_ms + 1;
    CHECK(daemon::count_future_results(results, now) == 1);
    const auto kept = daemon::without_future_results(results, now);
    REQUIRE(kept.size() == 2);
    CHECK(kept[1].sample.sent_ms == now + sla::max_result_lead_ms);
}

TEST_CASE(
    "daemon safety: a database deleted under the daemon stops it, and a restart refuses to "
    "start over without --new-database",
    "[daemon][integration]") {
    Rig rig;
    rig.start_sim("");
    rig.dir.write("slawatch.toml", rig.config(6, 3));
    rig.start_daemon();
    REQUIRE(eventually([&] { return http_get(rig.metrics_port, "/healthz").first == 200; },
                       seconds(10)));

    // The first start recorded the database it created: 0600, no secrets.
    const auto marker_file = daemon::marker_path(rig.db());
    REQUIRE(fs::exists(marker_file));
    CHECK(mode_of(marker_file) == 0600);
    const auto marker = daemon::read_marker(rig.db());
    REQUIRE(marker);
    CHECK(marker->event == "created");
    CHECK(marker->database == rig.db().string());
    CHECK(marker->vantage == "daemon-rig");
    struct stat st {};
    REQUIRE(::stat(rig.db().c_str(), &st) == 0);
    CHECK(marker->inode == std::to_string(st.st_ino));
    CHECK(read_file(marker_file).find("testsecretkey") == std::string::npos);

    fs::remove(rig.db());
    const auto deleted_at = steady_clock::now();
    std::string body;
    REQUIRE(eventually(
        [&] {
            auto [status, text] = http_get(rig.metrics_port, "/healthz");
            body = text;
            return status == 503;
        },
        seconds(10)));
    const auto noticed_at = steady_clock::now();
    INFO(rig.daemon->err());
    CHECK(body.find("database lost") != std::string::npos);
    CHECK(body.find("was deleted while open") != std::string::npos);
    CHECK(body.find(rig.db().string()) != std::string::npos);
    REQUIRE(rig.daemon->wait(seconds(60)) == 1);
    std::cout << "safety: database deleted: /healthz 503 after "
              << duration_cast<milliseconds>(noticed_at - deleted_at).count()
              << " ms, exit 1 after "
              << duration_cast<milliseconds>(steady_clock::now() - deleted_at).count() << " ms\n";
    CHECK(count_of(rig.daemon->err(), "was deleted while open") == 1);
    CHECK_FALSE(fs::exists(rig.db()));

    // A plain restart would create an empty database: refused, naming the old one.
    auto refused = spawn_run(rig);
    REQUIRE(refused->wait(seconds(20)) == 2);
    const auto err = refused->err();
    INFO(err);
    CHECK(err.find("the database " + rig.db().string() + " is missing") != std::string::npos);
    CHECK(err.find("created " + marker->at) != std::string::npos);
    CHECK(err.find("inode " + marker->inode) != std::string::npos);
    CHECK(err.find(marker_file.string()) != std::string::npos);
    CHECK(err.find("--new-database") != std::string::npos);
    CHECK_FALSE(fs::exists(rig.db()));

    // --new-database starts over and records the new file.
    rig.daemon = spawn_run(rig, {"--new-database"});
    REQUIRE(wait_for_port(rig.metrics_port, seconds(10)));
    REQUIRE(eventually([&] { return http_get(rig.metrics_port, "/healthz").first == 200; },
                       seconds(10)));
    REQUIRE(::stat(rig.db().c_str(), &st) == 0);
    const auto fresh = daemon::read_marker(rig.db());
    REQUIRE(fresh);
    CHECK(fresh->inode == std::to_string(st.st_ino));
    rig.daemon->signal(SIGTERM);
    CHECK(rig.daemon->wait(seconds(15)) == 0);
}

TEST_CASE("daemon safety: replay refuses a result from the future, naming the line", "[replay]") {
    World w;
    // The clock at 2026-06-01T00:00+08:00: a row at 00:05 is five minutes ahead.
    const std::string clock = "SLAWATCH_TEST_CLOCK_START_MS=1780243200000";
    Csv csv;
    csv.add("2026-05-31T23:59:05+08:00", "release", "ok", "200");
    csv.add("2026-06-01T00:01:30+08:00", "release", "ok", "200");  // within the 2 minutes
    csv.add("2026-06-01T00:05:05+08:00", "update_check", "ok", "200");
    const auto file = w.dir.write("future.csv", csv.text);
    auto r = run(
        {slawatch_bin(), "replay", "--input", file.string(), "--config", w.config, "--db", w.db},
        {}, seconds(60), {clock});
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(file.string() + ":4: ") != std::string::npos);
    CHECK(r.err.find("in the future") != std::string::npos);
    // All or nothing: not even the rows before it.
    if (fs::exists(w.db)) CHECK(count_rows(w.db, "SELECT count(*) FROM probe_result") == 0);

    // Within the tolerance the same file without line 4 is imported.
    Csv near;
    near.add("2026-05-31T23:59:05+08:00", "release", "ok", "200");
    near.add("2026-06-01T00:01:30+08:00", "release", "ok", "200");
    r = run({slawatch_bin(), "replay", "--input", w.dir.write("near.csv", near.text).string(),
             "--config", w.config, "--db", w.db},
            {}, seconds(60), {clock});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(count_rows(w.db, "SELECT count(*) FROM probe_result") == 2);
}

TEST_CASE(
    "daemon safety: a success replayed ahead of time cannot hide the outage the daemon "
    "then watches",
    "[daemon][integration]") {
    // The daemon watches minute M from 25 s before it; the replay ran 5 minutes earlier.
    const auto clock = TestClock::before_minute(25'000);
    const std::int64_t M = clock.now_ms() / 60'000 + 1;
    auto early = clock;
    early.advance(-300'000);

    Rig rig;
    rig.env = clock.env();
    // A real outage: every run of both probes fails throughout M.
    rig.start_sim("[[fault]]\nkind = \"http_5xx\"\nfrom = " + utc(M * 60) +
                  "\nuntil = " + utc((M + 1) * 60) + "\n");
    rig.dir.write("slawatch.toml", rig.config(6, 3));
    // 30.123 s into M: never the send time of one of the daemon's own runs.
    auto at = utc(M * 60 + 30);
    at.insert(at.size() - 1, ".123");
    const auto csv =
        rig.dir.write("ahead.csv", "time,probe,outcome,http_status\n" + at +
                                       ",management,ok,200\n" + at + ",release,ok,200\n");
    auto r = run(
        {slawatch_bin(), "replay", "--input", csv.string(), "--config", rig.config_file().string()},
        {}, seconds(60), early.env());
    INFO(r.err);
    REQUIRE(r.exit_code == 2);
    CHECK(r.err.find(csv.string() + ":2: ") != std::string::npos);

    rig.start_daemon();
    REQUIRE(rig.finalized(M + 1, milliseconds((M + 1) * 60'000 - clock.now_ms() + 20'000)));
    INFO(rig.daemon->err());
    CHECK(rig.state(M, "management") == "down");
    CHECK(rig.state(M, "service") == "down");
    rig.daemon->signal(SIGTERM);
    REQUIRE(rig.daemon->wait(seconds(15)) == 0);

    // The test can fail: imported now (M is past), the same rows make M `up`.
    r = run(
        {slawatch_bin(), "replay", "--input", csv.string(), "--config", rig.config_file().string()},
        {}, seconds(60), clock.env());
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(rig.state(M, "management") == "up");
    CHECK(rig.state(M, "service") == "up");
}

TEST_CASE(
    "daemon safety: the daemon says so when it starts in front of results already stored "
    "for a time still to come",
    "[daemon][integration]") {
    Rig rig;
    rig.start_sim("");
    rig.dir.write("slawatch.toml", rig.config(6, 3));
    // Within replay's 2 minutes: imported, and it will count in its minute.
    auto at = utc(now_ms() / 1000 + 90);
    at.insert(at.size() - 1, ".123");
    const auto csv = rig.dir.write("near.csv", "time,probe,outcome\n" + at + ",management,ok\n");
    auto r = run({slawatch_bin(), "replay", "--input", csv.string(), "--config",
                  rig.config_file().string()});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    rig.start_daemon();
    REQUIRE(eventually(
        [&] {
            return rig.daemon->err().find("results sent after this clock") != std::string::npos;
        },
        seconds(10)));
    CHECK(rig.daemon->err().find("the database holds 1 results") != std::string::npos);
    rig.daemon->signal(SIGTERM);
    CHECK(rig.daemon->wait(seconds(15)) == 0);
}

TEST_CASE("daemon safety: claim --output writes 0600 whatever the umask, also over a file",
          "[cli]") {
    World w;
    Csv csv;
    healthy_others(csv, "2026-06-01T00:00");
    csv.minute("2026-06-01T00:00", "update_check", 0);
    REQUIRE(w.replay(csv).exit_code == 0);
    const auto out = w.dir / "claim.json";
    const auto old_mask = ::umask(0);
    auto r =
        w.slawatch({"claim", "--month", "2026-06", "--format", "json", "--output", out.string()});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(mode_of(out) == 0600);
    const auto written = read_file(out);
    CHECK(written.find("\"availability_percent\"") != std::string::npos);

    // An existing, readable, longer file: tightened and replaced.
    w.dir.write("claim.json", written + std::string(10'000, 'x'));
    fs::permissions(out, fs::perms(0666));
    REQUIRE(mode_of(out) == 0666);
    r = w.slawatch({"claim", "--month", "2026-06", "--format", "json", "--output", out.string()});
    ::umask(old_mask);
    CHECK(r.exit_code == 0);
    CHECK(mode_of(out) == 0600);
    CHECK(read_file(out) == written);
}

TEST_CASE("daemon safety: a crashing run dumps no core holding its secrets",
          "[daemon][integration]") {
    Rig rig;
    rig.start_sim("");
    const auto key = (rig.dir / "signing.pem").string();
    make_signing_key(key);
    const auto der = (rig.dir / "signing.der").string();
    REQUIRE(
        run({"/usr/bin/openssl", "pkey", "-in", key, "-outform", "DER", "-out", der}).exit_code ==
        0);
    const auto pkcs8 = read_file(der);
    REQUIRE(pkcs8.size() > 32);
    const std::string seed = pkcs8.substr(pkcs8.size() - 32);  // the raw private key
    fs::remove(der);
    const std::string secret_key = "testsecretkeytestsecretkey000001";  // Rig's SecretKey
    rig.dir.write("slawatch.toml",
                  rig.config(30, 3, "[evidence]\nsigning_key_file = \"" + key + "\"\n\n"));

    auto pattern = read_file("/proc/sys/kernel/core_pattern");
    while (!pattern.empty() && pattern.back() == '\n') pattern.pop_back();
    CoresAllowed cores(rig.dir.path());

    // The control: an unprotected process under the same settings does dump here.
    bool control_dumped = false;
    if (pattern.starts_with("|") || pattern.find('/') != std::string::npos) {
        WARN("core_pattern is '" << pattern << "': cores go elsewhere, the control is skipped");
    } else {
        Process sleeper({"/bin/sleep", "30"}, rig.dir.path());
        std::this_thread::sleep_for(milliseconds(200));
        sleeper.signal(SIGSEGV);
        REQUIRE(sleeper.wait(seconds(10)) == 128 + SIGSEGV);
        control_dumped = sleeper.core_dumped();
        if (!control_dumped) {
            WARN("this machine dumped no core of an unprotected process: the control is skipped");
        } else {
            CHECK(!core_files(rig.dir.path()).empty());
            for (const auto& f : core_files(rig.dir.path())) fs::remove(f);
        }
    }

    // `run` with its SecretKey and signing key loaded, probing with them. Under
    // AddressSanitizer its own SIGSEGV handler would report and exit instead of
    // letting the kernel kill the process (and dump it, were it dumpable).
    rig.env.push_back("ASAN_OPTIONS=handle_segv=0");
    rig.start_daemon();
    REQUIRE(eventually(
        [&] {
            auto [status, text] = http_get(rig.metrics_port, "/metrics");
            return status == 200 && text.find("slawatch_probe_results_total{") != std::string::npos;
        },
        seconds(20)));
    rig.daemon->signal(SIGSEGV);
    REQUIRE(rig.daemon->wait(seconds(10)) == 128 + SIGSEGV);
    CHECK_FALSE(rig.daemon->core_dumped());
    const auto left = core_files(rig.dir.path());
    if (control_dumped) CHECK(left.empty());
    for (const auto& f : left) {
        const auto text = read_file(f);
        CHECK(text.find(secret_key) == std::string::npos);
        CHECK(text.find(seed) == std::string::npos);
    }
}
