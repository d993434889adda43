// SPDX-License-Identifier: Apache-2.0
// The real `slawatch quorum` and `claim --quorum` on the databases of three
// vantage points built with `replay`, shipped as copies (VACUUM INTO): the
// figures against ones computed by hand, every refused input, and read-only
// inputs left byte for byte as they were.

#include "tests/support/quorum_world.hpp"
#include "tests/support/replay_world.hpp"
#include "tests/support/sqlite_query.hpp"

#include <sys/stat.h>
#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>

using namespace slawatch::testing;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

// The Service Month lying in June 2026: the term's last, 2026-06-01 to 2026-06-16.
constexpr std::int64_t month_minutes = 16 * 1440;

}  // namespace

TEST_CASE("quorum: the combined month equals the figures computed by hand", "[quorum][cli]") {
    Quorum q;
    const auto r = q.quorum(2);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto j = json::parse(r.out).as_object();
    // 10:02 and 10:03 down; 10:00, 10:01, 10:05 up; the rest of the month unknown.
    CHECK(j.at("total_minutes").as_int64() == month_minutes);
    CHECK(j.at("unavailable_minutes").as_int64() == 2);
    CHECK(j.at("up_minutes").as_int64() == 3);
    CHECK(j.at("unknown_minutes").as_int64() == month_minutes - 5);
    CHECK(j.at("excluded_minutes").at("local_network").as_int64() == 0);
    // (1 - 2 / 23040) * 100 = 99.99131944... -> 99.991319
    CHECK_THAT(r.out, Catch::Contains("\"availability_percent\": 99.991319,"));
    CHECK(j.at("standard_met").as_bool());
    CHECK(j.at("compensation").at("percent").as_int64() == 0);

    const auto& quorum = j.at("quorum").as_object();
    CHECK(quorum.at("k").as_int64() == 2);
    const auto& vantages = quorum.at("vantages").as_array();
    REQUIRE(vantages.size() == 3);
    // Each host's own figures: sh-idc 4 down, bj-cloud 2 down (2 local_network),
    // gz-office 1 down (1 local_network); 6 minutes observed, the rest unknown.
    const std::vector<std::tuple<std::string, std::int64_t, std::string>> own{
        {"sh-idc", 4, "99.982639"}, {"bj-cloud", 2, "99.991319"}, {"gz-office", 1, "99.995660"}};
    for (std::size_t i = 0; i < own.size(); ++i) {
        const auto& v = vantages[i].as_object();
        CHECK(v.at("name").as_string() == std::get<0>(own[i]));
        CHECK(v.at("db").as_string() == q.dbs[i]);
        CHECK(v.at("unavailable_minutes").as_int64() == std::get<1>(own[i]));
        CHECK(v.at("unknown_minutes").as_int64() == month_minutes - 6);
        CHECK_THAT(r.out, Catch::Contains("\"availability_percent\": " + std::get<2>(own[i])));
        CHECK(v.at("verified_leaves").as_int64() == 6 * 6 * 3);
    }

    // 10:01 and 10:02: the vantage points that observed them disagreed; at
    // 10:04 only sh-idc observed it, at 10:05 the two observers agreed.
    const auto& d = j.at("disagreements").as_array();
    REQUIRE(d.size() == 2);
    CHECK(d[0].at("minute").as_string() == "2026-06-01T10:01:00+08:00");
    CHECK(d[0].at("states").at("sh-idc").as_string() == "down");
    CHECK(d[0].at("states").at("bj-cloud").as_string() == "up");
    CHECK(d[0].at("quorum_state").as_string() == "up");
    CHECK(d[1].at("minute").as_string() == "2026-06-01T10:02:00+08:00");
    CHECK(d[1].at("states").at("gz-office").as_string() == "up");
    CHECK(d[1].at("quorum_state").as_string() == "down");

    SECTION("K = 3: only what all three saw; 10:01, 10:02, 10:05 lack a quorum") {
        const auto k3 = json::parse(q.quorum(3).out).as_object();
        CHECK(k3.at("unavailable_minutes").as_int64() == 1);  // 10:03
        CHECK(k3.at("up_minutes").as_int64() == 1);           // 10:00
        CHECK(k3.at("unknown_minutes").as_int64() == month_minutes - 2);
    }
    SECTION("K = 1: any host's down counts, even against two that saw it up") {
        const auto k1 = json::parse(q.quorum(1).out).as_object();
        CHECK(k1.at("unavailable_minutes").as_int64() == 4);
        CHECK(k1.at("up_minutes").as_int64() == 2);
    }
    SECTION("text and html carry the same figures") {
        const auto text = q.quorum(2, "text");
        REQUIRE(text.exit_code == 0);
        CHECK_THAT(text.out,
                   Catch::Contains("unavailable minutes  2") &&
                       Catch::Contains("vantage point         unavailable") &&
                       Catch::Contains("disagreements: 2 minutes") &&
                       Catch::Contains("2026-06-01T10:01:00+08:00  sh-idc=down bj-cloud=up "
                                       "gz-office=up -> up"));
        const auto html = q.quorum(2, "html");
        REQUIRE(html.exit_code == 0);
        CHECK_THAT(html.out, Catch::Contains("data-figure=\"quorum_k\"") &&
                                 Catch::Contains("<td>gz-office</td>"));
        // Probes and failures by code are each host's own: not on the quorum's page.
        CHECK_THAT(html.out, !Catch::Contains("id=\"h-probes\""));
    }
}

