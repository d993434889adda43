// SPDX-License-Identifier: Apache-2.0
// Three vantage points witness each other (docs/vantage.md, "Witnesses"):
// the real daemons of `a` and `b`, each with its own signing key, cosign
// each other's checkpoints through their /checkpoint endpoints and those of
// `c` from a shipped copy of its database. `c` then grows honestly (cosigned
// through a consistency proof) and is replaced by a rewritten history of the
// same log re-signed with its own key: both witnesses raise evidence_rewritten
// naming `c` and do not cosign it; `quorum` says who cosigned what. Hostile
// endpoints (garbage, a huge body, a note of another key) cost an error
// count each, never a cosignature or the daemon.

#include "storage/evidence/log.hpp"
#include "storage/evidence/note.hpp"
#include "tests/support/daemon_rig.hpp"
#include "tests/support/hostile_server.hpp"
#include "tests/support/replay_world.hpp"
#include "tests/support/signing_key.hpp"

#include <signal.h>
#include <boost/json.hpp>

#include <future>

using namespace slawatch;
using namespace slawatch::testing;
using namespace std::chrono;
namespace json = boost::json;
namespace ev = slawatch::storage::evidence;

namespace {

const std::int64_t yesterday_s = now_ms() / 1000 - 86400;

// Minute `m` of yesterday 10:00 (+08:00), both service probes, `failures` of six failing.
Csv csv_minutes(int from, int to, int failures = 0) {
    Csv csv;
    for (int m = from; m < to; ++m) {
        const auto at = utc_date(yesterday_s) + fmt::format("T10:{:02}", m);
        csv.minute(at, "management", failures);
        csv.minute(at, "release", 0);
    }
    return csv;
}

void replay(const Rig& rig, const Csv& csv, const std::string& name) {
    const auto r = run({slawatch_bin(), "replay", "--config", rig.config_file().string(), "--db",
                        rig.db().string(), "--input", rig.dir.write(name, csv.text).string()});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
}

void ship(const std::string& from, const std::filesystem::path& to) {
    const auto tmp = to.string() + ".tmp";
    std::filesystem::remove(tmp);
    exec_sql(from, "VACUUM INTO '" + tmp + "'");
    std::filesystem::rename(tmp, to);  // a witness never sees half a file
}

std::string pem_of(const std::filesystem::path& key) {
    return ev::Signer::from_pem_file(key).public_key_pem();
}

// A vantage point's config: its name, its key, the peers it pins and witnesses.
std::string vantage(Rig& rig, const std::string& name, const std::string& key,
                    const std::string& more = "") {
    rig.dir.write("creds/secret_id", "AKIDtestsecretid0001\n");
    rig.dir.write("creds/secret_key", "testsecretkeytestsecretkey000001\n");
    return rig.config(6, 3,
                      "[vantage]\nname = \"" + name + "\"\n" + more +
                          "\n[evidence]\nsigning_key_file = \"" + key + "\"\n\n");
}

std::string witness(const std::string& peer, const std::string& where) {
    return "[[vantage.witness]]\npeer = \"" + peer + "\"\n" + where + "\ninterval = \"1s\"\n";
}

std::int64_t cosigned(const Rig& witness, const std::string& peer, const char* what = "count(*)") {
    return count_rows(
        witness.db().string(),
        fmt::format("SELECT {} FROM evidence_cosignature WHERE peer = '{}'", what, peer).c_str());
}

std::int64_t rewrites(const Rig& witness, const std::string& peer) {
    return count_rows(witness.db().string(),
                      fmt::format("SELECT count(*) FROM alert_event WHERE type = "
                                  "'evidence_rewritten' AND id LIKE 'evidence_rewritten:{}:%'",
                                  peer)
                          .c_str());
}

// A note of vantage point `peer` signed by `key` (not the one pinned for it).
std::string foreign_note(const std::filesystem::path& key, const std::string& peer) {
    const auto signer = ev::Signer::from_pem_file(key);
    const auto origin = ev::note::origin(peer, "00112233445566778899aabbccddeeff");
    const auto text = ev::note::checkpoint_text({origin, 3, ev::Hash{}});
    return ev::note::Note{text, {ev::note::sign(signer, origin, text)}}.serialize();
}

HostileServer answering(std::string body) {
    return HostileServer([body](HostileServer::tcp::socket& s) {
        read_request_head(s);
        write_all(s, response(200, "OK", body));
    });
}

}  // namespace

