// SPDX-License-Identifier: Apache-2.0
// The real `slawatch` on C2SP checkpoints: `checkpoint` prints the note,
// `key` its verifier keys, `prove` a consistency proof between two recorded
// checkpoints, and `verify --since` refuses a changed note or a rewritten log
// (docs/evidence.md, "Checkpoints" and "Consistency proofs").

#include "storage/evidence/log.hpp"
#include "tests/support/doc_script.hpp"
#include "tests/support/old_schema.hpp"
#include "tests/support/replay_world.hpp"
#include "tests/support/signing_key.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <string>

using namespace slawatch::testing;
namespace json = boost::json;

namespace {

constexpr const char* signed_evidence =
    "[vantage]\nname = \"tokyo\"\n[evidence]\nsigning_key_file = \"evidence.key\"\n";

// A signed world with two checkpoints: one after `first` minutes of
// results, one after 10 minutes (36 and 180 leaves for first = 2).
struct SignedWorld : World {
    explicit SignedWorld(int first = 2, bool second = true)
        : World(config_text("any", signed_evidence)) {
        make_signing_key(dir / "evidence.key");
        replay_minutes(0, first, "first.csv");
        if (second) replay_minutes(first, 10, "second.csv");
    }
    // Minutes [from, to) into `into` (default: db), update_check down in `down`.
    void replay_minutes(int from, int to, const std::string& name, const std::string& into = "",
                        int down = 3) {
        Csv csv;
        if (from == to) {  // 16 leaves: a power of two, the proof's special case
            csv.minute("2026-06-01T09:59", "update_check", 0);
            csv.minute("2026-06-01T09:59", "release", 0);
            csv.minute("2026-06-01T09:59", "ref", 0, "ok", "200", 4);
        }
        for (int m = from; m < to; ++m) {
            const auto at = fmt::format("2026-06-01T10:{:02}", m);
            csv.minute(at, "update_check", m == down ? 6 : 0);
            healthy_others(csv, at);
        }
        const auto r = run({slawatch_bin(), "replay", "--input", dir.write(name, csv.text).string(),
                            "--config", config, "--db", into.empty() ? db : into});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
    }
};

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at < text.size()) {
        const auto end = text.find('\n', at);
        out.push_back(text.substr(at, end - at));
        if (end == std::string::npos) break;
        at = end + 1;
    }
    return out;
}

}  // namespace

TEST_CASE("checkpoint cli: checkpoint prints the newest note, or the one of a size", "[notes]") {
    SignedWorld w;
    const auto newest = w.slawatch({"checkpoint"});
    INFO(newest.err);
    REQUIRE(newest.exit_code == 0);
    CHECK(newest.err.empty());
    const auto l = lines(newest.out);
    REQUIRE(l.size() == 5);
    CHECK(l[0].starts_with("slawatch/tokyo/"));
    CHECK(l[0].size() == std::string("slawatch/tokyo/").size() + 32);
    CHECK(l[1] == "180");
    CHECK(l[2].size() == 44);  // base64 of 32 bytes
    CHECK(l[3].empty());
    CHECK(l[4].starts_with("\xE2\x80\x94 " + l[0] + " "));

    const auto older = w.slawatch({"checkpoint", "--size", "36"});
    REQUIRE(older.exit_code == 0);
    CHECK(lines(older.out)[1] == "36");
    CHECK(lines(older.out)[0] == l[0]);

    const auto none = w.slawatch({"checkpoint", "--size", "100"});
    CHECK(none.exit_code == 1);
    CHECK(none.out.empty());
    CHECK(none.err.find("no checkpoint of tree size 100") != std::string::npos);
    CHECK(none.err.find("36 (below) and 180 (above)") != std::string::npos);
}

