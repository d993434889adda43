// SPDX-License-Identifier: Apache-2.0
// The real `slawatch` on a database whose config changes under it (R3, R4,
// R7: figures always match the config in force), on sparse minutes, on a
// missing database and beside a running daemon (the single-writer lock).

#include "storage/schema.hpp"
#include "storage/writer_lock.hpp"
#include "tests/support/config_text.hpp"
#include "tests/support/old_schema.hpp"
#include "tests/support/process.hpp"
#include "tests/support/sqlite_query.hpp"

#include <signal.h>
#include <sqlite3.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

using namespace slawatch;
using namespace slawatch::testing;
using namespace std::chrono;

namespace {

struct Settings {
    std::string zone = "Asia/Shanghai";
    int min_samples = 3;
    std::string extra;  // e.g. a [[maintenance]] table
    std::string start = "2026-03-17";
    int months = 3;
    std::uint16_t metrics_port = 0;  // 0: no [metrics]
};

std::string config_text(const Settings& s) {
    const std::string timeout = "timeout = \"1s\"\n";
    return config_toml(
        {.name = "derived-test",
         .timezone = s.zone,
         .start = s.start,
         .months = s.months,
         .monitor = fmt::format("probes_per_minute = 6\nmin_samples = {}\n", s.min_samples),
         .db = "e.db",
         .tables = s.metrics_port
                       ? fmt::format("\n[metrics]\nlisten = \"127.0.0.1:{}\"\n", s.metrics_port)
                       : std::string(),
         .probes = {{.name = "update_check", .path = "check", .lines = timeout},
                    {.name = "release", .path = "release", .lines = timeout},
                    {.name = "ref", .path = "ref", .control = true, .lines = timeout}},
         .extra = s.extra});
}

// `samples` results of `probe` in the minute starting at `at` (RFC 3339
// without seconds and zone, e.g. "2026-06-01T00:00"), the first `failures` failing.
std::string minute_csv(const std::string& at, const std::string& zone, const std::string& probe,
                       int failures, int samples = 6) {
    std::string out;
    for (int i = 0; i < samples; ++i) {
        if (i < failures) {
            out += fmt::format("{}:{:02}{},{},http_5xx,503,,req-{}-{}\n", at, i * 10 + 5, zone,
                               probe, probe, i);
        } else {
            out += fmt::format("{}:{:02}{},{},ok,200,,\n", at, i * 10 + 5, zone, probe);
        }
    }
    return out;
}

// update_check down, release and ref up in that minute.
std::string down_minute(const std::string& at, const std::string& zone = "+08:00") {
    return minute_csv(at, zone, "update_check", 6) + minute_csv(at, zone, "release", 0) +
           minute_csv(at, zone, "ref", 0);
}

const std::string header = "time,probe,outcome,http_status,error_code,request_id\n";

struct World {
    TempDir dir;
    std::string config;
    std::string db;
    explicit World(const Settings& s = {})
        : config(dir.write("c.toml", config_text(s)).string()), db((dir / "e.db").string()) {}

    void edit(const Settings& s) const { dir.write("c.toml", config_text(s)); }

    RunResult slawatch(std::vector<std::string> args) const {
        args.insert(args.begin(), slawatch_bin());
        args.insert(args.end(), {"--config", config, "--db", db});
        return run(args);
    }
    RunResult replay(const std::string& rows, const std::string& name = "in.csv") const {
        return slawatch({"replay", "--input", dir.write(name, header + rows).string()});
    }
    RunResult report(const std::string& month) const {
        return slawatch({"report", "--month", month, "--format", "json"});
    }
    RunResult claim(const std::string& month) const {
        return slawatch({"claim", "--month", month, "--format", "json"});
    }
    // The service row's state at local minute `at` ("2026-06-01T00:00").
    RunResult minute(const std::string& at, const std::string& zone = "+08:00") const {
        return slawatch({"minutes", "--from", at + ":00" + zone, "--to", at + ":59" + zone,
                         "--probe", "service"});
    }
};

std::string state_in(const RunResult& minutes) {
    // "minute,probe,state,samples,failures\n<row>\n"
    const auto row = minutes.out.substr(minutes.out.find('\n') + 1);
    const auto a = row.find(',', row.find(',') + 1) + 1;
    return row.substr(a, row.find(',', a) - a);
}

const std::string maintenance_at_0000 = R"(
[[maintenance]]
start = 2026-06-01T00:00:00+08:00
end = 2026-06-01T00:01:00+08:00
announced = 2026-05-25T10:00:00+08:00
reason = "planned"
)";

