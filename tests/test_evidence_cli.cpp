// SPDX-License-Identifier: Apache-2.0
// The real `slawatch` and `openssl`: replay with a signing key, `verify` on an
// intact and on tampered databases, and a proof from `claim` checked with the
// openssl scripts exactly as docs/evidence.md prints them (R11).

#include "storage/layout.hpp"
#include "tests/support/config_text.hpp"
#include "tests/support/doc_script.hpp"
#include "tests/support/process.hpp"
#include "tests/support/signing_key.hpp"
#include "tests/support/sqlite_query.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <sqlite3.h>
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace slawatch::testing;
namespace json = boost::json;

namespace {

std::string config_text(const std::string& evidence) {
    return config_toml({.name = "tcmpp-test",
                        .probes = {{.name = "update_check", .path = "check"},
                                   {.name = "release", .path = "release"}},
                        .extra = evidence});
}

// Six runs of each probe per minute for `minutes` minutes from 2026-06-01T10:00+08:00;
// minutes 3 and 4 are down (every update_check run fails with a 503 and a request id).
std::string csv(int minutes) {
    std::string out = "time,probe,outcome,http_status,error_code,request_id\n";
    for (int m = 0; m < minutes; ++m)
        for (int i = 0; i < 6; ++i)
            for (const char* probe : {"update_check", "release"}) {
                const bool down = (m == 3 || m == 4) && std::string(probe) == "update_check";
                out += fmt::format("2026-06-01T10:{:02}:{:02}+08:00,{},{},{},,{}\n", m, i * 10 + 5,
                                   probe, down ? "http_5xx" : "ok", down ? 503 : 200,
                                   down ? fmt::format("req-{}-{}", m, i) : "");
            }
    return out;
}

struct World {
    TempDir dir;
    std::string key = (dir / "evidence.key").string();
    std::string config;
    std::string db = (dir / "e.db").string();

    explicit World(bool signed_ = true) {
        if (signed_) make_signing_key(key);
        config = dir.write("c.toml", config_text(signed_ ? "[evidence]\nsigning_key_file = "
                                                           "\"evidence.key\"\n"
                                                         : ""))
                     .string();
    }
    RunResult slawatch(std::vector<std::string> args) {
        args.insert(args.begin(), slawatch_bin());
        args.insert(args.end(), {"--config", config, "--db", db});
        return run(args);
    }
    void replay(int minutes = 10) {
        const auto r = slawatch({"replay", "--input", dir.write("in.csv", csv(minutes)).string()});
        REQUIRE(r.exit_code == 0);
    }
    void sql(const std::string& text) { exec_sql(db, text); }
};

// The id (an SQL expression) of the update_check run at 2026-06-01T10:MM:SS+08:00:
// time_ms * 1024 + the probe's id.
std::string id_at(int minute, int second) {
    const long long ms = 1'780'279'200'000LL + minute * 60'000LL + second * 1000LL;
    return "(" + std::to_string(slawatch::storage::layout::result_id(ms, 0)) +
           " + (SELECT id FROM probe WHERE name = 'update_check'))";
}

}  // namespace