TEST_CASE("checkpoint cli: an unsigned database prints the note text and says so", "[notes]") {
    World w;
    Csv csv;
    csv.minute("2026-06-01T10:00", "update_check", 0);
    healthy_others(csv, "2026-06-01T10:00");
    REQUIRE(w.replay(csv).exit_code == 0);
    const auto r = w.slawatch({"checkpoint"});
    REQUIRE(r.exit_code == 0);
    CHECK(lines(r.out).size() == 3);
    CHECK(lines(r.out)[1] == "18");
    CHECK(r.err.find("unsigned") != std::string::npos);
    // No key configured: `key` says so (exit 2).
    const auto key = w.slawatch({"key"});
    CHECK(key.exit_code == 2);
    CHECK(key.out.empty());
    CHECK(key.err.find("no signing key") != std::string::npos);
}

TEST_CASE("checkpoint cli: key prints the public key and verifier keys, never the private key",
          "[notes]") {
    World w(config_text("any", signed_evidence));
    make_signing_key(w.dir / "evidence.key");
    const auto pem = w.slawatch({"key"});
    REQUIRE(pem.exit_code == 0);
    CHECK(pem.out.starts_with("fingerprint "));
    CHECK(pem.out.find("-----BEGIN PUBLIC KEY-----") != std::string::npos);
    CHECK(pem.out.find("PRIVATE") == std::string::npos);
    // The origin needs the database's log id.
    const auto early = w.slawatch({"key", "--verifier"});
    CHECK(early.exit_code == 2);
    CHECK(early.err.find("`slawatch run` or `replay` once first") != std::string::npos);

    Csv csv;
    csv.minute("2026-06-01T10:00", "update_check", 0);
    healthy_others(csv, "2026-06-01T10:00");
    REQUIRE(w.replay(csv).exit_code == 0);
    const auto origin = lines(w.slawatch({"checkpoint"}).out)[0];
    const auto verifier = w.slawatch({"key", "--verifier"});
    REQUIRE(verifier.exit_code == 0);
    const auto v = lines(verifier.out);
    REQUIRE(v.size() == 1);
    CHECK(v[0].starts_with(origin + "+"));
    // The key id in the verifier key is the one on the note's signature line.
    const auto cosigner = w.slawatch({"key", "--cosigner"});
    REQUIRE(cosigner.exit_code == 0);
    const auto c = lines(cosigner.out);
    REQUIRE(c.size() == 1);
    CHECK(c[0].starts_with(origin + "+"));
    CHECK(c[0] != v[0]);
    // base64(type || key): 0x01 begins "A", 0x04 begins "B".
    CHECK(v[0][origin.size() + 10] == 'A');
    CHECK(c[0][origin.size() + 10] == 'B');
    CHECK(w.slawatch({"key", "--verifier", "--cosigner"}).exit_code == 2);
}

namespace {

// `prove --format json` checked with docs/evidence.md's script, as printed.
RunResult offline_check(World& w, const std::string& proof_json) {
    const auto script = w.dir.write("verify-consistency.sh", doc_script("verify-consistency.sh"));
    const auto file = w.dir.write("proof.json", proof_json);
    return run({"/bin/bash", script.string(), file.string()});
}

}  // namespace

TEST_CASE("checkpoint cli: prove prints a consistency proof the documented script accepts",
          "[notes]") {
    const int first = GENERATE(2, 0);  // 36 leaves, or 16 (a power of two)
    SignedWorld w(first);
    const std::string old_size = first == 2 ? "36" : "16";
    const auto proof = w.slawatch({"prove", "--from", old_size, "--format", "json"});
    INFO(proof.err);
    REQUIRE(proof.exit_code == 0);
    const auto p = json::parse(proof.out).as_object();
    CHECK(p.at("old_size").as_int64() == std::stoll(old_size));
    const auto new_size = p.at("new_size").as_int64();
    CHECK(new_size == (first == 2 ? 180 : 196));
    CHECK(!p.at("proof").as_array().empty());
    const auto ok = offline_check(w, proof.out);
    INFO(ok.out << ok.err);
    CHECK(ok.exit_code == 0);
    CHECK(ok.out.starts_with("OK: "));

    // The text form says the same, one "key value" line each.
    const auto text = w.slawatch({"prove", "--from", old_size, "--to", std::to_string(new_size)});
    REQUIRE(text.exit_code == 0);
    const auto l = lines(text.out);
    REQUIRE(l.size() == 5 + p.at("proof").as_array().size());
    CHECK(l[0] == "old_size " + old_size);
    CHECK(l[2] == "old_root " + std::string(p.at("old_root").as_string()));
    CHECK(l[4] == "proof");
    CHECK(l[5] == std::string(p.at("proof").as_array()[0].as_string()));

    // One byte changed anywhere in the proof or a root fails the script.
    for (const auto& field : {"old_root", "new_root", "proof"}) {
        auto changed = proof.out;
        const auto at = changed.find('"', changed.find(std::string("\"") + field + "\":") +
                                              std::string(field).size() + 3) +
                        1;
        changed[at] = changed[at] == '0' ? '1' : '0';
        const auto bad = offline_check(w, changed);
        INFO(field << ": " << changed);
        CHECK(bad.exit_code == 1);
        CHECK(bad.out.starts_with("FAIL: "));
    }
}

