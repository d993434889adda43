// SPDX-License-Identifier: Apache-2.0
// Compaction: the real `slawatch compact` on replayed databases. Report, claim
// (with its proofs), minutes and verify say the same before and after; open
// claim windows are never touched; edits of counts or holes are found; a
// replay into a compacted range counts nothing twice; kill -9 leaves whole
// days folded or not at all.

#include "storage/evidence/log.hpp"
#include "storage/evidence/tree.hpp"
#include "storage/fold_counts.hpp"
#include "storage/layout.hpp"
#include "storage/store.hpp"
#include "tests/support/daemon_rig.hpp"
#include "tests/support/process.hpp"
#include "tests/support/replay_world.hpp"
#include "tests/support/sqlite_query.hpp"
#include "tests/support/store_config.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <sqlite3.h>
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace slawatch::testing;
namespace json = boost::json;
namespace ev = slawatch::storage::evidence;
namespace layout = slawatch::storage::layout;

namespace {

// 2026-10-01T00:00Z: the claim windows of the whole test term (2026-03-17 to
// 2026-06-16) have closed, plus the default 7-day margin.
const std::string late_clock = "SLAWATCH_TEST_CLOCK_START_MS=1790812800000";
// 2026-08-01T00:00Z: the month 2026-04 (to 2026-05-16, deadline 2026-07-15)
// may be compacted, the month 2026-05 (deadline 2026-08-15) may not.
const std::string mid_clock = "SLAWATCH_TEST_CLOCK_START_MS=1785542400000";

RunResult cli(World& w, std::vector<std::string> args, const std::string& clock = late_clock) {
    args.insert(args.begin(), slawatch_bin());
    args.insert(args.end(), {"--config", w.config, "--db", w.db});
    return run(args, {}, std::chrono::seconds(120), {clock});
}

// Every row of `sql`, as text, for comparing tables before and after.
std::string dump(const std::string& db, const std::string& sql) {
    sqlite3* h = nullptr;
    REQUIRE(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
    std::string out;
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(st); ++i) {
            const auto* t = sqlite3_column_text(st, i);
            out += t ? reinterpret_cast<const char*>(t) : "NULL";
            out += '|';
        }
        out += '\n';
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
    return out;
}

// Local days of the test term: `minutes` minutes from 00:00 of each day, all
// three probes 6 a minute; update_check down (6 failures) in minutes 70-74
// and 2 failures in minute 120 (still up).
Csv term_csv(const std::vector<std::string>& days, int minutes) {
    Csv csv;
    for (const auto& day : days) {
        for (int m = 0; m < minutes; ++m) {
            const auto at = fmt::format("{}T{:02}:{:02}", day, m / 60, m % 60);
            const int failures = (m >= 70 && m < 75) ? 6 : m == 120 ? 2 : 0;
            csv.minute(at, "update_check", failures);
            healthy_others(csv, at);
        }
    }
    return csv;
}

std::int64_t ok_rows(const std::string& db) {
    return count_rows(db, "SELECT count(*) FROM probe_result WHERE outcome = 0");
}

std::int64_t failed_rows(const std::string& db) {
    return count_rows(db, "SELECT count(*) FROM probe_result WHERE outcome <> 0");
}

// Every probe minute's samples are its raw results plus its folded count:
// the number of minutes where that does not hold.
std::int64_t inconsistent_minutes(const std::string& db) {
    return count_rows(db, fmt::format(R"(
        SELECT count(*) FROM minute m
        WHERE m.probe > 0 AND {samples} <>
          (SELECT count(*) FROM probe_result r
           WHERE r.id >= m.minute * 60000 * {slots} AND r.id < (m.minute + 1) * 60000 * {slots}
             AND {probe} = m.probe)
          + coalesce((SELECT sum(f.ok_folded) FROM folded_minute_v f
                      JOIN probe p ON p.name = f.probe
                      WHERE f.minute = m.minute AND p.id = m.probe), 0))",
                                      fmt::arg("samples", layout::sql_minute_samples("m.v")),
                                      fmt::arg("slots", layout::id_slots),
                                      fmt::arg("probe", layout::sql_result_probe("r.id")))
                              .c_str());
}

