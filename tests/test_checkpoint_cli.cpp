// SPDX-License-Identifier: Apache-2.0
// The real `slawatch` on C2SP checkpoints: `checkpoint` prints the note,
// `key` its verifier keys, `prove` a consistency proof between two recorded
// checkpoints, and `verify --since` refuses a changed note or a rewritten log
// (docs/evidence.md, "Checkpoints" and "Consistency proofs").

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
    explicit SignedWorld(int first = 2) : World(config_text("any", signed_evidence)) {
        make_signing_key(dir / "evidence.key");
        replay_minutes(0, first, "first.csv");
        replay_minutes(first, 10, "second.csv");
    }
    void replay_minutes(int from, int to, const std::string& name) {
        Csv csv;
        for (int m = from; m < to; ++m) {
            const auto at = fmt::format("2026-06-01T10:{:02}", m);
            csv.minute(at, "update_check", m == 3 ? 6 : 0);
            healthy_others(csv, at);
        }
        const auto r = replay(csv, name);
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
