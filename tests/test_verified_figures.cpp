// SPDX-License-Identifier: Apache-2.0
// Every printed figure comes from verified evidence: forged derived rows,
// one host's evidence under two names, unsigned evidence, a pinned key that
// does not match and an unsigned tail, each on databases made by the real
// `slawatch replay` and edited the way a forger would, with sqlite.

#include "storage/layout.hpp"
#include "tests/support/quorum_world.hpp"
#include "tests/support/replay_world.hpp"
#include "tests/support/signing_key.hpp"
#include "tests/support/sqlite_query.hpp"

#include <date/date.h>
#include <boost/json.hpp>

#include <chrono>
#include <filesystem>

using namespace slawatch::testing;
namespace json = boost::json;
namespace fs = std::filesystem;
namespace layout = slawatch::storage::layout;

namespace {

constexpr std::string_view signing = "[evidence]\nsigning_key_file = \"evidence.key\"\n";

// A single host whose evidence is signed, with `down` consecutive down
// minutes from 2026-06-01T10:00+08:00 replayed into it.
struct SignedHost {
    World w{config_text("any", std::string(signing))};

    explicit SignedHost(int down = 10) {
        const auto key = (w.dir / "evidence.key").string();
        make_signing_key(key);
        Csv csv;
        for (int m = 0; m < down; ++m) {
            const auto at = fmt::format("2026-06-01T10:{:02}", m);
            csv.minute(at, "update_check", 6);
            healthy_others(csv, at);
        }
        const auto r = w.replay(csv);
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
    }

    // A shipped copy of the database.
    std::string copy(const std::string& name) {
        const auto to = (w.dir / name).string();
        exec_sql(w.db, "VACUUM INTO '" + to + "'");
        return to;
    }

    RunResult on(const std::string& db, std::vector<std::string> args) {
        args.insert(args.begin(), slawatch_bin());
        args.insert(args.end(), {"--config", w.config, "--db", db});
        return run(args);
    }
};

// What a forger writes with a text editor or sqlite3: `n` invented down
// service minutes from 2026-06-02T00:00+08:00, in the minute table and in
// its daily rollup.
void forge_down_minutes(const std::string& db, int n) {
    const std::int64_t first = 1780329600 / 60;  // 2026-06-01T16:00Z = 06-02T00:00+08:00
    const auto down = layout::minute_v(slawatch::sla::MinuteState::down, 6, 6);
    for (int m = 0; m < n; ++m)
        exec_sql(db, fmt::format("INSERT OR REPLACE INTO minute (id, v) VALUES ({}, {})", first + m,
                                 down));
    const auto day = date::sys_days(date::year{2026} / 6 / 2).time_since_epoch().count();
    exec_sql(db, fmt::format("INSERT OR REPLACE INTO day_count (probe, day, state, minutes) "
                             "VALUES (0, {}, 1, {})",
                             day, n));
}

json::object parse(const RunResult& r) {
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out).as_object();
}

}  // namespace

TEST_CASE("R2 R8: forged minute and day_count rows change no printed figure", "[verified]") {
    SignedHost host;
    const auto copy = host.copy("shipped.db");
    forge_down_minutes(copy, 200);
    // Service minutes (probe 0) that are down.
    REQUIRE(count_rows(copy, fmt::format("SELECT count(*) FROM minute WHERE id < {} AND {} = {}",
                                         layout::minute_key(1, 0), layout::sql_minute_state("v"),
                                         static_cast<int>(slawatch::sla::MinuteState::down))
                                 .c_str()) == 210);

    // The derived tables are no evidence: verify has nothing to object to...
    CHECK(host.on(copy, {"verify"}).exit_code == 0);
    // ...and no command prints them: every figure is re-derived from the leaves.
    const auto report = parse(host.on(copy, {"report", "--month", "2026-06", "--format", "json"}));
    CHECK(report.at("unavailable_minutes").as_int64() == 10);
    CHECK(report.at("evidence").at("signed").as_bool());
    CHECK(report.at("evidence").at("unsigned_tail").as_int64() == 0);

    // A claim's count and its list come from one source.
    const auto claim = parse(host.on(copy, {"claim", "--month", "2026-06", "--format", "json"}));
    CHECK(claim.at("unavailable_minutes").as_int64() == 10);
    CHECK(claim.at("unavailable").as_array().size() == 10);
    const auto md = host.on(copy, {"claim", "--month", "2026-06"});
    CHECK_THAT(md.out, Catch::Contains("## Unavailable minutes (10)"));

    const auto minutes = host.on(copy, {"minutes", "--from", "2026-06-01T10:00:00+08:00", "--to",
                                        "2026-06-03T00:00:00+08:00", "--probe", "service"});
    REQUIRE(minutes.exit_code == 0);
    std::size_t down = 0;
    for (std::size_t at = 0; (at = minutes.out.find(",down,", at)) != std::string::npos; ++at)
        ++down;
    CHECK(down == 10);

    const auto incidents = host.on(copy, {"incidents", "--month", "2026-06", "--format", "json"});
    REQUIRE(incidents.exit_code == 0);
    const auto found = json::parse(incidents.out).as_array();
    REQUIRE(found.size() == 1);
    CHECK(found[0].at("duration_minutes").as_int64() == 10);
}