// a's /checkpoint: its newest note (24 leaves), the proof from its checkpoint
// of 12, and bad queries.
void check_endpoint(const Rig& a, const std::string& key) {
    // /checkpoint: the newest note, signed by a's key under its origin.
    const auto [status, body] = http_get(a.metrics_port, "/checkpoint");
    REQUIRE(status == 200);
    const auto n = ev::note::parse(body);
    const auto seen = ev::note::parse_checkpoint_text(n.text);
    CHECK(seen.origin.starts_with("slawatch/a/"));
    CHECK(seen.tree_size == 24);
    CHECK(ev::note::verify(n, seen.origin, ev::Signer::from_pem_file(key).public_key()));
    // ?from=12: the note and the RFC 9162 proof from a's checkpoint of 12 leaves.
    const auto [s4, j4] = http_get(a.metrics_port, "/checkpoint?from=12");
    REQUIRE(s4 == 200);
    const auto o = json::parse(j4).as_object();
    CHECK(o.at("note").as_string() == body);
    CHECK(o.at("old_size").as_int64() == 12);
    CHECK(o.at("new_size").as_int64() == 24);
    std::vector<ev::Hash> proof;
    for (const auto& h : o.at("proof").as_array())
        proof.push_back(*ev::hash_from_hex(h.as_string()));
    const auto store = a.store();
    const auto old = store->evidence().checkpoint_at(12);
    REQUIRE(old);
    ev::Hasher h;
    CHECK(ev::verify_consistency(h, 12, 24, old->root, seen.root, proof));
    CHECK_FALSE(ev::verify_consistency(h, 12, 24, seen.root, seen.root, proof));
    // Bad queries and sizes beyond the log.
    for (const char* bad : {"/checkpoint?from=x", "/checkpoint?from=-1", "/checkpoint?size=4"})
        CHECK(http_get(a.metrics_port, bad).first == 400);
    CHECK(http_get(a.metrics_port, "/checkpoint?from=25").first == 404);
    CHECK(http_get(a.metrics_port, "/healthz").first == 200);
}

// quorum over copies of a, b and c: who cosigned what, with the honest copy
// of c, then with the rewritten one.
void check_quorum(std::array<Rig, 3>& rigs, const std::filesystem::path& c_db,
                  const std::string& key) {
    auto& [a, b, c] = rigs;
    const auto a_db = a.dir / "a.db";
    const auto b_db = a.dir / "b.db";
    ship(a.db().string(), a_db);
    ship(b.db().string(), b_db);
    const auto c_honest = a.dir / "c-honest.db";
    ship(c.db().string(), c_honest);
    const auto quorum_cfg = a.dir.write("quorum.toml", vantage(a, "claimant", key)).string();
    const auto month = utc_date(yesterday_s).substr(0, 7);
    const auto quorum = [&](const std::filesystem::path& c_copy, const std::string& format) {
        const auto r = run({slawatch_bin(), "quorum", "--config", quorum_cfg, "--month", month,
                            "--quorum", "2", "--db", a_db.string(), "--db", b_db.string(), "--db",
                            c_copy.string(), "--format", format});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        return r.out;
    };
    const auto j = json::parse(quorum(c_honest, "json")).as_object();
    const auto& v = j.at("quorum").at("vantages").as_array();
    REQUIRE(v.size() == 3);
    const auto by = [](const json::value& cosigned) {
        std::vector<std::string> names;
        for (const auto& b : cosigned.at("by").as_array())
            names.emplace_back(b.at("vantage").as_string());
        return names;
    };
    // a: its checkpoint of 24 leaves cosigned by b; of 12 not (b first saw 24).
    const auto& a_cosigned = v[0].at("cosigned").as_array();
    REQUIRE(a_cosigned.size() == 1);
    CHECK(a_cosigned[0].at("tree_size").as_int64() == 24);
    CHECK(by(a_cosigned[0]) == std::vector<std::string>{"b"});
    CHECK(v[0].at("not_cosigned").as_array().size() >= 1);
    CHECK(v[0].at("not_cosigned").as_array()[0].as_int64() == 12);
    const auto& c_cosigned = v[2].at("cosigned").as_array();
    REQUIRE(c_cosigned.size() == 2);
    CHECK(c_cosigned[0].at("tree_size").as_int64() == 24);
    CHECK(c_cosigned[1].at("tree_size").as_int64() == 36);
    CHECK(by(c_cosigned[1]) == std::vector<std::string>{"a", "b"});
    CHECK(v[2].at("rejected_cosignatures").as_array().empty());
    // The rewritten c: the witnesses' cosignatures match none of its checkpoints.
    const auto rewritten = json::parse(quorum(c_db, "json")).as_object();
    const auto& rw = rewritten.at("quorum").at("vantages").as_array()[2];
    CHECK(rw.at("cosigned").as_array().empty());
    CHECK(rw.at("rejected_cosignatures").as_array().size() == 4);
    CHECK_THAT(rw.at("rejected_cosignatures").as_array()[0].as_string().c_str(),
               Catch::Contains("matches no checkpoint of c of that size"));
    CHECK_THAT(quorum(c_honest, "html"),
               Catch::Contains("<td>cosigned 2 of 3 checkpoints; newest cosigned: 36 leaves by "
                               "a, b; not cosigned: 12</td>"));
    const auto text = quorum(c_honest, "text");
    CHECK_THAT(text, Catch::Contains(
                         "cosigned 2 of 3 checkpoints; newest cosigned: 36 leaves by a, b; not "
                         "cosigned: 12"));
}

