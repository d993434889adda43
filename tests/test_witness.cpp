// SPDX-License-Identifier: Apache-2.0
// The witness's judgement of a peer's checkpoint (storage/evidence/witness.hpp),
// the /checkpoint query, and the [[vantage.witness]] config: pure, no processes.

#include "config/config.hpp"
#include "daemon/checkpoint_endpoint.hpp"
#include "storage/evidence/witness.hpp"
#include "tests/support/config_text.hpp"
#include "tests/support/process.hpp"
#include "tests/support/signing_key.hpp"

#include <catch2/catch.hpp>

#include <span>

using namespace slawatch;
using namespace slawatch::storage::evidence;
using Kind = WitnessVerdict::Kind;

namespace {

// A peer's log of leaves "leaf 0", "leaf 1", ... (or another history from
// `fork_at` on), its checkpoints as signed notes and its consistency proofs.
struct PeerLog {
    Signer signer;
    std::string origin;
    std::vector<Hash> leaves;
    Hasher h;

    PeerLog(Signer s, std::string o, std::size_t n, std::size_t fork_at = SIZE_MAX)
        : signer(std::move(s)), origin(std::move(o)) {
        for (std::size_t i = 0; i < n; ++i)
            leaves.push_back(h.leaf((i >= fork_at ? "forged " : "leaf ") + std::to_string(i)));
    }
    Hash mth(std::uint64_t a, std::uint64_t b) {
        if (b - a == 1) return leaves[a];
        const auto k = split_point(b - a);
        return h.node(mth(a, a + k), mth(a + k, b));
    }
    note::CheckpointBody body(std::uint64_t n) { return {origin, n, mth(0, n)}; }
    std::string note_at(std::uint64_t n) {
        const auto text = note::checkpoint_text(body(n));
        return note::Note{text, {note::sign(signer, origin, text)}}.serialize();
    }
    std::vector<Hash> proof(std::uint64_t m, std::uint64_t n) {
        return consistency_path(m, n, [this](auto a, auto b) { return mth(a, b); });
    }
};

Signer key(const testing::TempDir& dir, const std::string& name) {
    const auto path = dir / name;
    testing::make_signing_key(path);
    return Signer::from_pem_file(path);
}

}  // namespace

TEST_CASE("witness: a consistent checkpoint is cosigned, a rewritten one is named", "[witness]") {
    testing::TempDir dir;
    const std::string origin = "slawatch/sh-idc/00112233445566778899aabbccddeeff";
    PeerLog log(key(dir, "peer.key"), origin, 20);
    const auto pk = log.signer.public_key();

    SECTION("first sight: cosigned without a proof") {
        const auto v = judge_checkpoint("sh-idc", pk, log.note_at(7), {}, std::nullopt);
        CHECK(v.kind == Kind::cosign);
        CHECK(v.seen == log.body(7));
    }
    const WitnessMemory memory{origin, log.body(7)};
    SECTION("grown, with a proof that holds") {
        const auto v = judge_checkpoint("sh-idc", pk, log.note_at(13), memory, log.proof(7, 13));
        CHECK(v.kind == Kind::cosign);
    }
    SECTION("the same checkpoint again: nothing new") {
        CHECK(judge_checkpoint("sh-idc", pk, log.note_at(7), memory, std::nullopt).kind ==
              Kind::unchanged);
    }
    SECTION("grown without a proof: nothing learnt, no alarm") {
        const auto v = judge_checkpoint("sh-idc", pk, log.note_at(13), memory, std::nullopt);
        CHECK(v.kind == Kind::invalid);
        CHECK_THAT(v.message, Catch::Contains("no consistency proof from 7 to 13"));
    }
    SECTION("rewritten") {
        PeerLog forged(Signer::from_pem_file(dir / "peer.key"), origin, 20, 5);
        auto v = judge_checkpoint("sh-idc", pk, forged.note_at(13), memory, forged.proof(7, 13));
        CHECK(v.kind == Kind::rewritten);
        CHECK_THAT(v.message, Catch::Contains("the consistency proof fails"));
        // The honest proof does not rescue a forged root either.
        CHECK(judge_checkpoint("sh-idc", pk, forged.note_at(13), memory, log.proof(7, 13)).kind ==
              Kind::rewritten);
        v = judge_checkpoint("sh-idc", pk, forged.note_at(7), memory, std::nullopt);
        CHECK(v.kind == Kind::rewritten);
        CHECK_THAT(v.message, Catch::Contains("another root at the same size"));
        v = judge_checkpoint("sh-idc", pk, log.note_at(6), memory, std::nullopt);
        CHECK(v.kind == Kind::rewritten);
        CHECK_THAT(v.message, Catch::Contains("shrank"));
        PeerLog replaced(Signer::from_pem_file(dir / "peer.key"),
                         "slawatch/sh-idc/ffeeddccbbaa99887766554433221100", 20);
        v = judge_checkpoint("sh-idc", pk, replaced.note_at(9), memory, std::nullopt);
        CHECK(v.kind == Kind::rewritten);
        CHECK_THAT(v.message, Catch::Contains("its log was replaced"));
    }
    SECTION("not the peer's note: refused without an alarm") {
        PeerLog other(key(dir, "other.key"), origin, 20);
        CHECK(judge_checkpoint("sh-idc", pk, other.note_at(9), memory, other.proof(7, 9)).kind ==
              Kind::invalid);
        CHECK(judge_checkpoint("bj-cloud", pk, log.note_at(9), memory, log.proof(7, 9)).kind ==
              Kind::invalid);
        const std::vector<std::string> garbage_notes{"", "hello\n", std::string(70000, 'x'),
                                                     note::checkpoint_text(log.body(9))};
        for (const auto& garbage : garbage_notes) {
            const auto v = judge_checkpoint("sh-idc", pk, garbage, memory, std::nullopt);
            CHECK(v.kind == Kind::invalid);
            CHECK_FALSE(v.message.empty());
        }
    }
}

