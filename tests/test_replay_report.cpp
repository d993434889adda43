// SPDX-License-Identifier: Apache-2.0
// The real `slawatch` on crafted CSVs: replay -> minutes/report/claim/incidents
// (R1-R5, R11, R12) and bad input.

#include "tests/support/process.hpp"
#include "tests/support/replay_world.hpp"

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <string>
#include <vector>

using namespace slawatch::testing;

TEST_CASE("R2: failures straddling a minute boundary for 50 s count as nothing", "[replay]") {
    World w;
    Csv csv;
    // 00:00:35 .. 00:01:25 all fail, but each minute also has successes.
    for (int s : {5, 15, 25})
        csv.add(fmt::format("2026-06-01T00:00:{:02}+08:00", s), "update_check", "ok", "200");
    for (int s : {35, 45, 55})
        csv.add(fmt::format("2026-06-01T00:00:{:02}+08:00", s), "update_check", "timeout");
    for (int s : {5, 15, 25})
        csv.add(fmt::format("2026-06-01T00:01:{:02}+08:00", s), "update_check", "timeout");
    for (int s : {35, 45, 55})
        csv.add(fmt::format("2026-06-01T00:01:{:02}+08:00", s), "update_check", "ok", "200");
    healthy_others(csv, "2026-06-01T00:00");
    healthy_others(csv, "2026-06-01T00:01");
    REQUIRE(w.replay(csv).exit_code == 0);
    CHECK(w.service("2026-06-01T00:00") == "up");
    CHECK(w.service("2026-06-01T00:01") == "up");
    CHECK_THAT(w.report("2026-06"), Catch::Contains("\"unavailable_minutes\": 0,"));
}

TEST_CASE("R2: one success makes the minute up, all failed makes it down", "[replay]") {
    World w;
    Csv csv;
    csv.minute("2026-06-01T00:00", "update_check", 5);
    healthy_others(csv, "2026-06-01T00:00");
    csv.minute("2026-06-01T00:01", "update_check", 6);
    healthy_others(csv, "2026-06-01T00:01");
    const auto r = w.replay(csv);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("imported 36 results: 36 new, 0 identical, 0 conflicting"));
    CHECK(w.service("2026-06-01T00:00") == "up");
    CHECK(w.service("2026-06-01T00:01") == "down");
    CHECK_THAT(w.report("2026-06"), Catch::Contains("\"unavailable_minutes\": 1,"));
}

TEST_CASE("R3: too few samples in a minute make it unknown, not unavailable", "[replay]") {
    World w;
    Csv csv;
    csv.minute("2026-06-01T00:00", "update_check", 2, "http_5xx", "503", 2);
    healthy_others(csv, "2026-06-01T00:00");
    REQUIRE(w.replay(csv).exit_code == 0);
    CHECK(w.service("2026-06-01T00:00") == "unknown");
    const auto report = w.report("2026-06");
    CHECK_THAT(report, Catch::Contains("\"unavailable_minutes\": 0,"));
    CHECK_THAT(report, Catch::Contains(fmt::format("\"unknown_minutes\": {},", 16 * 1440)));
}