TEST_CASE("evidence cli: verify says intact after replay, with the signing key's fingerprint",
          "[evidence][cli]") {
    World w;
    w.replay();
    auto r = w.slawatch({"verify"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("intact") != std::string::npos);
    CHECK(r.out.find("(the configured key)") != std::string::npos);
    r = w.slawatch({"verify", "--format", "json"});
    REQUIRE(r.exit_code == 0);
    const auto v = json::parse(r.out).as_object();
    CHECK(v.at("intact").as_bool());
    CHECK(v.at("tree_size").as_int64() == 120);
    CHECK(v.at("signed_checkpoints").as_int64() == 1);
    CHECK(v.at("key_fingerprints").as_array().at(0) == v.at("configured_key_fingerprint"));
    // The private key is never in the database.
    const auto pem = read_file(w.key);
    const auto body = pem.substr(pem.find('\n') + 1, 20);
    CHECK(read_file(w.db).find(body) == std::string::npos);
}

TEST_CASE("evidence cli: verify exits 1 naming the tampered result or checkpoint",
          "[evidence][cli]") {
    World w;
    w.replay();
    REQUIRE(w.slawatch({"verify"}).exit_code == 0);
    std::string expect;
    SECTION("an edited result") {
        // The down minute 10:03 made up: the failed run turned ok.
        w.sql(
            "UPDATE probe_result SET outcome = 0, http_status = 200, request_id = NULL WHERE id "
            "= " +
            id_at(3, 15));
        expect = "2026-06-01T02:03:15.000Z probe update_check";
    }
    SECTION("a deleted result") {
        w.sql("DELETE FROM probe_result WHERE id = " + id_at(4, 25));
        expect = "2026-06-01T02:04:25.000Z (leaf";
    }
    SECTION("an inserted result") {
        w.sql("INSERT INTO probe_result (id, outcome, http_status) VALUES (" + id_at(7, 1) +
              ", 5, 503)");
        expect = "2026-06-01T02:07:01.000Z probe update_check is not in the evidence log";
    }
    SECTION("a reordered result") {
        w.sql("UPDATE probe_result SET id = -1 WHERE id = " + id_at(2, 5) +
              "; UPDATE probe_result SET id = " + id_at(2, 5) + " WHERE id = " + id_at(3, 5) +
              "; UPDATE probe_result SET id = " + id_at(3, 5) + " WHERE id = -1");
        expect = "2026-06-01T02:02:05.000Z";
    }
    SECTION("a forged checkpoint signature") {
        w.sql("UPDATE evidence_checkpoint SET signature = randomblob(64)");
        expect = "checkpoint #1";
    }
    const auto r = w.slawatch({"verify"});
    CHECK(r.exit_code == 1);
    INFO(r.out << r.err);
    CHECK(r.err.find(expect) != std::string::npos);
    CHECK(r.out.find("TAMPERED") != std::string::npos);
    const auto j = w.slawatch({"verify", "--format", "json"});
    CHECK(j.exit_code == 1);
    CHECK_FALSE(json::parse(j.out).at("intact").as_bool());
}

TEST_CASE("evidence cli: R11 a proof from claim verifies with the documented openssl steps",
          "[evidence][cli][R11]") {
    World w;
    w.replay();
    const auto r = w.slawatch({"claim", "--month", "2026-06", "--format", "json"});
    REQUIRE(r.exit_code == 0);
    const auto claim = json::parse(r.out).as_object();
    const auto& ev = claim.at("evidence").as_object();
    const auto& cp = ev.at("proof_checkpoint").as_object();
    const auto& proofs = ev.at("proofs").as_array();
    REQUIRE(proofs.size() == 12);  // two down minutes of six failed runs
    REQUIRE(ev.at("checkpoints").as_array().size() == 1);

    // The proof checkpoint is a C2SP note: its signature with the verifier
    // key, and with the PEM public key.
    const auto checkpoint = w.dir.write("verify-note.sh", doc_script("verify-note.sh"));
    const auto proof = w.dir.write("verify-proof.sh", doc_script("verify-proof.sh"));
    const auto note_text = json::value_to<std::string>(cp.at("note"));
    const auto note = w.dir.write("checkpoint.note", note_text).string();
    const auto pem = w.dir.write("key.pem", json::value_to<std::string>(ev.at("public_key_pem")));
    const auto vkey = json::value_to<std::string>(ev.at("verifier_key"));
    RunResult s;
    for (const auto& key : {vkey, pem.string()}) {
        s = run({"/bin/bash", checkpoint.string(), note, key});
        INFO(key << ": " << s.out << s.err);
        CHECK(s.exit_code == 0);
        CHECK(s.out.find("key fingerprint: " +
                         json::value_to<std::string>(ev.at("public_key_fingerprint"))) !=
              std::string::npos);
        CHECK(s.out.find("root: " + json::value_to<std::string>(cp.at("root"))) !=
              std::string::npos);
        CHECK(s.out.find("Signature Verified Successfully") != std::string::npos);
    }

    for (std::size_t i : {std::size_t{0}, std::size_t{11}}) {
        const auto& p = proofs[i].at("proof").as_object();
        std::vector<std::string> args{"/bin/bash",
                                      proof.string(),
                                      std::to_string(p.at("leaf_index").as_int64()),
                                      std::to_string(p.at("tree_size").as_int64()),
                                      json::value_to<std::string>(p.at("leaf")),
                                      json::value_to<std::string>(cp.at("root"))};
        for (const auto& h : p.at("path").as_array())
            args.push_back(json::value_to<std::string>(h));
        s = run(args);
        INFO(s.out << s.err);
        CHECK(s.exit_code == 0);
        CHECK(s.out.rfind("OK: leaf", 0) == 0);
        // The leaf names the cited call: probe update_check (hex) and http_5xx.
        const auto leaf = json::value_to<std::string>(p.at("leaf"));
        CHECK(leaf.find("7570646174655f636865636b") != std::string::npos);
        CHECK(leaf.find("687474705f357878") != std::string::npos);
        // One bit changed in the leaf: the same steps refuse it.
        auto bad = args;
        bad[4][bad[4].size() - 1] = bad[4].back() == '0' ? '1' : '0';
        CHECK(run(bad).exit_code == 1);
    }
    // One byte changed in the note's size, root or signature: the script refuses it.
    const auto size_at = note_text.find('\n') + 1;
    const auto root_at = note_text.find('\n', size_at) + 1;
    for (const auto at : {size_at, root_at + 3, note_text.size() - 10}) {
        auto bad = note_text;
        bad[at] = bad[at] == '1' ? '2' : '1';
        const auto changed = w.dir.write("changed.note", bad).string();
        s = run({"/bin/bash", checkpoint.string(), changed, vkey});
        INFO(bad << s.out << s.err);
        CHECK(s.exit_code != 0);
    }

    const auto md = w.slawatch({"claim", "--month", "2026-06"});
    REQUIRE(md.exit_code == 0);
    CHECK(md.out.find("## Evidence integrity") != std::string::npos);
    CHECK(md.out.find("Inclusion proofs of the failed calls (12 of 12)") != std::string::npos);
}

TEST_CASE("evidence cli: unsigned checkpoints still catch an edit, a bad key is exit 2",
          "[evidence][cli]") {
    World w(false);
    w.replay();
    CHECK(w.slawatch({"verify"}).exit_code == 0);
    w.sql("UPDATE probe_result SET http_status = 500 WHERE id = " + id_at(1, 5));
    CHECK(w.slawatch({"verify"}).exit_code == 1);

    World k;
    k.dir.write("evidence.key", "not a key\n");
    const auto r = k.slawatch({"replay", "--input", k.dir.write("in.csv", csv(2)).string()});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("is not an Ed25519 private key") != std::string::npos);
    CHECK(r.err.find("not a key") == std::string::npos);
    CHECK(k.slawatch({"verify", "--bogus"}).exit_code == 2);
}