TEST_CASE("R11: evidence that does not verify prints no figure, naming the database",
          "[verified]") {
    SignedHost host;
    const auto copy = host.copy("edited.db");
    // A failed call turned into a success behind the log's back.
    exec_sql(copy,
             "UPDATE probe_result SET outcome = 0 WHERE id = (SELECT max(id) FROM probe_result "
             "WHERE outcome <> 0)");
    for (const auto& args :
         std::vector<std::vector<std::string>>{{"report", "--month", "2026-06"},
                                               {"claim", "--month", "2026-06"},
                                               {"incidents", "--month", "2026-06"},
                                               {"minutes", "--from", "2026-06-01T10:00:00+08:00",
                                                "--to", "2026-06-01T11:00:00+08:00"}}) {
        const auto r = host.on(copy, args);
        INFO(args[0] << ": " << r.err);
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK_THAT(r.err, Catch::Contains(copy) && Catch::Contains("does not verify") &&
                              Catch::Contains("no figure is printed"));
    }
}

TEST_CASE("verify: a checkpoint binds its evidence log's id", "[verified]") {
    SignedHost host;
    const auto copy = host.copy("renamed-log.db");
    const auto before = parse(host.on(copy, {"verify", "--format", "json"}));
    const std::string id(before.at("log_id").as_string());
    REQUIRE(id.size() == 32);
    CHECK(before.at("latest_checkpoint").at("log_id").as_string() == id);

    SECTION("another id in meta: the checkpoints name the old one") {
        exec_sql(copy,
                 "UPDATE meta SET value = '00000000000000000000000000000000' WHERE key = "
                 "'log_id'");
        const auto r = host.on(copy, {"verify"});
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.out, Catch::Contains("is of evidence log " + id));
    }
    SECTION("the id changed in meta and the checkpoints: the signatures break") {
        exec_sql(copy,
                 "UPDATE meta SET value = '00000000000000000000000000000000' WHERE key = "
                 "'log_id'");
        // A note's origin names the log too, and is what is signed.
        exec_sql(copy,
                 "UPDATE evidence_checkpoint SET log_id = '00000000000000000000000000000000', "
                 "origin = replace(origin, '" +
                     id + "', '00000000000000000000000000000000')");
        const auto r = host.on(copy, {"verify"});
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.out, Catch::Contains("signature does not verify"));
    }
}

TEST_CASE("quorum: forged minutes in two copies change nothing", "[verified][quorum]") {
    Quorum q;
    const auto honest = parse(q.quorum(2));
    REQUIRE(honest.at("unavailable_minutes").as_int64() == 2);
    forge_down_minutes(q.dbs[0], 200);
    forge_down_minutes(q.dbs[1], 200);
    const auto forged = parse(q.quorum(2));
    CHECK(forged.at("unavailable_minutes").as_int64() == 2);
    CHECK(forged.at("compensation") == honest.at("compensation"));
    for (const auto& v : forged.at("quorum").at("vantages").as_array()) {
        CHECK(v.at("signed").as_bool());
        CHECK(v.at("key_fingerprint").as_string().size() == 64);
        CHECK(v.at("signed_leaves").as_int64() == v.at("verified_leaves").as_int64());
        CHECK(v.at("unsigned_tail").as_int64() == 0);
    }
}