TEST_CASE("checkpoint cli: prove refuses sizes that are no checkpoint, and a wrong order",
          "[notes]") {
    SignedWorld w;
    const auto same = w.slawatch({"prove", "--from", "180", "--format", "json"});
    REQUIRE(same.exit_code == 0);
    CHECK(json::parse(same.out).at("proof").as_array().empty());
    CHECK(offline_check(w, same.out).exit_code == 0);

    const auto missing = w.slawatch({"prove", "--from", "37"});
    CHECK(missing.exit_code == 1);
    CHECK(missing.out.empty());
    CHECK(missing.err.find("no checkpoint of tree size 37") != std::string::npos);
    CHECK(missing.err.find("36 (below) and 180 (above)") != std::string::npos);
    CHECK(w.slawatch({"prove", "--from", "36", "--to", "100"}).exit_code == 1);
    const auto order = w.slawatch({"prove", "--from", "180", "--to", "36"});
    CHECK(order.exit_code == 2);
    CHECK(order.err.find("larger than") != std::string::npos);
    CHECK(w.slawatch({"prove"}).exit_code == 2);  // --from is required
}

namespace {

// `text` with the byte at `at` changed to another character of its kind.
std::string one_byte_changed(std::string text, std::size_t at) {
    const char c = text[at];
    text[at] = c == '0' ? '1' : c == 'A' ? 'B' : c == 'a' ? 'b' : c == '1' ? '2' : '0';
    return text;
}

RunResult verify_since(World& w, const std::string& note, const std::string& db = "") {
    const auto file = w.dir.write("kept.note", note).string();
    if (db.empty()) return w.slawatch({"verify", "--since", file, "--format", "json"});
    return run({slawatch_bin(), "verify", "--since", file, "--format", "json", "--config", w.config,
                "--db", db});
}

}  // namespace

TEST_CASE("checkpoint cli: verify --since accepts a kept note, refuses one changed byte",
          "[notes]") {
    SignedWorld w;
    const auto note = w.slawatch({"checkpoint", "--size", "36"}).out;
    const auto ok = verify_since(w, note);
    INFO(ok.out << ok.err);
    REQUIRE(ok.exit_code == 0);
    const auto since = json::parse(ok.out).at("since").as_object();
    CHECK(since.at("consistent").as_bool());
    CHECK(since.at("tree_size").as_int64() == 36);
    CHECK(since.at("consistent_with_size").as_int64() == 180);
    CHECK(since.at("checked").as_array().size() == 4);
    const auto text = w.slawatch({"verify", "--since", (w.dir / "kept.note").string()});
    CHECK(text.exit_code == 0);
    CHECK(text.out.find("consistent: the log only grew since the note") != std::string::npos);

    // One byte of the origin, the size, the root, the key id or the signature.
    const auto l = lines(note);
    const std::size_t size_at = l[0].size() + 1;
    const std::size_t root_at = size_at + l[1].size() + 1;
    const std::size_t sig_at = root_at + l[2].size() + 2 + l[0].size() + 5;
    for (const std::size_t at : {l[0].size() - 1, size_at + 1, root_at + 5, sig_at, sig_at + 20}) {
        const auto bad = verify_since(w, one_byte_changed(note, at));
        INFO("byte " << at << ": " << bad.err);
        CHECK(bad.exit_code == 1);
        CHECK(bad.err.find("--since") != std::string::npos);
        CHECK_FALSE(json::parse(bad.out).at("since").at("consistent").as_bool());
    }
    CHECK(verify_since(w, "not a note\n").exit_code == 1);
    const auto missing = w.slawatch({"verify", "--since", (w.dir / "none.note").string()});
    CHECK(missing.exit_code == 2);
    CHECK(missing.err.find("none.note: cannot be read") != std::string::npos);

    // Another log's note, even one signed with the same key.
    World other(config_text("any", signed_evidence));
    std::filesystem::copy_file(w.dir / "evidence.key", other.dir / "evidence.key");
    Csv csv;
    csv.minute("2026-06-01T10:00", "update_check", 0);
    REQUIRE(other.replay(csv).exit_code == 0);
    const auto foreign = verify_since(w, other.slawatch({"checkpoint"}).out);
    CHECK(foreign.exit_code == 1);
    CHECK(foreign.err.find("is not this log's") != std::string::npos);
}