template <class Edit>
Settings settings(Edit edit) {
    Settings s;
    edit(s);
    return s;
}

Settings with_maintenance() {
    return settings([](Settings& s) { s.extra = maintenance_at_0000; });
}

}  // namespace

TEST_CASE("R4: a maintenance window added to the config changes report, claim and minutes",
          "[derived]") {
    World w;
    REQUIRE(w.replay(down_minute("2026-06-01T00:00")).exit_code == 0);
    auto r = w.report("2026-06");
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("\"unavailable_minutes\": 1,"));

    w.edit(with_maintenance());
    r = w.report("2026-06");
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("\"unavailable_minutes\": 0,"));
    CHECK_THAT(r.out, Catch::Contains("\"maintenance\": 1,"));
    const auto c = w.claim("2026-06");
    REQUIRE(c.exit_code == 0);
    CHECK_THAT(c.out, Catch::Contains("\"unavailable_minutes\": 0,"));
    CHECK_THAT(c.out, !Catch::Contains("req-update_check"));
    CHECK(state_in(w.minute("2026-06-01T00:00")) == "maintenance");

    // And back: the window removed from the config counts the minute again.
    w.edit({});
    CHECK(state_in(w.minute("2026-06-01T00:00")) == "down");
    CHECK_THAT(w.claim("2026-06").out, Catch::Contains("req-update_check-0"));
    CHECK_THAT(w.report("2026-06").out, Catch::Contains("\"unavailable_minutes\": 1,"));
}

TEST_CASE("R3: a min_samples edit changes report, claim and minutes", "[derived]") {
    World w;
    // Two samples, both failed: too few for min_samples 3.
    REQUIRE(w.replay(minute_csv("2026-06-01T00:00", "+08:00", "update_check", 2, 2) +
                     minute_csv("2026-06-01T00:00", "+08:00", "release", 0) +
                     minute_csv("2026-06-01T00:00", "+08:00", "ref", 0))
                .exit_code == 0);
    CHECK(state_in(w.minute("2026-06-01T00:00")) == "unknown");
    CHECK_THAT(w.report("2026-06").out, Catch::Contains("\"unavailable_minutes\": 0,"));

    w.edit(settings([](Settings& s) { s.min_samples = 2; }));
    // The first command after the edit is `minutes`: it re-derives too.
    CHECK(state_in(w.minute("2026-06-01T00:00")) == "down");
    CHECK_THAT(w.report("2026-06").out, Catch::Contains("\"unavailable_minutes\": 1,"));
    CHECK_THAT(w.claim("2026-06").out, Catch::Contains("req-update_check-1"));
}

TEST_CASE("R1 R7: a time zone edit moves a minute to the other month in report and claim",
          "[derived]") {
    // 2026-05-01T00:30+08:00 is 2026-04-30T16:30Z: May in Shanghai, April in UTC.
    World w;
    REQUIRE(w.replay(down_minute("2026-05-01T00:30")).exit_code == 0);
    CHECK_THAT(w.report("2026-04").out, Catch::Contains("\"unavailable_minutes\": 0,"));
    CHECK_THAT(w.report("2026-05").out, Catch::Contains("\"unavailable_minutes\": 1,"));

    w.edit(settings([](Settings& s) { s.zone = "UTC"; }));
    // April's figures come from whole UTC days of the rollup: it was rebuilt.
    const auto april = w.claim("2026-04");
    REQUIRE(april.exit_code == 0);
    CHECK_THAT(april.out, Catch::Contains("\"unavailable_minutes\": 1,"));
    CHECK_THAT(april.out, Catch::Contains("2026-04-30T16:30"));
    CHECK_THAT(w.report("2026-04").out, Catch::Contains("\"unavailable_minutes\": 1,"));
    CHECK_THAT(w.report("2026-05").out, Catch::Contains("\"unavailable_minutes\": 0,"));
    CHECK(state_in(w.minute("2026-04-30T16:30", "Z")) == "down");
}