TEST_CASE("witness: /checkpoint takes nothing or from=<tree size>", "[witness]") {
    using daemon::checkpoint_query;
    CHECK(checkpoint_query("") == std::optional<std::optional<std::uint64_t>>(std::in_place));
    CHECK(checkpoint_query("from=0") == std::optional<std::optional<std::uint64_t>>(0));
    CHECK(checkpoint_query("from=18446744073709551") ==
          std::optional<std::optional<std::uint64_t>>(18446744073709551ULL));
    for (const char* bad : {"from=", "from=-1", "from=+1", "from=1x", "from=1&x=2", "x=1",
                            "from=99999999999999999999", "FROM=1", "from= 1"})
        CHECK_FALSE(checkpoint_query(bad));
}

namespace {

const std::string pem =
    "'''\n-----BEGIN PUBLIC "
    "KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n"
    "-----END PUBLIC KEY-----\n'''";
const std::string fpr = "\"" + std::string(64, 'a') + "\"";

std::vector<std::string> errors_of(const std::string& vantage) {
    const auto text = testing::config_toml({.name = "t",
                                            .probes = {{.name = "a", .path = "a"}},
                                            .extra = "\n[vantage]\nname = \"hq\"\n" + vantage});
    return config::parse(text, "t.toml").errors;
}

}  // namespace

TEST_CASE("witness: each vantage.witness table is checked with clear errors", "[witness][config]") {
    const auto peers = "[vantage.peers]\nsh-idc = " + pem + "\nbj-cloud = " + fpr + "\n";
    SECTION("valid: a copy, an endpoint, an interval") {
        const auto text = testing::config_toml(
            {.name = "t",
             .probes = {{.name = "a", .path = "a"}},
             .extra = "\n[vantage]\nname = \"hq\"\n" + peers +
                      "[[vantage.witness]]\npeer = \"bj-cloud\"\ndatabase = \"bj.db\"\n"
                      "[[vantage.witness]]\npeer = \"sh-idc\"\n"
                      "url = \"http://10.0.0.2:9817/checkpoint\"\ninterval = \"30s\"\n"});
        const auto r = config::parse(text, "/etc/slawatch/t.toml");
        INFO((r.errors.empty() ? "" : r.errors[0]));
        REQUIRE(r);
        const auto& w = r.config->vantage.witnesses;
        REQUIRE(w.size() == 2);
        CHECK(w[0].database == "/etc/slawatch/bj.db");
        CHECK(w[0].interval == std::chrono::minutes(5));
        CHECK(w[1].url == "http://10.0.0.2:9817/checkpoint");
        CHECK(w[1].interval == std::chrono::seconds(30));
    }
    const std::vector<std::pair<std::string, std::string>> cases{
        {peers + "[[vantage.witness]]\npeer = \"gz\"\ndatabase = \"gz.db\"\n",
         "peer 'gz' has no pinned key in [vantage.peers]"},
        {peers + "[[vantage.witness]]\npeer = \"sh-idc\"\n", "set exactly one of database"},
        {peers +
             "[[vantage.witness]]\npeer = \"sh-idc\"\ndatabase = \"a.db\"\nurl = \"http://h/\"\n",
         "set exactly one of database"},
        {peers + "[[vantage.witness]]\npeer = \"bj-cloud\"\nurl = \"http://h:1/checkpoint\"\n",
         "pin its PEM public key"},
        {peers + "[[vantage.witness]]\npeer = \"sh-idc\"\nurl = \"ftp://h/checkpoint\"\n",
         "vantage.witness.url: bad URL"},
        {peers + "[[vantage.witness]]\npeer = \"sh-idc\"\ndatabase = \"a.db\"\ninterval = \"0s\"\n",
         "expected 1s to 24h"},
        {peers + "[[vantage.witness]]\npeer = \"sh-idc\"\ndatabase = \"a.db\"\n"
                 "[[vantage.witness]]\npeer = \"sh-idc\"\ndatabase = \"b.db\"\n",
         "is witnessed twice"},
        {"[vantage.peers]\nhq = " + pem +
             "\n[[vantage.witness]]\npeer = \"hq\"\ndatabase = \"a.db\"\n",
         "a host cannot witness itself"},
        {peers + "[[vantage.witness]]\npeer = \"sh-idc\"\ndatabase = \"a.db\"\ntimeout = \"1s\"\n",
         "unknown key 'vantage.witness.timeout'"},
    };
    for (const auto& [toml, expected] : cases) {
        INFO(toml);
        const auto errors = errors_of(toml);
        REQUIRE(errors.size() >= 1);
        CHECK_THAT(errors[0], Catch::Contains(expected) && Catch::StartsWith("t.toml:"));
    }
}