json::object claim_json(World& w, const std::string& month) {
    const auto r = cli(w, {"claim", "--month", month, "--format", "json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out).as_object();
}

// The proofs of a claim verify against its proof checkpoint's root.
void check_proofs(const json::object& claim) {
    const auto& ev_obj = claim.at("evidence").as_object();
    const auto root =
        ev::hash_from_hex(json::value_to<std::string>(ev_obj.at("proof_checkpoint").at("root")));
    REQUIRE(root);
    ev::Hasher hasher;
    for (const auto& item : ev_obj.at("proofs").as_array()) {
        const auto& p = item.at("proof").as_object();
        std::string leaf;
        const auto hex = json::value_to<std::string>(p.at("leaf"));
        for (std::size_t i = 0; i < hex.size(); i += 2)
            leaf.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
        std::vector<ev::Hash> path;
        for (const auto& h : p.at("path").as_array())
            path.push_back(*ev::hash_from_hex(json::value_to<std::string>(h)));
        CHECK(ev::verify_inclusion(hasher,
                                   static_cast<std::uint64_t>(p.at("leaf_index").as_int64()),
                                   static_cast<std::uint64_t>(p.at("tree_size").as_int64()),
                                   hasher.leaf(leaf), path, *root));
    }
}

// The cited calls of a claim: leaf index and leaf bytes of each proof.
std::vector<std::string> cited(const json::object& claim) {
    std::vector<std::string> out;
    for (const auto& item : claim.at("evidence").at("proofs").as_array()) {
        const auto& p = item.at("proof").as_object();
        out.push_back(fmt::format("{}:{}", p.at("leaf_index").as_int64(),
                                  json::value_to<std::string>(p.at("leaf"))));
    }
    return out;
}

}  // namespace

TEST_CASE("compaction: fold counts round-trip and a constant day takes 4 bytes", "[compaction]") {
    using namespace slawatch::storage;
    std::vector<int> day(1440, 6);
    CHECK(fold_counts::encode(day).size() == 4);
    day[100] = 4;
    day[101] = 0;
    const auto blob = fold_counts::encode(day);
    CHECK(blob.size() == 16);
    CHECK(fold_counts::decode(blob, 1440) == day);
    CHECK_FALSE(fold_counts::decode(blob, 1439));
    CHECK_FALSE(fold_counts::decode(blob.substr(1), 1440));

    // The example of docs/evidence.md, "Fold leaf encoding, version 2".
    const auto leaf =
        ev::encode_fold_leaf("a", 29667840, 1440, fold_counts::encode(std::vector<int>(1440, 6)));
    CHECK(ev::to_hex(reinterpret_cast<const std::uint8_t*>(leaf.data()), leaf.size()) ==
          "020161"
          "0000000001c4b200"
          "000005a0"
          "04"
          "05a00006");

    // A hole pushed whole gives the same tree as its leaves one by one.
    ev::Hasher h;
    ev::Frontier by_leaf, by_hole;
    std::vector<ev::Hash> leaves;
    for (int i = 0; i < 13; ++i) leaves.push_back(h.leaf(std::string(1, static_cast<char>(i))));
    for (const auto& l : leaves) by_leaf.push(h, l);
    for (int i = 0; i < 4; ++i) by_hole.push(h, leaves[static_cast<std::size_t>(i)]);
    const auto hole = h.node(h.node(leaves[4], leaves[5]), h.node(leaves[6], leaves[7]));
    by_hole.push_subtree(h, hole, 2, [](int, std::uint64_t, const ev::Hash&) {});
    for (int i = 8; i < 13; ++i) by_hole.push(h, leaves[static_cast<std::size_t>(i)]);
    CHECK(by_hole.root(h) == by_leaf.root(h));
    CHECK(by_hole.size() == 13);
}

TEST_CASE(
    "compaction: proofs against old checkpoints are unchanged; retention drops holes and "
    "fold leaves",
    "[compaction][storage]") {
    using namespace slawatch;
    TempDir dir;
    auto config =
        store_config({{"a", config::ProbeRole::service}, {"b", config::ProbeRole::service}});
    auto store = storage::Store::open(config, dir / "s.db", storage::OpenMode::read_write);
    // Three UTC days from 2026-03-20, an hour per append with a checkpoint
    // after each; probe a fails 6 times in minute 30 of every hour.
    const std::int64_t first = 20533 * 1440;  // 2026-03-20T00:00Z in minutes
    for (int hour = 0; hour < 72; ++hour) {
        std::vector<storage::ProbeResult> batch;
        for (int m = hour * 60; m < hour * 60 + 60; ++m)
            for (int run = 0; run < 6; ++run)
                for (const char* probe : {"a", "b"}) {
                    storage::ProbeResult r;
                    r.probe = probe;
                    r.sample.sent_ms = (first + m) * 60'000 + run * 10'000;
                    const bool fail = probe[0] == 'a' && m % 60 == 30;
                    r.sample.outcome = fail ? sla::Outcome::timeout : sla::Outcome::ok;
                    r.sample.request_id = fail ? fmt::format("req-{}-{}", m, run) : "";
                    batch.push_back(r);
                }
        store->append(batch);
        store->derive_minutes(first + hour * 60, first + hour * 60 + 60);
        store->evidence().checkpoint((first + hour * 60 + 60) * 60'000, nullptr);
    }
    auto& log = store->evidence();
    std::vector<std::int64_t> failed;
    for (const auto& r : log.stored_results(first * 60'000, (first + 3 * 1440) * 60'000))
        if (r.sample.outcome != sla::Outcome::ok) failed.push_back(r.id);
    REQUIRE(failed.size() == 72 * 6);
    const auto old_checkpoint = log.checkpoints(0, (first + 1440 + 1) * 60'000).back();
    const auto before = log.prove(failed, old_checkpoint);
    REQUIRE(before.size() == 24 * 6);

    const sla::EpochMillis late = 1790812800000;  // 2026-10-01
    const auto r = store->compact(late, false);
    CHECK(r.results == 72 * 60 * 12 - 72 * 6);
    CHECK(r.folds == 6);
    auto v = log.verify();
    CHECK(v.intact());
    CHECK(v.folds == 6);
    CHECK(v.folded_leaves == static_cast<std::uint64_t>(r.results));
    // The same proofs, sibling hashes taken from holes now.
    const auto after = log.prove(failed, old_checkpoint);
    REQUIRE(after.size() == before.size());
    for (std::size_t i = 0; i < after.size(); ++i) {
        CHECK(after[i].leaf_index == before[i].leaf_index);
        CHECK(after[i].path == before[i].path);
        CHECK(after[i].leaf_bytes == before[i].leaf_bytes);
    }
    CHECK(log.proof_checkpoint()->tree_size + 6 == v.tree_size);  // the fold leaves
    const auto latest = log.checkpoint(late, nullptr);
    CHECK(log.prove(failed, latest).size() == failed.size());

    // Retention up to the second day: the first day's holes go, the rest verifies.
    config.storage.retention_days = 200;
    store->set_config(config);
    CHECK(store->apply_retention((first + 1440) * 60'000 + 200LL * 86'400'000) > 0);
    v = log.verify();
    CHECK(v.intact());
    CHECK(v.pruned > 0);
    CHECK(v.pruned < v.tree_size);
    CHECK(log.prove(failed, latest).size() == 48 * 6);
    // Long after: everything goes, the fold leaves with their counts.
    CHECK(store->apply_retention(late + 400LL * 86'400'000) > 0);
    v = log.verify();
    CHECK(v.intact());
    CHECK(v.pruned == v.tree_size);
    CHECK(count_rows((dir / "s.db").string(), "SELECT count(*) FROM folded") == 0);
    CHECK(count_rows((dir / "s.db").string(), "SELECT count(*) FROM evidence_hole") == 0);
}

TEST_CASE("compaction: report, claim, minutes and verify are the same after it; it is idempotent",
          "[compaction][cli]") {
    World w;
    const auto csv = term_csv({"2026-04-20", "2026-04-21"}, 180);
    REQUIRE(w.replay(csv).exit_code == 0);
    const auto ok_before = ok_rows(w.db);
    const auto failed_before = failed_rows(w.db);
    REQUIRE(ok_before == 2 * 180 * 18 - 2 * (30 + 2));

    auto report = [&] {
        const auto r = cli(w, {"report", "--month", "2026-04", "--format", "json"});
        REQUIRE(r.exit_code == 0);
        return figures_only(r.out);
    };
    auto minutes = [&] {
        const auto r = cli(w, {"minutes", "--from", "2026-04-20T00:00:00+08:00", "--to",
                               "2026-04-22T00:00:00+08:00"});
        REQUIRE(r.exit_code == 0);
        return r.out;
    };
    const auto report_before = report();
    const auto minutes_before = minutes();
    const auto incidents_before = cli(w, {"incidents", "--month", "2026-04"}).out;
    auto claim_before = claim_json(w, "2026-04");
    check_proofs(claim_before);
    const auto cited_before = cited(claim_before);
    REQUIRE(cited_before.size() == 60);  // 2 days x 5 down minutes x 6 failed calls
    const auto tree_before = count_rows(w.db, "SELECT tree_size FROM evidence_checkpoint");

    // A dry run says what it would fold and changes nothing.
    auto dry = cli(w, {"compact", "--dry-run"});
    INFO(dry.out << dry.err);
    REQUIRE(dry.exit_code == 0);
    CHECK(dry.out.find(fmt::format("would fold {} successful results", ok_before)) !=
          std::string::npos);
    CHECK(ok_rows(w.db) == ok_before);

    auto r = cli(w, {"compact"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find(fmt::format("folded {} successful results", ok_before)) != std::string::npos);
    CHECK(ok_rows(w.db) == 0);
    CHECK(failed_rows(w.db) == failed_before);
    // One fold (leaf) per probe and day.
    CHECK(count_rows(w.db, "SELECT count(*) FROM folded") == 6);
    CHECK(count_rows(w.db, "SELECT max(tree_size) FROM evidence_checkpoint") == tree_before + 6);
    CHECK(inconsistent_minutes(w.db) == 0);
    CHECK(count_rows(w.db, "SELECT sum(ok_folded) FROM folded_minute_v") == ok_before);

    CHECK(report() == report_before);
    CHECK(minutes() == minutes_before);
    CHECK(cli(w, {"incidents", "--month", "2026-04"}).out == incidents_before);
    auto claim_after = claim_json(w, "2026-04");
    CHECK(cited(claim_after) == cited_before);
    check_proofs(claim_after);
    // Everything but the evidence section (a newer checkpoint covers the folds) is the same.
    claim_before.erase("evidence");
    claim_after.erase("evidence");
    claim_before.erase("verified_evidence");
    claim_after.erase("verified_evidence");
    CHECK(json::serialize(claim_after) == json::serialize(claim_before));

    auto v = cli(w, {"verify", "--format", "json"});
    INFO(v.out);
    CHECK(v.exit_code == 0);
    CHECK(json::parse(v.out).at("intact").as_bool());
    CHECK(json::parse(v.out).at("folds").as_int64() == 6);
    CHECK(json::parse(v.out).at("folded_leaves").as_int64() == ok_before);

    // Idempotent: a second run folds nothing and changes nothing.
    const auto tables = [&] {
        return dump(w.db, "SELECT * FROM folded") + dump(w.db, "SELECT * FROM evidence_hole") +
               dump(w.db, "SELECT * FROM evidence_chunk") +
               dump(w.db, "SELECT * FROM compact_mark");
    };
    const auto tables_after = tables();
    r = cli(w, {"compact"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("folded 0 successful results") != std::string::npos);
    CHECK(tables() == tables_after);
    CHECK(report() == report_before);
}

TEST_CASE("compaction: a re-derivation under another config sees the folded counts",
          "[compaction][cli]") {
    World compacted, raw;
    const auto csv = term_csv({"2026-04-20"}, 180);
    REQUIRE(compacted.replay(csv).exit_code == 0);
    REQUIRE(raw.replay(csv).exit_code == 0);
    REQUIRE(cli(compacted, {"compact"}).exit_code == 0);
    REQUIRE(ok_rows(compacted.db) == 0);
    // min_samples 5: minute 120 (4 ok of 6) stays up, and the policy "all" changes the service.
    const auto text = config_text("all", "").replace(config_text("all", "").find("min_samples = 3"),
                                                     15, "min_samples = 5");
    compacted.dir.write("c.toml", text);
    raw.dir.write("c.toml", text);
    const auto a = cli(compacted, {"report", "--month", "2026-04", "--format", "json"});
    const auto b = cli(raw, {"report", "--month", "2026-04", "--format", "json"});
    INFO(a.err << b.err);
    REQUIRE(a.exit_code == 0);
    CHECK(figures_only(a.out) == figures_only(b.out));
    const auto range = std::vector<std::string>{"minutes", "--from", "2026-04-20T00:00:00+08:00",
                                                "--to", "2026-04-20T04:00:00+08:00"};
    CHECK(cli(compacted, range).out == cli(raw, range).out);
}

TEST_CASE("compaction: never touches a month whose claim window is open", "[compaction][cli]") {
    // The test term's Service Months: 2026-03 (from 03-17), 2026-04, 2026-05.
    World w;
    REQUIRE(w.replay(term_csv({"2026-04-20", "2026-05-20"}, 60)).exit_code == 0);
    const auto may = [&] {
        const auto sql = "SELECT count(*) FROM probe_result WHERE outcome = 0 AND " +
                         layout::sql_result_time_ms("id") +
                         " >= 1779206400000";  // 2026-05-20T00:00+08:00
        return count_rows(w.db, sql.c_str());
    };
    const auto may_before = may();
    REQUIRE(may_before == 60 * 18);

    // 2026-06-01: the month 2026-03 (deadline 2026-05-30) plus 7 days is not over yet.
    auto r = cli(w, {"compact"}, "SLAWATCH_TEST_CLOCK_START_MS=1780272000000");
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("nothing to compact") != std::string::npos);
    CHECK(ok_rows(w.db) == 2 * 60 * 18);

    // 2026-08-01: April (deadline 06-29) may go, May (deadline 07-30, + 7 days) not.
    r = cli(w, {"compact"}, mid_clock);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("folded 1080 successful results sent before 2026-05-01T00:00") !=
          std::string::npos);
    CHECK(may() == may_before);
    CHECK(ok_rows(w.db) == may_before);
    // Marks end at the month's end: 2026-05-01T00:00+08:00.
    CHECK(count_rows(w.db, "SELECT min(until_minute) FROM compact_mark") == 29626080);
    CHECK(cli(w, {"verify"}, mid_clock).exit_code == 0);

    // Margin 0: on the deadline day itself May is still open; the day after it may go.
    const auto base = config_text("any", "");
    const std::string path_line = "path = \"default.db\"";
    w.dir.write("c.toml", std::string(base).replace(base.find(path_line), path_line.size(),
                                                    path_line + "\ncompact_margin_days = 0"));
    REQUIRE(cli(w, {"compact"}, "SLAWATCH_TEST_CLOCK_START_MS=1785412800000").exit_code == 0);
    CHECK(may() == may_before);
    REQUIRE(cli(w, {"compact"}, mid_clock).exit_code == 0);
    CHECK(may() == 0);
    CHECK(cli(w, {"verify"}, mid_clock).exit_code == 0);
}

TEST_CASE("compaction: verify finds an edited folded count and an edited hole hash",
          "[compaction][cli]") {
    World w;
    REQUIRE(w.replay(term_csv({"2026-04-20"}, 180)).exit_code == 0);
    REQUIRE(cli(w, {"compact"}).exit_code == 0);
    REQUIRE(cli(w, {"verify"}).exit_code == 0);

    SECTION("an edited count") {
        // The first run of update_check's counts: 6 a minute becomes 7.
        exec_sql(w.db,
                 "UPDATE folded SET counts = x'00460007' || substr(counts, 5) WHERE probe = "
                 "(SELECT id FROM probe WHERE name = 'update_check')");
        const auto v = cli(w, {"verify"});
        INFO(v.out << v.err);
        CHECK(v.exit_code == 1);
        CHECK(v.out.find("folded counts #") != std::string::npos);
        CHECK(v.out.find("of probe update_check") != std::string::npos);
        CHECK(v.out.find("a count was edited") != std::string::npos);
    }
    SECTION("an edited hole hash") {
        exec_sql(w.db,
                 "UPDATE evidence_hole SET hash = zeroblob(32) WHERE idx = (SELECT idx FROM "
                 "evidence_hole WHERE level = 6 LIMIT 1)");
        const auto v = cli(w, {"verify"});
        INFO(v.out << v.err);
        CHECK(v.exit_code == 1);
        CHECK(v.out.find("holes of compacted results") != std::string::npos);
    }
    SECTION("a deleted folded row") {
        exec_sql(w.db, "DELETE FROM folded WHERE id = 2");
        const auto v = cli(w, {"verify"});
        CHECK(v.exit_code == 1);
        CHECK(v.out.find("folded counts #2") != std::string::npos);
    }
}

TEST_CASE("compaction: an edited result is refused and nothing is folded", "[compaction][cli]") {
    World w;
    REQUIRE(w.replay(term_csv({"2026-04-20"}, 30)).exit_code == 0);
    exec_sql(
        w.db,
        "UPDATE probe_result SET http_status = 201 WHERE id = (SELECT max(id) FROM probe_result "
        "WHERE outcome = 0)");
    const auto ok = ok_rows(w.db);
    const auto r = cli(w, {"compact"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("no longer matches its leaf digest") != std::string::npos);
    CHECK(ok_rows(w.db) == ok);
    CHECK(count_rows(w.db, "SELECT count(*) FROM folded") == 0);
}

TEST_CASE("compaction: a replay into a compacted range counts nothing twice", "[compaction][cli]") {
    World w;
    const auto csv = term_csv({"2026-04-20"}, 120);
    REQUIRE(w.replay(csv).exit_code == 0);
    const auto report = [&] {
        return figures_only(cli(w, {"report", "--month", "2026-04", "--format", "json"}).out);
    };
    const auto before = report();
    REQUIRE(cli(w, {"compact"}).exit_code == 0);
    const auto r = w.replay(csv, "again.csv");
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find(fmt::format("skipped {} results sent in minutes already compacted",
                                 120 * 18)) != std::string::npos);
    CHECK(ok_rows(w.db) == 0);
    CHECK(report() == before);
    CHECK(inconsistent_minutes(w.db) == 0);
    CHECK(cli(w, {"verify"}).exit_code == 0);
}

TEST_CASE("compaction: kill -9 mid-run leaves no half-folded day", "[compaction][cli][kill9]") {
    World w;
    std::vector<std::string> days;
    for (int d = 18; d <= 29; ++d) days.push_back(fmt::format("2026-04-{:02}", d));
    const auto csv = term_csv(days, 1440);
    REQUIRE(w.replay(csv).exit_code == 0);
    const auto total = ok_rows(w.db);
    const auto report_before =
        figures_only(cli(w, {"report", "--month", "2026-04", "--format", "json"}).out);
    // A dry run does the same work (then rolls back): kills land inside its span.
    const auto dry = cli(w, {"compact", "--dry-run"});
    REQUIRE(dry.exit_code == 0);
    const auto span = static_cast<int>(dry.wall.count());
    std::mt19937 rng(20261207);
    std::uniform_int_distribution<int> wait_ms(span / 10, span * 6 / 10);
    int killed = 0;
    bool mid_run = false;
    for (int round = 0; round < 6; ++round) {
        const auto logs = w.dir / fmt::format("log{}", round);
        std::filesystem::create_directories(logs);
        Process p({slawatch_bin(), "compact", "--config", w.config, "--db", w.db}, logs,
                  {late_clock});
        std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms(rng)));
        if (::kill(p.pid(), SIGKILL) == 0) ++killed;
        p.wait(std::chrono::seconds(10));
        const auto left = ok_rows(w.db);
        mid_run = mid_run || (left > 0 && left < total);
        // Every minute is whole: its raw results plus its folded count.
        CHECK(inconsistent_minutes(w.db) == 0);
        CHECK(ok_rows(w.db) + count_rows(w.db,
                                         "SELECT coalesce(sum(ok_folded), 0) FROM "
                                         "folded_minute_v") ==
              total);
        CHECK(cli(w, {"verify"}).exit_code == 0);
    }
    CHECK(killed > 0);
    // At least one kill landed while folding: some days folded, not all.
    CHECK(mid_run);
    const auto last = cli(w, {"compact"});
    INFO(last.out);
    REQUIRE(last.exit_code == 0);
    CHECK(ok_rows(w.db) == 0);
    CHECK(cli(w, {"verify"}).exit_code == 0);
    CHECK(figures_only(cli(w, {"report", "--month", "2026-04", "--format", "json"}).out) ==
          report_before);
}

TEST_CASE("compaction: the daemon compacts old months on its own, in steps",
          "[compaction][daemon]") {
    Rig rig;
    // A term from 2026-01-01: March's claim deadline (2026-05-30) has long passed.
    auto text = rig.config(6, 3);
    const auto start = text.find("start = ");
    text.replace(start, text.find("\n", text.find("months = ")) - start,
                 "start = 2026-01-01\nmonths = 36");
    rig.dir.write("slawatch.toml", text);
    Csv csv;
    for (int m = 0; m < 60; ++m) {
        const auto at = fmt::format("2026-03-10T01:{:02}", m);
        for (int i = 0; i < 6; ++i) {
            const auto time = fmt::format("{}:{:02}+08:00", at, i * 10 + 5);
            const bool fail = m == 30;
            csv.add(time, "management", fail ? "http_5xx" : "ok", fail ? "503" : "200", "",
                    fail ? fmt::format("req-{}", i) : "");
            csv.add(time, "release", "ok", "200");
        }
    }
    const auto db = rig.db().string();
    const auto replayed = run({slawatch_bin(), "replay", "--config", rig.config_file().string(),
                               "--input", rig.dir.write("old.csv", csv.text).string()});
    INFO(replayed.out << replayed.err);
    REQUIRE(replayed.exit_code == 0);
    REQUIRE(ok_rows(db) == 714);

    rig.start_sim("");
    rig.start_daemon();
    const auto logged = [&] {
        return rig.daemon->out().find("compaction: folded 714 successful results") !=
                   std::string::npos ||
               rig.daemon->err().find("compaction: folded 714 successful results") !=
                   std::string::npos;
    };
    CHECK(eventually(logged, std::chrono::seconds(50)));
    rig.daemon->signal(SIGTERM);
    REQUIRE(rig.daemon->wait(std::chrono::seconds(20)));
    const auto old_ok = "SELECT count(*) FROM probe_result WHERE outcome = 0 AND " +
                        layout::sql_result_time_ms("id") + " < 1780000000000";
    CHECK(count_rows(db, old_ok.c_str()) == 0);
    CHECK(count_rows(db, "SELECT count(*) FROM folded") == 2);
    CHECK(inconsistent_minutes(db) == 0);
    const auto v = run({slawatch_bin(), "verify", "--config", rig.config_file().string()});
    INFO(v.out << v.err);
    CHECK(v.exit_code == 0);
}