TEST_CASE("R3: a config edit while a writer holds the database is honoured without writing",
          "[derived]") {
    World w;
    REQUIRE(w.replay(down_minute("2026-06-01T00:00")).exit_code == 0);
    {
        // This process holds the writer lock, as a running daemon would.
        const auto lock = storage::WriterLock::acquire(w.db, "slawatch run");
        CHECK(w.report("2026-06").exit_code == 0);

        // Readers derive the minutes in memory from the verified results under
        // the config they are given: the edit shows at once, and the stored
        // rows (the daemon's own) are neither read nor rewritten.
        const auto stored = count_rows(w.db, "SELECT sum(v) FROM minute");
        w.edit(with_maintenance());
        const auto r = w.report("2026-06");
        CHECK(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::Contains("\"maintenance\": 1,"));
        CHECK_THAT(r.out, Catch::Contains("\"unavailable_minutes\": 0,"));
        CHECK(state_in(w.minute("2026-06-01T00:00")) == "maintenance");
        CHECK(count_rows(w.db, "SELECT sum(v) FROM minute") == stored);
        // `rederive` writes the stored rows, so it still waits for the writer.
        const auto re = w.slawatch({"rederive"});
        CHECK(re.exit_code == 1);
        CHECK_THAT(re.err, Catch::Contains(fmt::format("PID {}", ::getpid())));
    }
    // The writer gone, `rederive` brings the daemon's rows up to date and says so.
    const auto re = w.slawatch({"rederive"});
    REQUIRE(re.exit_code == 0);
    CHECK_THAT(re.out, Catch::Contains("re-derived the minutes"));
    CHECK_THAT(w.slawatch({"rederive"}).out, Catch::Contains("nothing to re-derive"));
    const auto r = w.report("2026-06");
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK_THAT(r.out, Catch::Contains("\"maintenance\": 1,"));
}

TEST_CASE("a read-only command on a missing database exits 2 and creates nothing", "[derived]") {
    // A term around today, or `status` would stop at "outside the contract term".
    World w(settings([](Settings& s) {
        s.start = "2026-01-01";
        s.months = 24;
    }));
    const auto missing = (w.dir / "typo.db").string();
    const std::vector<std::vector<std::string>> commands = {
        {"report", "--month", "2026-06"},
        {"claim", "--month", "2026-06"},
        {"minutes", "--from", "2026-06-01T00:00:00+08:00", "--to", "2026-06-01T00:10:00+08:00"},
        {"incidents", "--month", "2026-06"},
        {"status"},
        {"maintenance", "list"},
        {"alerts", "list"},
        {"rederive"},
    };
    for (auto args : commands) {
        INFO(args[0]);
        args.insert(args.begin(), slawatch_bin());
        args.insert(args.end(), {"--config", w.config, "--db", missing});
        const auto r = run(args);
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK_THAT(r.err, Catch::Contains("no evidence database at " + missing));
        CHECK_FALSE(std::filesystem::exists(missing));
        CHECK_FALSE(std::filesystem::exists(missing + ".lock"));
    }
}

TEST_CASE("R3: a stray row months away costs no minute rows and unknown stays unknown",
          "[derived]") {
    World w;
    // The term's first and last minute, three months apart.
    REQUIRE(w.replay(down_minute("2026-03-17T00:00") + down_minute("2026-06-16T23:59")).exit_code ==
            0);
    // Two minutes x (service + 3 probes); nothing for the months between.
    CHECK(count_rows(w.db, "SELECT count(*) FROM minute") == 8);
    CHECK(count_rows(w.db, "SELECT count(*) FROM day_count") <= 8);
    CHECK(count_rows(w.db, "PRAGMA page_count") * count_rows(w.db, "PRAGMA page_size") <
          256 * 1024);

    const auto april = w.report("2026-04");
    REQUIRE(april.exit_code == 0);
    CHECK_THAT(april.out, Catch::Contains("\"unknown_minutes\": 43200,"));
    const auto june = w.report("2026-06");
    CHECK_THAT(june.out, Catch::Contains("\"unavailable_minutes\": 1,"));
    CHECK_THAT(june.out, Catch::Contains(fmt::format("\"unknown_minutes\": {},", 16 * 1440 - 1)));
    // `minutes` still lists every minute of the gap, as unknown.
    const auto gap = w.slawatch(
        {"minutes", "--from", "2026-04-01T00:00:00+08:00", "--to", "2026-04-01T00:10:00+08:00"});
    REQUIRE(gap.exit_code == 0);
    CHECK(std::count(gap.out.begin(), gap.out.end(), '\n') == 1 + 10 * 4);
    CHECK(gap.out.find(",update_check,unknown,0,0\n") != std::string::npos);
    CHECK(gap.out.find(",up,") == std::string::npos);
}