TEST_CASE("quorum: inputs that are no independent vantage point of this contract are refused",
          "[quorum][cli]") {
    Quorum q("peers = [\"sh-idc\", \"bj-cloud\", \"gz-office\", \"hk-cloud\"]\n");
    auto refused = [&](const RunResult& r, const std::string& db, const std::string& why) {
        INFO(r.out << r.err);
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK_THAT(r.err, Catch::Contains(db) && Catch::Contains(why));
    };
    REQUIRE(q.quorum(2).exit_code == 0);

    SECTION("the same database twice, or another copy of the same vantage point") {
        refused(q.quorum(2, {q.dbs[0], q.dbs[1], q.dbs[0]}, "json"), q.dbs[0],
                "holds vantage point 'sh-idc' like");
        const auto again = (q.dir / "sh-idc-again.db").string();
        fs::copy_file(q.dbs[0], again);
        refused(q.quorum(2, {q.dbs[0], q.dbs[1], again}, "json"), again,
                "holds vantage point 'sh-idc' like " + q.dbs[0]);
    }
    SECTION("a vantage point not among [vantage] peers") {
        const auto other = q.build("sz-home", vantage_config("sz-home"), plan[0].second);
        refused(q.quorum(2, {q.dbs[0], q.dbs[1], other}, "json"), other,
                "vantage point 'sz-home' is not one of [vantage] peers");
    }
    SECTION("a database recorded for another contract") {
        const auto other =
            q.build("hk-cloud", vantage_config("hk-cloud", "", "20990101000009"), plan[0].second);
        refused(q.quorum(2, {q.dbs[0], q.dbs[1], other}, "json"), other,
                "vantage point 'hk-cloud' recorded its evidence for another contract");
    }
    SECTION("a database whose evidence was tampered with") {
        exec_sql(q.dbs[1],
                 "UPDATE probe_result SET http_status = 200 WHERE id = (SELECT max(id) FROM "
                 "probe_result WHERE outcome <> 0)");
        refused(q.quorum(2), q.dbs[1], "the evidence of vantage point 'bj-cloud' does not verify");
    }
    SECTION("a database without a vantage name or a contract fingerprint") {
        exec_sql(q.dbs[2], "DELETE FROM meta WHERE key = 'vantage'");
        refused(q.quorum(2), q.dbs[2], "records no vantage name");
        exec_sql(q.dbs[1], "DELETE FROM meta WHERE key = 'contract'");
        refused(q.quorum(2, {q.dbs[0], q.dbs[1]}, "json"), q.dbs[1],
                "records no contract fingerprint");
    }
    SECTION("K out of range, one database, a missing one") {
        for (const int k : {0, 4}) {
            const auto r = q.quorum(k);
            CHECK(r.exit_code == 2);
            CHECK_THAT(r.err,
                       Catch::Contains("--quorum " + std::to_string(k) + " is out of range") &&
                           Catch::Contains("number of databases (3)"));
        }
        const auto one = q.quorum(1, {q.dbs[0]}, "json");
        CHECK(one.exit_code == 2);
        CHECK_THAT(one.err, Catch::Contains("at least 2 vantage points"));
        const auto missing = (q.dir / "nope.db").string();
        refused(q.quorum(2, {q.dbs[0], missing}, "json"), missing, "no evidence database");
    }
    SECTION("a live database with its write-ahead log beside it") {
        const auto live = (q.dir / "sh-idc" / "live.db").string();
        std::ofstream(live + "-wal") << "not empty";
        refused(q.quorum(2, {live, q.dbs[1]}, "json"), live, "write-ahead log beside it");
    }
}