TEST_CASE("witness: three vantage points, one rewrites its history", "[witness][integration]") {
    TempDir keys_dir;
    std::map<std::string, std::string> keys;
    for (const auto* name : {"a", "b", "c", "stranger"}) {
        keys[name] = (keys_dir / (std::string(name) + ".key")).string();
        make_signing_key(keys[name]);
    }
    // Declared before the daemons, so that they go after them.
    HostileServer garbage = answering("{\"note\": \"hello\"}");
    HostileServer stranger = answering(
        "{\"note\": " + json::serialize(json::string(foreign_note(keys["stranger"], "evil-key"))) +
        "}");
    HostileServer huge([](HostileServer::tcp::socket& s) {
        read_request_head(s);
        stream_forever(s, "HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n",
                       std::string(4096, 'x'));
    });
    std::array<Rig, 3> rigs;
    auto& [a, b, c] = rigs;
    const auto c_db = a.dir / "c.db";
    const auto pin = [&](const std::string& peer, const std::string& key) {
        return peer + " = '''\n" + pem_of(key) + "'''\n";
    };
    const auto url = [](const Rig& r) {
        return fmt::format("url = \"http://127.0.0.1:{}/checkpoint\"", r.metrics_port);
    };
    a.dir.write(
        "slawatch.toml",
        vantage(a, "a", keys["a"],
                "[vantage.peers]\n" + pin("b", keys["b"]) + pin("c", keys["c"]) +
                    pin("evil-garbage", keys["c"]) + pin("evil-key", keys["c"]) +
                    pin("evil-huge", keys["c"]) + "\n" + witness("b", url(b)) +
                    witness("c", "database = \"" + c_db.string() + "\"") +
                    witness("evil-garbage", "url = \"" + garbage.url("/checkpoint") + "\"") +
                    witness("evil-key", "url = \"" + stranger.url("/checkpoint") + "\"") +
                    witness("evil-huge", "url = \"" + huge.url("/checkpoint") + "\"")));
    b.dir.write("slawatch.toml", vantage(b, "b", keys["b"],
                                         "[vantage.peers]\n" + pin("a", keys["a"]) +
                                             pin("c", keys["c"]) + "\n" + witness("a", url(a)) +
                                             witness("c", "database = \"" + c_db.string() + "\"")));
    c.dir.write("slawatch.toml", vantage(c, "c", keys["c"]));

    // Each has checkpoints before its daemon starts (12 leaves a minute); a's at 12 and 24.
    replay(a, csv_minutes(0, 1), "a0.csv");
    replay(a, csv_minutes(1, 2), "a1.csv");
    replay(b, csv_minutes(0, 2, 1), "b.csv");
    // c: one history up to 12 leaves, then two: the honest one, and another
    // of the same log (its copy) with a failure at minute 1.
    replay(c, csv_minutes(0, 1, 2), "c0.csv");
    const auto fork = (c.dir / "fork.db").string();
    exec_sql(c.db().string(), "VACUUM INTO '" + fork + "'");
    replay(c, csv_minutes(1, 2, 2), "c1.csv");
    ship(c.db().string(), c_db);

    a.start_daemon();
    b.start_daemon();
    const auto both_cosigned = [&](const std::string& peer, std::int64_t size) {
        return eventually(
            [&] {
                return cosigned(a, peer, "max(tree_size)") == size &&
                       cosigned(b, peer, "max(tree_size)") == size;
            },
            seconds(15));
    };
    INFO(a.daemon->err() << b.daemon->err());
    CHECK(eventually([&] { return cosigned(a, "b") >= 1 && cosigned(b, "a") >= 1; }, seconds(15)));
    CHECK(cosigned(a, "b", "max(tree_size)") == 24);
    CHECK(cosigned(b, "a", "max(tree_size)") == 24);
    REQUIRE(both_cosigned("c", 24));

    check_endpoint(a, keys["a"]);

    // c grows honestly: cosigned again, through a consistency proof from 24.
    replay(c, csv_minutes(2, 3, 2), "c2.csv");
    ship(c.db().string(), c_db);
    CHECK(both_cosigned("c", 36));

    // c's history rewritten: the fork, with minute 1 failing and more after,
    // re-signed with c's own key. Neither witness cosigns it; both raise the alarm.
    {
        const auto r =
            run({slawatch_bin(), "replay", "--config", c.config_file().string(), "--db", fork,
                 "--input", c.dir.write("f.csv", csv_minutes(1, 4, 6).text).string()});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
    }
    ship(fork, c_db);
    CHECK(eventually([&] { return rewrites(a, "c") >= 1 && rewrites(b, "c") >= 1; }, seconds(15)));
    CHECK(cosigned(a, "c", "max(tree_size)") == 36);
    CHECK(cosigned(b, "c", "max(tree_size)") == 36);
    const auto metrics = http_get(a.metrics_port, "/metrics").second;
    CHECK(metric_value(metrics, "slawatch_witness_rewrites_total{peer=\"c\"}") >= 1.0);
    CHECK(metric_value(metrics, "slawatch_witness_cosigned_tree_size{peer=\"b\"}") == 24.0);
    CHECK(metric_value(metrics, "slawatch_witness_rewrites_total{peer=\"b\"}") == 0.0);

    // The hostile endpoints: an error each, no cosignature, the daemon alive.
    for (const auto* evil : {"evil-garbage", "evil-key", "evil-huge"}) {
        INFO(evil);
        CHECK(metric_value(metrics, fmt::format("slawatch_witness_errors_total{{peer=\"{}\"}}",
                                                evil)) >= 1.0);
        CHECK(cosigned(a, evil) == 0);
        CHECK(rewrites(a, evil) == 0);
    }
    CHECK(http_get(a.metrics_port, "/healthz").first == 200);

    a.daemon->signal(SIGTERM);
    b.daemon->signal(SIGTERM);
    CHECK(a.daemon->wait(seconds(15)) == 0);
    CHECK(b.daemon->wait(seconds(15)) == 0);

    check_quorum(rigs, c_db, keys["a"]);
}