TEST_CASE("checkpoint cli: verify --since holds a pinned key to the pin", "[notes]") {
    SignedWorld w;
    const auto note = w.slawatch({"checkpoint", "--size", "36"}).out;
    const auto fpr = lines(w.slawatch({"key"}).out)[0].substr(12);
    w.dir.write("c.toml", config_text("any", std::string(signed_evidence) +
                                                 "[vantage.peers]\ntokyo = \"" + fpr + "\"\n"));
    const auto pinned = verify_since(w, note);
    INFO(pinned.err);
    CHECK(pinned.exit_code == 0);
    CHECK(json::parse(pinned.out).at("since").at("pinned_key").as_bool());
    w.dir.write("c.toml",
                config_text("any", std::string(signed_evidence) + "[vantage.peers]\ntokyo = \"" +
                                       std::string(64, 'a') + "\"\n"));
    const auto other = verify_since(w, note);
    CHECK(other.exit_code == 1);
    CHECK(other.err.find("pins for vantage point 'tokyo'") != std::string::npos);
}

TEST_CASE("checkpoint cli: verify --since catches a log rewritten under the same key", "[notes]") {
    // One log (one log id, one key) that forks after its 16-leaf checkpoint:
    // the kept note is from one branch, the database from another.
    SignedWorld w(0, false);
    const auto seed = (w.dir / "seed.db").string();
    exec_sql(w.db, "VACUUM INTO '" + seed + "'");
    w.replay_minutes(0, 10, "second.csv");
    const auto note = w.slawatch({"checkpoint"}).out;
    REQUIRE(lines(note)[1] == "196");
    REQUIRE(verify_since(w, note).exit_code == 0);
    struct Case {
        int minutes;
        const char* says;
    };
    int n = 0;
    for (const auto& c : {Case{10, "of the same tree size 196 has root"},  // same size
                          Case{11, "is not a prefix of checkpoint"},       // larger
                          Case{5, "fewer than the note's 196"}}) {         // shorter
        const auto fork = (w.dir / fmt::format("fork{}.db", ++n)).string();
        std::filesystem::copy_file(seed, fork);
        // The same minutes, but update_check down in minute 4 instead of 3.
        w.replay_minutes(0, c.minutes, "fork.csv", fork, 4);
        const auto r = verify_since(w, note, fork);
        INFO(c.says << ": " << r.out << r.err);
        CHECK(r.exit_code == 1);
        CHECK(r.err.find(c.says) != std::string::npos);
        const auto since = json::parse(r.out).at("since").as_object();
        CHECK(since.at("rewritten").as_bool());
        // The fork is intact on its own: only the kept note shows the rewrite.
        CHECK(json::parse(r.out).at("intact").as_bool());
        CHECK(since.at("key_fingerprint").is_string());
    }
}