TEST_CASE("R4: announced maintenance excludes a minute, unannounced does not", "[replay]") {
    World w(config_text("any", R"(
[[maintenance]]
start = 2026-06-01T00:00:00+08:00
end = 2026-06-01T00:01:00+08:00
announced = 2026-05-25T10:00:00+08:00
reason = "planned"
)"));
    Csv csv;
    for (auto at : {"2026-06-01T00:00", "2026-06-01T00:01", "2026-06-01T00:02"}) {
        csv.minute(at, "update_check", 6);
        healthy_others(csv, at);
    }
    REQUIRE(w.replay(csv).exit_code == 0);
    CHECK(w.service("2026-06-01T00:00") == "maintenance");
    CHECK(w.service("2026-06-01T00:01") == "down");
    // Added afterwards with the CLI, announced after it began: not excluded.
    auto r = w.slawatch({"maintenance", "add", "--start", "2026-06-01T00:01:00+08:00", "--end",
                         "2026-06-01T00:02:00+08:00", "--announced", "2026-06-01T00:01:30+08:00"});
    REQUIRE(r.exit_code == 0);
    CHECK(w.service("2026-06-01T00:01") == "down");
    // Announced in advance: the minutes it covers are re-derived.
    r = w.slawatch({"maintenance", "add", "--start", "2026-06-01T00:02:00+08:00", "--end",
                    "2026-06-01T00:03:00+08:00", "--announced", "2026-05-30T00:00:00+08:00",
                    "--reason", "notice"});
    REQUIRE(r.exit_code == 0);
    CHECK(w.service("2026-06-01T00:02") == "maintenance");
    const auto list = w.slawatch({"maintenance", "list", "--format", "json"});
    CHECK_THAT(list.out, Catch::Contains("\"reason\": \"notice\""));
    CHECK_THAT(list.out, Catch::Contains("\"source\": \"config\""));
    REQUIRE(w.slawatch({"maintenance", "remove", "--id", "2"}).exit_code == 0);
    CHECK(w.service("2026-06-01T00:02") == "down");
    CHECK(w.slawatch({"maintenance", "remove", "--id", "2"}).exit_code == 2);
    const auto report = w.report("2026-06");
    CHECK_THAT(report, Catch::Contains("\"unavailable_minutes\": 2,"));
    CHECK_THAT(report, Catch::Contains("\"maintenance\": 1,"));
}

TEST_CASE("R4: control probes down too make the minute local_network", "[replay]") {
    World w;
    Csv csv;
    csv.minute("2026-06-01T00:00", "update_check", 6, "connect_error", "");
    csv.minute("2026-06-01T00:00", "release", 0);
    csv.minute("2026-06-01T00:00", "ref", 6, "connect_error", "");
    REQUIRE(w.replay(csv).exit_code == 0);
    CHECK(w.service("2026-06-01T00:00") == "local_network");
    CHECK_THAT(w.report("2026-06"), Catch::Contains("\"local_network\": 1,"));
}

TEST_CASE("R4: only auth failures make a minute customer, mixed 5xx and auth make it down",
          "[replay]") {
    World w;
    Csv csv;
    csv.minute("2026-06-01T00:00", "update_check", 6, "auth_error", "401");
    healthy_others(csv, "2026-06-01T00:00");
    csv.minute("2026-06-01T00:01", "update_check", 3, "auth_error", "403");
    for (int s : {35, 45, 55}) {
        csv.add(fmt::format("2026-06-01T00:01:{}+08:00", s), "update_check", "http_5xx", "502");
    }
    // The csv helper wrote three ok samples at :35..:55; drop them.
    std::string filtered;
    std::size_t pos = 0;
    while (pos < csv.text.size()) {
        const auto end = csv.text.find('\n', pos);
        const auto line = csv.text.substr(pos, end - pos + 1);
        const bool drop = line.find("2026-06-01T00:01:") != std::string::npos &&
                          line.find("update_check,ok") != std::string::npos;
        if (!drop) filtered += line;
        pos = end + 1;
    }
    csv.text = filtered;
    healthy_others(csv, "2026-06-01T00:01");
    REQUIRE(w.replay(csv).exit_code == 0);
    CHECK(w.service("2026-06-01T00:00") == "customer");
    CHECK(w.service("2026-06-01T00:01") == "down");
}

TEST_CASE("R5: one function down makes the service down under any, not under all", "[replay]") {
    for (const std::string policy : {"any", "all"}) {
        World w(config_text(policy));
        Csv csv;
        csv.minute("2026-06-01T00:00", "update_check", 6);
        healthy_others(csv, "2026-06-01T00:00");
        REQUIRE(w.replay(csv).exit_code == 0);
        CHECK(w.service("2026-06-01T00:00") == (policy == "any" ? "down" : "up"));
    }
}

TEST_CASE("R1: a result at 23:59:30+08:00 on a month's last day lands in that month", "[replay]") {
    World w;
    Csv csv;
    csv.minute("2026-04-30T23:59", "update_check", 6);
    healthy_others(csv, "2026-04-30T23:59");
    REQUIRE(w.replay(csv).exit_code == 0);
    CHECK_THAT(w.report("2026-04"), Catch::Contains("\"unavailable_minutes\": 1,"));
    CHECK_THAT(w.report("2026-05"), Catch::Contains("\"unavailable_minutes\": 0,"));
}

TEST_CASE("R11: the claim package carries the user and order IDs and the request IDs", "[replay]") {
    World w;
    Csv csv;
    csv.minute("2026-06-01T00:00", "update_check", 6, "api_error", "200");
    healthy_others(csv, "2026-06-01T00:00");
    REQUIRE(w.replay(csv).exit_code == 0);
    for (const std::string format : {"markdown", "json"}) {
        const auto out = (w.dir / ("claim." + format)).string();
        const auto r =
            w.slawatch({"claim", "--month", "2026-06", "--format", format, "--output", out});
        REQUIRE(r.exit_code == 0);
        const auto text = read_file(out);
        CHECK_THAT(text, Catch::Contains("100000000001"));
        CHECK_THAT(text, Catch::Contains("20260317000001"));
        CHECK_THAT(text, Catch::Contains("req-update_check-2026-06-01T00:00-0"));
        CHECK_THAT(text, Catch::Contains("req-update_check-2026-06-01T00:00-5"));
        CHECK_THAT(text, Catch::Contains("api_error"));
    }
    const auto incidents = w.slawatch({"incidents", "--month", "2026-06", "--format", "json"});
    REQUIRE(incidents.exit_code == 0);
    CHECK_THAT(incidents.out, Catch::Contains("\"duration_minutes\": 1"));
    CHECK_THAT(incidents.out, Catch::Contains("\"api_error\": 6"));

    World no_ids(config_text("any", "", false));
    const auto r = no_ids.slawatch({"claim", "--month", "2026-06"});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("user_id"));
}