TEST_CASE("quorum: read-only copies on a read-only directory are left untouched", "[quorum][cli]") {
    Quorum q;
    const auto shipped = q.dir / "shipped";
    fs::create_directory(shipped);
    std::vector<std::string> dbs;
    std::vector<std::string> bytes;
    for (const auto& db : q.dbs) {
        const auto to = shipped / fs::path(db).filename();
        fs::copy_file(db, to);
        REQUIRE(::chmod(to.c_str(), 0444) == 0);
        dbs.push_back(to.string());
        bytes.push_back(read_file(to));
    }
    REQUIRE(::chmod(shipped.c_str(), 0555) == 0);
    auto listing = [&] {
        std::set<std::string> names;
        for (const auto& e : fs::directory_iterator(shipped)) names.insert(e.path().string());
        return names;
    };
    const auto before = listing();
    const auto r = q.quorum(2, dbs, "json");
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("\"unavailable_minutes\": 2,"));
    // No -wal, -shm or journal beside them, and not one byte changed.
    CHECK(listing() == before);
    for (std::size_t i = 0; i < dbs.size(); ++i) CHECK(read_file(dbs[i]) == bytes[i]);
    REQUIRE(::chmod(shipped.c_str(), 0755) == 0);
}

TEST_CASE("claim --quorum: each unavailable minute cites the vantage points that saw it down",
          "[quorum][cli]") {
    Quorum q;
    auto claim = [&](std::vector<std::string> args) {
        args.insert(args.begin(),
                    {slawatch_bin(), "claim", "--config", q.config, "--month", "2026-06"});
        return run(args);
    };
    const auto r = claim({"--quorum", "2", "--db", q.dbs[0], "--db", q.dbs[1], "--db", q.dbs[2],
                          "--format", "json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto j = json::parse(r.out).as_object();
    CHECK(j.at("unavailable_minutes").as_int64() == 2);
    CHECK(j.at("quorum").at("k").as_int64() == 2);
    const auto& minutes = j.at("unavailable").as_array();
    REQUIRE(minutes.size() == 2);
    auto cited_by = [](const json::value& minute) {
        std::vector<std::string> names;
        for (const auto& v : minute.at("vantages").as_array()) {
            names.emplace_back(v.at("vantage").as_string());
            // The vantage point's own failed calls: six update_check runs.
            const auto& calls = v.at("evidence").as_array();
            CHECK(calls.size() == 6);
            for (const auto& c : calls) {
                CHECK(c.at("probe").as_string() == "update_check");
                CHECK(c.at("outcome").as_string() == "http_5xx");
            }
        }
        return names;
    };
    CHECK(minutes[0].at("minute").as_string() == "2026-06-01T10:02:00+08:00");
    CHECK(cited_by(minutes[0]) == std::vector<std::string>{"sh-idc", "bj-cloud"});
    CHECK(minutes[1].at("minute").as_string() == "2026-06-01T10:03:00+08:00");
    CHECK(cited_by(minutes[1]) == std::vector<std::string>{"sh-idc", "bj-cloud", "gz-office"});
    // Each vantage point's proofs: of its own calls in the quorum's minutes only
    // (sh-idc's down minutes 10:01 and 10:04 are not cited).
    const auto& evidence = j.at("evidence").as_object();
    CHECK(evidence.at("sh-idc").at("proofs").as_array().size() == 12);
    CHECK(evidence.at("bj-cloud").at("proofs").as_array().size() == 12);
    CHECK(evidence.at("gz-office").at("proofs").as_array().size() == 6);
    for (const auto& [name, e] : evidence)
        for (const auto& proof : e.at("proofs").as_array())
            CHECK_FALSE(proof.at("proof").is_null());

    const auto md = claim({"--quorum", "2", "--db", q.dbs[0], "--db", q.dbs[1], "--db", q.dbs[2]});
    REQUIRE(md.exit_code == 0);
    CHECK_THAT(md.out, Catch::Contains("| 2026-06-01T10:02:00+08:00 | sh-idc, bj-cloud |") &&
                           Catch::Contains("## Vantage point gz-office: its failed calls") &&
                           Catch::Contains("## Evidence integrity of vantage point bj-cloud"));

    SECTION("several databases without --quorum, html with it, a refused input") {
        const auto two = claim({"--db", q.dbs[0], "--db", q.dbs[1]});
        CHECK(two.exit_code == 2);
        CHECK_THAT(two.err, Catch::Contains("several --db need --quorum K"));
        const auto html =
            claim({"--quorum", "2", "--db", q.dbs[0], "--db", q.dbs[1], "--format", "html"});
        CHECK(html.exit_code == 2);
        const auto same = claim({"--quorum", "2", "--db", q.dbs[0], "--db", q.dbs[0]});
        CHECK(same.exit_code == 2);
        CHECK_THAT(same.err, Catch::Contains("holds vantage point 'sh-idc'"));
    }
}
