// SPDX-License-Identifier: Apache-2.0
// The real `slawatch replay` as an importer: idempotent (same file twice,
// overlapping files), conflicts naming both lines, the CSV as exported
// (omitted trailing columns, BOM), the contract term, stray rows, and
// replays killed with SIGKILL at random moments (all or nothing).

#include "sla/time.hpp"
#include "tests/support/process.hpp"
#include "tests/support/replay_world.hpp"

#include <signal.h>
#include <sqlite3.h>
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace slawatch::testing;

namespace {

// Ten local minutes from 2026-06-01T00:00+08:00, some failing, all probes.
Csv ten_minutes(int first = 0, int last = 9) {
    Csv csv;
    for (int m = first; m <= last; ++m) {
        const auto at = fmt::format("2026-06-01T00:{:02}", m);
        csv.minute(at, "update_check", m % 3 == 0 ? 6 : 1);
        csv.minute(at, "release", m == 4 ? 6 : 0, "api_error", "200");
        csv.minute(at, "ref", 0);
    }
    return csv;
}

struct Figures {
    std::string report;
    std::string minutes;
    std::int64_t results;
};

Figures figures(World& w) {
    const auto m = w.slawatch(
        {"minutes", "--from", "2026-06-01T00:00:00+08:00", "--to", "2026-06-01T00:10:00+08:00"});
    REQUIRE(m.exit_code == 0);
    return {figures_only(w.report("2026-06")), m.out,
            count_rows(w.db, "SELECT count(*) FROM probe_result")};
}

std::string integrity(const std::string& db) {
    sqlite3* h = nullptr;
    REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, nullptr) == SQLITE_OK);
    std::string out = "no answer";
    if (sqlite3_step(st) == SQLITE_ROW) {
        out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
    return out;
}

void remove_db(const std::string& db) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
}

}  // namespace

TEST_CASE("replay: the same file twice and two overlapping files give identical reports",
          "[replay]") {
    World once;
    const auto all = ten_minutes();
    auto r = once.replay(all);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("imported 180 results: 180 new, 0 identical, 0 conflicting"));
    const auto expected = figures(once);
    CHECK(expected.results == 180);
    CHECK_THAT(expected.report, Catch::Contains("\"unavailable_minutes\": 5,"));

    SECTION("the same file again changes nothing") {
        r = once.replay(all);
        REQUIRE(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::Contains("180 results: 0 new, 180 identical, 0 conflicting"));
        const auto again = figures(once);
        CHECK(again.report == expected.report);
        CHECK(again.minutes == expected.minutes);
        CHECK(again.results == expected.results);
    }
    SECTION("two overlapping files import the union") {
        World twice;
        REQUIRE(twice.replay(ten_minutes(0, 5), "a.csv").exit_code == 0);
        r = twice.replay(ten_minutes(3, 9), "b.csv");
        REQUIRE(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::Contains("126 results: 72 new, 54 identical, 0 conflicting"));
        const auto merged = figures(twice);
        CHECK(merged.report == expected.report);
        CHECK(merged.minutes == expected.minutes);
        CHECK(merged.results == expected.results);
    }
}

TEST_CASE("replay: a conflicting duplicate fails naming both lines and imports nothing",
          "[replay]") {
    World w;
    SECTION("both lines in one file") {
        Csv csv;
        csv.add("2026-06-01T00:00:05+08:00", "update_check", "ok", "200");  // line 2
        csv.add("2026-06-01T00:00:15+08:00", "update_check", "ok", "200");  // line 3
        csv.add("2026-06-01T00:00:05+08:00", "update_check", "ok", "200");  // line 4: same
        csv.add("2026-06-01T00:00:05.000+08:00", "update_check", "http_5xx", "503");  // line 5
        csv.add("2026-06-01T00:00:05+08:00", "release", "http_5xx", "503");           // other probe
        const auto r = w.replay(csv);
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains("in.csv:5: update_check at 2026-06-01T00:00:05"));
        CHECK_THAT(r.err, Catch::Contains("http_5xx 503 conflicts with line 2: ok 200"));
        CHECK_THAT(r.err, Catch::Contains("5 rows: 3 new, 1 identical, 1 conflicting"));
        CHECK_THAT(r.err, Catch::Contains("nothing imported"));
        CHECK(count_rows(w.db, "SELECT count(*) FROM probe_result") == 0);
        CHECK(count_rows(w.db, "SELECT count(*) FROM minute") == 0);
    }
    SECTION("one line against a result imported before") {
        REQUIRE(w.replay(ten_minutes(0, 0), "first.csv").exit_code == 0);
        const auto before = count_rows(w.db, "SELECT count(*) FROM probe_result");
        const auto minutes_before = count_rows(w.db, "SELECT count(*) FROM minute");
        Csv csv;
        csv.add("2026-06-01T00:05:05+08:00", "update_check", "ok", "200");  // new
        // update_check failed at 00:00:05 with request req-update_check-2026-06-01T00:00-0.
        csv.add("2026-06-01T00:00:05+08:00", "update_check", "ok", "200");
        const auto r = w.replay(csv, "second.csv");
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains("second.csv:3: update_check at 2026-06-01T00:00:05"));
        CHECK_THAT(r.err,
                   Catch::Contains("conflicts with the result stored before: http_5xx 503 request "
                                   "req-update_check-2026-06-01T00:00-0"));
        CHECK_THAT(r.err, Catch::Contains("2 rows: 1 new, 0 identical, 1 conflicting"));
        CHECK(count_rows(w.db, "SELECT count(*) FROM probe_result") == before);
        CHECK(count_rows(w.db, "SELECT count(*) FROM minute") == minutes_before);
    }
}