TEST_CASE("witness: no signing key refuses to start, no checkpoint yet is 404",
          "[witness][integration]") {
    Rig rig;
    TempDir keys;
    const auto key = (keys / "peer.key").string();
    make_signing_key(key);
    const auto peers = "[vantage.peers]\nb = '''\n" + pem_of(key) + "'''\n\n" +
                       witness("b", "database = \"b.db\"");
    // Without [evidence] signing_key_file (and no systemd credential): refused.
    auto text = vantage(rig, "a", key, peers);
    const auto evidence = text.find("[evidence]");
    text.erase(evidence, text.find("\n\n", evidence) - evidence);
    rig.dir.write("slawatch.toml", text);
    auto refused = rig.spawn_daemon();
    CHECK(refused->wait(seconds(10)) == 2);
    CHECK_THAT(refused->err(),
               Catch::Contains("[[vantage.witness]] needs this host's evidence signing key"));

    // A daemon with a key, on a new database: nothing to serve yet.
    rig.dir.write("slawatch.toml", vantage(rig, "a", key));
    rig.start_daemon();
    const auto [status, body] = http_get(rig.metrics_port, "/checkpoint");
    CHECK(status == 404);
    CHECK(body == "no checkpoint note yet\n");
    CHECK(http_get(rig.metrics_port, "/checkpoint?from=0").first == 404);
    // Many at once: each answered (or refused as busy), and /metrics still is.
    std::vector<std::future<int>> asks;
    for (int i = 0; i < 24; ++i)
        asks.push_back(std::async(std::launch::async, [&] {
            return http_get(rig.metrics_port, "/checkpoint?from=0").first;
        }));
    for (auto& f : asks) {
        const auto s = f.get();
        CHECK((s == 404 || s == 503));
    }
    CHECK(http_get(rig.metrics_port, "/metrics").first == 200);
    rig.daemon->signal(SIGTERM);
    CHECK(rig.daemon->wait(seconds(15)) == 0);
}