TEST_CASE("evidence cli: the daemon records a signed checkpoint and its evidence_checkpoint event",
          "[evidence][cli][daemon]") {
    World w;
    w.config = w.dir
                   .write("run.toml", config_text(R"([evidence]
signing_key_file = "evidence.key"

[metrics]
enabled = false

[[alert]]
name = "witness"
kind = "exec"
command = ["/bin/true"]
events = ["evidence_checkpoint"]
)"))
                   .string();
    Process daemon({slawatch_bin(), "run", "--config", w.config, "--db", w.db}, w.dir.path());
    REQUIRE(eventually([&] { return daemon.err().find("running") != std::string::npos; },
                       std::chrono::seconds(20)));
    std::this_thread::sleep_for(std::chrono::seconds(2));
    daemon.signal(SIGTERM);
    REQUIRE(daemon.wait(std::chrono::seconds(30)) == 0);

    const auto v = w.slawatch({"verify", "--format", "json"});
    INFO(v.out << v.err);
    REQUIRE(v.exit_code == 0);
    const auto report = json::parse(v.out).as_object();
    CHECK(report.at("signed_checkpoints").as_int64() >= 1);

    sqlite3* h = nullptr;
    REQUIRE(sqlite3_open_v2(w.db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(
        sqlite3_prepare_v2(h,
                           "SELECT e.body FROM alert_event e JOIN alert_outbox o ON o.id = e.id "
                           "WHERE e.type = 'evidence_checkpoint' AND o.hook = 'witness'",
                           -1, &st, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    const auto body =
        json::parse(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))).as_object();
    sqlite3_finalize(st);
    sqlite3_close(h);
    CHECK(body.at("key_fingerprint") == report.at("configured_key_fingerprint"));
    // The note exactly as `slawatch checkpoint --size N` prints it.
    const auto message = json::value_to<std::string>(body.at("message"));
    const auto origin = json::value_to<std::string>(body.at("origin"));
    CHECK(origin.ends_with("/" + json::value_to<std::string>(report.at("log_id"))));
    CHECK(message.starts_with(origin + "\n"));
    const auto size = message.substr(origin.size() + 1,
                                     message.find('\n', origin.size() + 1) - origin.size() - 1);
    const auto printed = w.slawatch({"checkpoint", "--size", size});
    INFO(printed.err);
    REQUIRE(printed.exit_code == 0);
    CHECK(body.at("note") == printed.out.c_str());
    CHECK(printed.out.starts_with(message + "\n\xE2\x80\x94 " + origin + " "));
    const auto vkey = w.slawatch({"key", "--verifier"}).out;
    CHECK(body.at("verifier_key") == vkey.substr(0, vkey.size() - 1).c_str());
    CHECK(json::value_to<std::string>(body.at("signature")).size() == 128);
}