TEST_CASE(
    "single writer: a second run, a replay and a maintenance change are refused while "
    "the daemon runs",
    "[derived][integration]") {
    const auto port = free_port();
    // A term around today: the daemon finalizes minutes as it runs.
    auto running = [port](Settings& s) {
        s.start = "2026-01-01";
        s.months = 24;
        s.metrics_port = port;
    };
    World w(settings(running));
    REQUIRE(w.replay(down_minute("2026-06-01T00:00")).exit_code == 0);
    Process daemon(
        {slawatch_bin(), "run", "--config", w.config, "--db", w.db, "--log-format", "plain"},
        w.dir.path());
    REQUIRE(wait_for_port(port, seconds(20)));
    const auto holder = fmt::format("slawatch run (PID {})", daemon.pid());

    const auto second =
        run({slawatch_bin(), "run", "--config", w.config, "--db", w.db}, {}, seconds(20));
    CHECK(second.exit_code == 1);
    CHECK_THAT(second.err, Catch::Contains(holder));
    const auto replay = w.replay(down_minute("2026-06-01T00:01"), "more.csv");
    CHECK(replay.exit_code == 1);
    CHECK_THAT(replay.err, Catch::Contains(holder));
    const auto add =
        w.slawatch({"maintenance", "add", "--start", "2026-06-01T00:00:00+08:00", "--end",
                    "2026-06-01T00:01:00+08:00", "--announced", "2026-05-01T00:00:00+08:00"});
    CHECK(add.exit_code == 1);
    CHECK_THAT(add.err, Catch::Contains(holder));
    CHECK(w.slawatch({"maintenance", "remove", "--id", "1"}).exit_code == 1);

    // Readers keep working beside it.
    const auto r = w.report("2026-06");
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("\"unavailable_minutes\": 1,"));
    CHECK(w.slawatch({"maintenance", "list"}).exit_code == 0);

    // An edit the daemon has not loaded: readers derive under it at once
    // (from the verified results, in memory), and so does the daemon after SIGHUP.
    w.edit(settings([&](Settings& s) {
        running(s);
        s.extra = maintenance_at_0000;
    }));
    const auto edited = w.report("2026-06");
    CHECK(edited.exit_code == 0);
    CHECK_THAT(edited.out, Catch::Contains("\"maintenance\": 1,"));
    daemon.signal(SIGHUP);
    CHECK(eventually([&] { return w.report("2026-06").exit_code == 0; }, seconds(20)));
    CHECK_THAT(w.report("2026-06").out, Catch::Contains("\"maintenance\": 1,"));

    daemon.signal(SIGTERM);
    REQUIRE(daemon.wait(seconds(20)) == 0);
    // The lock died with it: a writer may start now.
    CHECK(w.replay(down_minute("2026-06-01T00:01"), "more.csv").exit_code == 0);
}

TEST_CASE("a reading command migrates a version 2 database when no daemon runs", "[derived]") {
    World w;
    REQUIRE(w.replay(down_minute("2026-06-01T00:00")).exit_code == 0);
    {
        // What version 2 stored: a row for each derived minute, evidence or not.
        sqlite3* h = nullptr;
        REQUIRE(sqlite3_open(w.db.c_str(), &h) == SQLITE_OK);
        REQUIRE(sqlite3_exec(h,
                             (std::string(testing::old_tables_sql) +
                              "INSERT INTO minute (probe, minute, v) SELECT id, 29670000, 2 FROM "
                              "probe; " +
                              testing::without_evidence_log_sql)
                                 .c_str(),
                             nullptr, nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(h);
    }
    REQUIRE(count_rows(w.db, "SELECT count(*) FROM minute") == 8);
    {
        const auto lock = storage::WriterLock::acquire(w.db, "slawatch run");
        const auto r = w.report("2026-06");
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains("has schema version 2 and needs a migration") &&
                              Catch::Contains("restart the daemon with this version"));
    }
    const auto r = w.report("2026-06");
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("\"unavailable_minutes\": 1,"));
    CHECK(count_rows(w.db, "PRAGMA user_version") == storage::schema::current_version);
    CHECK(count_rows(w.db, "SELECT count(*) FROM minute") == 4);
}