TEST_CASE("R12: the database holds no response body, credential or secret", "[replay]") {
    World w;
    Csv csv;
    csv.minute("2026-06-01T00:00", "update_check", 6);
    healthy_others(csv, "2026-06-01T00:00");
    REQUIRE(w.replay(csv).exit_code == 0);
    for (const auto& f : {w.db, w.db + "-wal"}) {
        const auto bytes = read_file(f);
        CHECK(bytes.find("SECRET-TOKEN-123") == std::string::npos);
        CHECK(bytes.find("BODY-WITH-PERSONAL-DATA") == std::string::npos);
        CHECK(bytes.find("Bearer") == std::string::npos);
    }
}

TEST_CASE("replay: every kind of bad line exits 2 with its line number and imports nothing",
          "[replay]") {
    World w;
    Csv good;
    good.minute("2026-06-01T00:00", "update_check", 0);
    REQUIRE(w.replay(good).exit_code == 0);
    const auto before = count_rows(w.db, "SELECT count(*) FROM probe_result");
    REQUIRE(before == 6);

    const std::string header = "time,probe,outcome,http_status\n";
    const std::string ok_line = "2026-06-01T00:05:05+08:00,update_check,ok,200\n";
    const std::vector<std::pair<std::string, std::string>> bad = {
        {header + ok_line + "2026-06-01T00:05:15+08:00,nosuch,ok,200\n", ":3: unknown probe"},
        {header + ok_line + "2026-13-01T00:05:15+08:00,update_check,ok,200\n", ":3: bad time"},
        {header + ok_line + "yesterday,update_check,ok,200\n", ":3: bad time"},
        {header + ok_line + "2026-06-01T00:05:15+08:00,update_check,fine,200\n", ":3: bad outcome"},
        {header + ok_line + "2026-06-01T00:05:15+08:00,update_check,ok,abc\n",
         ":3: bad http_status"},
        {header + ok_line + "2026-06-01T00:05:15+08:00,update_check,ok,999\n",
         ":3: bad http_status"},
        {header + ok_line + "2026-06-01T00:05:15+08:00,update_check\n",
         ":3: expected at least 3 columns, found 2"},
        {header + ok_line + "2026-06-01T00:05:15+08:00,update_check,ok,200,x\n",
         ":3: expected 4 columns"},
        {"time,probe,color\n" + ok_line, ":1: unknown column"},
        {"time,probe\n", ":1: the header must name"},
        {"", ":1: empty file"},
        {header, "no rows"},
    };
    int n = 0;
    for (const auto& [text, expected] : bad) {
        const auto file = w.dir.write(fmt::format("bad{}.csv", n++), text);
        const auto r = w.slawatch({"replay", "--input", file.string()});
        INFO(text);
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains(file.string()) && Catch::Contains(expected));
        CHECK(count_rows(w.db, "SELECT count(*) FROM probe_result") == before);
    }
}

TEST_CASE("report: a month outside the term, a bad month and a bad config exit 2", "[replay]") {
    World w;
    auto r = w.slawatch({"report", "--month", "2026-07"});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("outside the contract term"));
    CHECK(w.slawatch({"report", "--month", "2026-02"}).exit_code == 2);
    CHECK(w.slawatch({"report", "--month", "June"}).exit_code == 2);
    // A missing database is an error (a typo must not read as 100 %), and is not created.
    r = w.slawatch({"report", "--month", "2026-03", "--format", "json"});
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::Contains("no evidence database at " + w.db));
    CHECK_FALSE(std::filesystem::exists(w.db));

    const auto bad = w.dir.write("bad.toml", "[contract]\nname = 3\n");
    r = run({slawatch_bin(), "report", "--config", bad.string(), "--month", "2026-06"});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("bad.toml:"));
}