namespace {

// The database as schema 9 left it: its checkpoint #1 signed over the
// version-2 message, without an origin.
void as_schema_9(World& w) {
    const auto v = json::parse(w.slawatch({"verify", "--format", "json"}).out);
    const auto& latest = v.at("latest_checkpoint").as_object();
    REQUIRE(latest.at("id").as_int64() == 1);
    slawatch::storage::Checkpoint c;
    c.tree_size = static_cast<std::uint64_t>(latest.at("tree_size").as_int64());
    c.root = *slawatch::storage::evidence::hash_from_hex(latest.at("root").as_string());
    c.time_ms = latest.at("time_ms").as_int64();
    c.log_id = latest.at("log_id").as_string();
    const auto signer = slawatch::storage::evidence::Signer::from_pem_file(w.dir / "evidence.key");
    const auto sig = signer.sign(c.message());
    REQUIRE(c.message().starts_with("slawatch evidence checkpoint v2\n"));
    exec_sql(w.db, "UPDATE evidence_checkpoint SET origin = NULL, signature = X'" +
                       slawatch::storage::evidence::to_hex(
                           reinterpret_cast<const std::uint8_t*>(sig.data()), sig.size()) +
                       "' WHERE id = 1;" + as_schema_version_9_sql);
}

}  // namespace

TEST_CASE("checkpoint cli: a schema-9 database migrates; its old checkpoint still verifies",
          "[notes][migration]") {
    SignedWorld w(2, false);
    as_schema_9(w);
    REQUIRE(count_rows(w.db, "PRAGMA user_version") == 9);

    // A reading command migrates it; the old checkpoint has no note form.
    const auto old = w.slawatch({"checkpoint", "--size", "36"});
    INFO(old.err);
    CHECK(old.exit_code == 1);
    CHECK(old.out.empty());
    CHECK(old.err.find("before checkpoints were signed notes") != std::string::npos);
    CHECK(old.err.find("`slawatch prove --from 36`") != std::string::npos);
    CHECK(count_rows(w.db, "PRAGMA user_version") == 10);
    CHECK(count_rows(w.db, "SELECT count(*) FROM evidence_checkpoint WHERE origin IS NULL") == 1);

    // New checkpoints are notes, and a consistency proof links the old one to them.
    w.replay_minutes(2, 10, "second.csv");
    const auto v = json::parse(w.slawatch({"verify", "--format", "json"}).out).as_object();
    CHECK(v.at("intact").as_bool());
    CHECK(v.at("signed_checkpoints").as_int64() == 2);
    const auto note = w.slawatch({"checkpoint"});
    REQUIRE(note.exit_code == 0);
    CHECK(lines(note.out)[1] == "180");
    const auto proof = w.slawatch({"prove", "--from", "36", "--format", "json"});
    INFO(proof.err);
    REQUIRE(proof.exit_code == 0);
    CHECK(offline_check(w, proof.out).exit_code == 0);
    CHECK(verify_since(w, note.out).exit_code == 0);

    // The claim: the old checkpoint without a note, checked by the old script;
    // the proof checkpoint with its note.
    const auto claim = w.slawatch({"claim", "--month", "2026-06", "--format", "json"});
    REQUIRE(claim.exit_code == 0);
    const auto ev = json::parse(claim.out).at("evidence").as_object();
    CHECK(ev.at("proof_checkpoint").at("note") == note.out.c_str());
    const auto& first = ev.at("checkpoints").as_array().at(0).as_object();
    CHECK(first.at("note") == "");
    CHECK(first.at("origin").is_null());
    const auto script = w.dir.write("verify-checkpoint.sh", doc_script("verify-checkpoint.sh"));
    std::vector<std::string> args{"/bin/bash",
                                  script.string(),
                                  std::to_string(first.at("tree_size").as_int64()),
                                  std::string(first.at("root").as_string()),
                                  std::to_string(first.at("time_ms").as_int64()),
                                  std::string(first.at("signature").as_string()),
                                  std::string(ev.at("public_key").as_string()),
                                  std::string(first.at("log_id").as_string())};
    const auto s = run(args);
    INFO(s.out << s.err);
    CHECK(s.exit_code == 0);
    args[4] = std::to_string(first.at("time_ms").as_int64() + 1);
    CHECK(run(args).exit_code != 0);
}