TEST_CASE("replay: trailing optional columns may be omitted and a UTF-8 BOM is accepted",
          "[replay]") {
    World w;
    // As the documentation's own example writes it, with a BOM and CRLF line ends.
    const auto file = w.dir.write("bom.csv",
                                  "\xEF\xBB\xBFtime,probe,outcome,http_status\r\n"
                                  "2026-06-01T00:00:05+08:00,update_check,ok\r\n"
                                  "2026-06-01T00:00:15+08:00,update_check,http_5xx,503\r\n"
                                  "\"2026-06-01T00:00:25+08:00\" , \"update_check\" ,ok\r\n");
    const auto r = w.slawatch({"replay", "--input", file.string()});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("imported 3 results: 3 new"));
    CHECK(count_rows(w.db,
                     "SELECT count(*) FROM probe_result WHERE http_status IS NULL "
                     "AND outcome = 0") == 2);
    CHECK(count_rows(w.db, "SELECT count(*) FROM probe_result WHERE http_status = 503") == 1);

    // Everything else stays all or nothing: a required column may not be left out,
    // and a BOM anywhere but before the header is no column name.
    const auto short_row = w.dir.write(
        "short.csv", "time,probe,outcome,http_status\n2026-06-01T00:01:05+08:00,update_check\n");
    auto bad = w.slawatch({"replay", "--input", short_row.string()});
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Catch::Contains("short.csv:2: expected at least 3 columns, found 2"));
    const auto late_bom = w.dir.write("late.csv", "\n\xEF\xBB\xBFtime,probe,outcome\n");
    bad = w.slawatch({"replay", "--input", late_bom.string()});
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Catch::Contains("late.csv:2: unknown column"));
    const auto after_quote = w.dir.write(
        "quote.csv", "time,probe,outcome\n\"2026-06-01T00:01:05+08:00\"x,update_check,ok\n");
    bad = w.slawatch({"replay", "--input", after_quote.string()});
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Catch::Contains("quote.csv:2: text after a closing quote"));
    CHECK(count_rows(w.db, "SELECT count(*) FROM probe_result") == 3);
}

TEST_CASE("replay: rows outside the contract term fail naming the line unless skipped",
          "[replay]") {
    World w;  // the term is 2026-03-17 to 2026-06-16 (Asia/Shanghai)
    Csv csv;
    csv.add("2026-06-16T23:59:55+08:00", "update_check", "ok", "200");  // last second of the term
    csv.add("2026-06-17T00:00:05+08:00", "update_check", "ok", "200");  // line 3: after it
    csv.add("2026-03-16T23:59:55+08:00", "update_check", "ok", "200");  // line 4: before it
    auto r = w.replay(csv);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("in.csv:3: 2026-06-17T00:00:05.000+08:00 is outside the "
                                      "contract term (2026-03-17 to 2026-06-16)"));
    CHECK(count_rows(w.db, "SELECT count(*) FROM probe_result") == 0);

    r = w.slawatch({"replay", "--skip-outside-term", "--input", (w.dir / "in.csv").string()});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("imported 1 results: 1 new"));
    CHECK_THAT(r.out, Catch::Contains("skipped 2 rows outside the contract term"));
    CHECK(count_rows(w.db, "SELECT count(*) FROM probe_result") == 1);
}

TEST_CASE("replay: a far-away stray row derives its own minute, not every minute between",
          "[replay]") {
    World w;
    Csv csv;
    csv.minute("2026-03-17T00:00", "update_check", 0);  // the first minute of the term
    csv.minute("2026-06-16T23:59", "update_check", 6);  // and its last
    const auto r = w.replay(csv);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("derived 2 minutes"));
    CHECK(count_rows(w.db, "SELECT count(DISTINCT minute) FROM minute") == 2);
    CHECK(count_rows(w.db, "SELECT count(DISTINCT day) FROM day_count") == 2);
}