TEST_CASE("quorum: one host's evidence under two names counts once", "[verified][quorum]") {
    auto refused = [](const RunResult& r, const std::string& db, const std::string& why) {
        INFO(r.out << r.err);
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK_THAT(r.err, Catch::Contains(db) && Catch::Contains(why));
    };
    SECTION("renamed to another vantage point: the notes' origin") {
        Quorum q;
        const auto twin = (q.dir / "twin.db").string();
        fs::copy_file(q.dbs[0], twin);
        exec_sql(twin, "UPDATE meta SET value = 'gz-office' WHERE key = 'vantage'");
        // Its checkpoints' notes still name the old vantage point, signed.
        refused(q.quorum(2, {q.dbs[0], q.dbs[1], twin}, "json"), twin, "the log was renamed");
    }
    SECTION("unsigned, renamed and given a new log id: the same first leaf") {
        Quorum q("", false);
        const auto twin = (q.dir / "twin.db").string();
        fs::copy_file(q.dbs[0], twin);
        exec_sql(twin, "UPDATE meta SET value = 'gz-office' WHERE key = 'vantage'");
        exec_sql(twin,
                 "UPDATE meta SET value = 'ffffffffffffffffffffffffffffffff' WHERE key = "
                 "'log_id'");
        exec_sql(twin,
                 "UPDATE evidence_checkpoint SET log_id = 'ffffffffffffffffffffffffffffffff', "
                 "origin = 'slawatch/gz-office/ffffffffffffffffffffffffffffffff'");
        REQUIRE(run({slawatch_bin(), "verify", "--config", q.config, "--db", twin}).exit_code == 0);
        refused(q.quorum(2, {q.dbs[0], q.dbs[1], twin}, "json", "", {"--allow-unsigned"}), twin,
                "holds the same evidence (its first 64 leaves, from leaf 0, are identical)");
    }
    SECTION("an empty vantage name") {
        Quorum q;
        exec_sql(q.dbs[2], "UPDATE meta SET value = '' WHERE key = 'vantage'");
        refused(q.quorum(2), q.dbs[2], "records an empty vantage name");
    }
}

TEST_CASE("quorum: unsigned evidence counts only with --allow-unsigned, and says so",
          "[verified][quorum]") {
    Quorum q("", false);
    const auto r = q.quorum(2);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains(q.dbs[0]) && Catch::Contains("has no signed checkpoint") &&
                          Catch::Contains("--allow-unsigned"));

    const auto j = parse(q.quorum(2, q.dbs, "json", "", {"--allow-unsigned"}));
    CHECK(j.at("unavailable_minutes").as_int64() == 2);
    for (const auto& v : j.at("quorum").at("vantages").as_array()) {
        CHECK_FALSE(v.at("signed").as_bool());
        CHECK(v.at("key_fingerprint").is_null());
        CHECK(v.at("signed_leaves").as_int64() == 0);
    }
    CHECK_THAT(q.quorum(2, q.dbs, "text", "", {"--allow-unsigned"}).out,
               Catch::Contains("evidence UNSIGNED"));
    CHECK_THAT(q.quorum(2, q.dbs, "html", "", {"--allow-unsigned"}).out,
               Catch::Contains("UNSIGNED"));

    std::vector<std::string> claim{slawatch_bin(), "claim",   "--config", q.config,
                                   "--month",      "2026-06", "--quorum", "2"};
    for (const auto& db : q.dbs) claim.insert(claim.end(), {"--db", db});
    CHECK(run(claim).exit_code == 2);
    claim.push_back("--allow-unsigned");
    const auto md = run(claim);
    CHECK(md.exit_code == 0);
    CHECK_THAT(md.out, Catch::Contains("UNSIGNED"));
}

TEST_CASE("quorum: [vantage.peers] pins each peer's signing key", "[verified][quorum]") {
    Quorum q;
    const auto sh = q.fingerprint("sh-idc");
    const auto bj = q.fingerprint("bj-cloud");
    const auto gz = q.fingerprint("gz-office");
    REQUIRE(sh != bj);
    auto pinned = [&](const std::string& gz_key) {
        return q.dir
            .write("pinned.toml",
                   vantage_config("hq", "[vantage.peers]\nsh-idc = \"" + sh + "\"\nbj-cloud = \"" +
                                            bj + "\"\ngz-office = " + gz_key + "\n"))
            .string();
    };
    CHECK(q.quorum(2, q.dbs, "json", pinned("\"" + gz + "\"")).exit_code == 0);

    // The PEM public key pins as well as its fingerprint.
    const auto pem = run({"/usr/bin/openssl", "pkey", "-in",
                          (q.dir / "gz-office" / "evidence.key").string(), "-pubout"});
    REQUIRE(pem.exit_code == 0);
    CHECK(q.quorum(2, q.dbs, "json", pinned("\"\"\"\n" + pem.out + "\"\"\"")).exit_code == 0);

    const auto wrong = q.quorum(2, q.dbs, "json", pinned("\"" + sh + "\""));
    CHECK(wrong.exit_code == 2);
    CHECK_THAT(wrong.err, Catch::Contains(q.dbs[2]) &&
                              Catch::Contains("'gz-office' is pinned to key " + sh.substr(0, 16)) &&
                              Catch::Contains("signed with key " + gz.substr(0, 16)));

    // A peer outside the pins is not accepted either.
    const auto other =
        q.build("sz-home", vantage_config("sz-home", "", "20260317000001", q.evidence("sz-home")),
                plan[0].second);
    const auto outside = q.quorum(2, {q.dbs[0], other}, "json", pinned("\"" + gz + "\""));
    CHECK(outside.exit_code == 2);
    CHECK_THAT(outside.err, Catch::Contains("'sz-home' is not one of [vantage] peers"));
}