TEST_CASE(
    "durability: replays killed at random moments leave nothing or everything, "
    "minutes included",
    "[replay]") {
    // SLAWATCH_REPLAY_KILLS sets the number of kills (scripts/kill-test.sh).
    const char* env = std::getenv("SLAWATCH_REPLAY_KILLS");
    const int kills = env ? std::max(1, std::atoi(env)) : 10;
    World w;
    // 3 probes x 6 a minute for 6 days (155,520 rows), 1 in 7 update_check runs failing.
    const slawatch::sla::TimeZone utc;
    const slawatch::sla::EpochMillis t0 = 1'780'243'200'000;  // 2026-06-01T00:00:00+08:00
    const int days = 6;
    std::string csv = "time,probe,outcome,http_status\n";
    std::int64_t rows = 0;
    for (int m = 0; m < days * 1440; ++m) {
        for (int s = 0; s < 6; ++s) {
            const auto ms = t0 + m * 60'000LL + s * 10'000 + 5'000;
            const auto time = utc.format_millis(ms);
            const bool fail = (m + s) % 7 == 0;
            csv += fmt::format("{},update_check,{}\n", time, fail ? "http_5xx,503" : "ok,200");
            csv += fmt::format("{},release,ok,200\n", time);
            csv += fmt::format("{},ref,ok\n", time);
            rows += 3;
        }
    }
    const auto file = w.dir.write("big.csv", csv).string();
    const std::vector<std::string> args = {slawatch_bin(), "replay", "--config", w.config,
                                           "--db",         w.db,     "--input",  file};

    // A full run: its duration bounds the kill moments, its counts are "everything".
    const auto start = std::chrono::steady_clock::now();
    REQUIRE(run(args).exit_code == 0);
    const auto full_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now() - start)
                             .count();
    const auto all_results = count_rows(w.db, "SELECT count(*) FROM probe_result");
    const auto all_minutes = count_rows(w.db, "SELECT count(*) FROM minute");
    const auto all_days = count_rows(w.db, "SELECT count(*) FROM day_count");
    REQUIRE(all_results == rows);
    REQUIRE(all_minutes == days * 1440 * 4);

    std::random_device device;
    const auto seed = device();
    std::mt19937 rng(seed);
    std::uniform_int_distribution<long> moment(0, full_ms + full_ms / 5);
    int none = 0;
    int everything = 0;
    for (int k = 0; k < kills; ++k) {
        remove_db(w.db);
        const auto at = moment(rng);
        Process p(args, w.dir.path());
        std::this_thread::sleep_for(std::chrono::milliseconds(at));
        p.signal(SIGKILL);
        p.wait(std::chrono::seconds(30));
        INFO("seed " << seed << ", kill " << k << " at " << at << " ms of " << full_ms);
        if (!std::filesystem::exists(w.db)) {
            ++none;  // killed before the database was created
            continue;
        }
        CHECK(integrity(w.db) == "ok");
        if (count_rows(w.db, "SELECT count(*) FROM sqlite_master WHERE name = 'probe_result'") ==
            0) {
            ++none;  // killed while the schema was being created
            continue;
        }
        const auto results = count_rows(w.db, "SELECT count(*) FROM probe_result");
        const auto minutes = count_rows(w.db, "SELECT count(*) FROM minute");
        const auto day_counts = count_rows(w.db, "SELECT count(*) FROM day_count");
        INFO(results << " results, " << minutes << " minutes, " << day_counts << " day counts");
        const bool nothing = results == 0 && minutes == 0 && day_counts == 0;
        const bool all = results == all_results && minutes == all_minutes && day_counts == all_days;
        CHECK((nothing || all));
        (all ? everything : none) += 1;
        // The obvious re-run completes the import and stores nothing twice.
        if (k == kills - 1) {
            REQUIRE(run(args).exit_code == 0);
            CHECK(count_rows(w.db, "SELECT count(*) FROM probe_result") == all_results);
            CHECK(count_rows(w.db, "SELECT count(*) FROM minute") == all_minutes);
        }
    }
    WARN("kills: " << none << " left nothing, " << everything << " left everything (seed " << seed
                   << ")");
    std::cout << "reliability: replay: " << kills << " kills survived, " << none
              << " left nothing and " << everything << " left everything of " << all_results
              << " results and " << all_minutes << " minutes (all-or-nothing held), seed " << seed
              << "\n";
}