TEST_CASE("quorum: results after the last signed checkpoint are left out", "[verified][quorum]") {
    Quorum q;
    const auto before = parse(q.quorum(1));
    // sh-idc goes on without its key: a replay of three more down minutes,
    // 10:06 to 10:08, that only it saw, ends in an unsigned checkpoint.
    const auto host = q.dir / "sh-idc";
    const auto cfg = q.dir.write("sh-idc/unsigned.toml", vantage_config("sh-idc")).string();
    Csv csv;
    for (std::size_t m = 6; m < 9; ++m) {
        const auto at = fmt::format("2026-06-01T10:{:02}", m);
        csv.minute(at, "update_check", 6);
        healthy_others(csv, at);
    }
    const auto in = q.dir.write("sh-idc/later.csv", csv.text).string();
    const auto live = (host / "live.db").string();
    REQUIRE(
        run({slawatch_bin(), "replay", "--config", cfg, "--db", live, "--input", in}).exit_code ==
        0);
    const auto tail = (q.dir / "sh-idc-tail.db").string();
    exec_sql(live, "VACUUM INTO '" + tail + "'");

    const auto after = parse(q.quorum(1, {tail, q.dbs[1], q.dbs[2]}, "json"));
    CHECK(after.at("unavailable_minutes").as_int64() ==
          before.at("unavailable_minutes").as_int64());
    const auto& sh = after.at("quorum").at("vantages").as_array()[0];
    CHECK(sh.at("signed").as_bool());
    CHECK(sh.at("unsigned_tail").as_int64() == 3 * 18);
    CHECK(sh.at("signed_leaves").as_int64() + 3 * 18 == sh.at("verified_leaves").as_int64());
    const auto text = q.quorum(1, {tail, q.dbs[1], q.dbs[2]}, "text");
    CHECK_THAT(text.out, Catch::Contains("54 later results not signed yet: left out"));
}

TEST_CASE("status counts the unsigned tail and says so; report leaves it out", "[verified]") {
    // A term around today, and minutes that ended half an hour ago.
    using namespace std::chrono;
    const auto now = floor<minutes>(system_clock::now());
    const auto today = floor<days>(now);
    const auto start = date::year_month_day(today - days(10));
    auto text = config_text("any", std::string(signing));
    const std::string term = "start = 2026-03-17\nmonths = 3";
    text.replace(text.find(term), term.size(),
                 "start = " + date::format("%F", date::sys_days(start)) + "\nmonths = 3");
    World w(text);
    make_signing_key(w.dir / "evidence.key");
    auto down_minutes = [&](int from_ago, int n) {
        Csv csv;
        for (int m = 0; m < n; ++m) {
            const auto at = now - minutes(from_ago - m);
            for (int i = 0; i < 6; ++i) {
                const auto t = date::format("%FT%TZ", at + seconds(i * 10 + 5));
                csv.add(t, "update_check", "http_5xx", "503", "", fmt::format("r{}-{}", m, i));
                csv.add(t, "release", "ok", "200");
                csv.add(t, "ref", "ok", "200");
            }
        }
        return csv;
    };
    REQUIRE(w.replay(down_minutes(40, 5), "signed.csv").exit_code == 0);
    // Then three more, replayed without the key: after the last signed checkpoint.
    const auto unsigned_config =
        w.dir.write("unsigned.toml", text.substr(0, text.find(signing)) +
                                         text.substr(text.find(signing) + signing.size()));
    const auto in = w.dir.write("later.csv", down_minutes(20, 3).text);
    REQUIRE(run({slawatch_bin(), "replay", "--config", unsigned_config.string(), "--db", w.db,
                 "--input", in.string()})
                .exit_code == 0);

    const auto status = parse(w.slawatch({"status", "--format", "json"}));
    CHECK(status.at("unavailable_minutes").as_int64() == 8);
    CHECK(status.at("evidence").at("unsigned_tail").as_int64() == 3 * 18);
    CHECK(status.at("evidence").at("unsigned_tail_counted").as_bool());
    CHECK_THAT(w.slawatch({"status"}).out, Catch::Contains("54 later results are counted but not "
                                                           "signed yet"));

    // The calendar month of the replayed minutes in the contract's zone (+08:00).
    const auto month = date::format("%Y-%m", floor<days>(now - minutes(40) + hours(8)));
    const auto report = w.slawatch({"report", "--month", month, "--format", "json"});
    INFO(month << report.err);
    REQUIRE(report.exit_code == 0);
    const auto r = json::parse(report.out).as_object();
    CHECK(r.at("unavailable_minutes").as_int64() == 5);
    CHECK_FALSE(r.at("evidence").at("unsigned_tail_counted").as_bool());
}
