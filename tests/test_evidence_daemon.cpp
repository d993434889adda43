// SPDX-License-Identifier: Apache-2.0
// When the daemon records evidence checkpoints (hourly, at the contract zone's
// midnight) and the evidence_checkpoint event that carries a signed one.

#include "alerts/alerting.hpp"
#include "daemon/checkpointer.hpp"
#include "storage/evidence/log.hpp"
#include "storage/evidence/note.hpp"
#include "tests/support/process.hpp"
#include "tests/support/signing_key.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace slawatch;

namespace {

const sla::TimeZone shanghai = *sla::TimeZone::locate("Asia/Shanghai");
constexpr sla::EpochMinute m0 = 1'780'243'200'000 / 60'000;  // 2026-06-01T00:00+08:00

std::string signature_hex(const storage::Checkpoint& c) {
    return storage::evidence::to_hex(reinterpret_cast<const std::uint8_t*>(c.signature.data()),
                                     c.signature.size());
}

}  // namespace

TEST_CASE("evidence daemon: a checkpoint is due at each interval and at the local midnight",
          "[evidence][daemon]") {
    using daemon::checkpoint_due;
    // Minutes finalized one at a time through a local day.
    int due = 0;
    for (auto m = m0; m < m0 + 1440; ++m) due += checkpoint_due(m, m + 1, 60, shanghai) ? 1 : 0;
    CHECK(due == 24);
    CHECK(checkpoint_due(m0 + 59, m0 + 60, 60, shanghai));
    CHECK_FALSE(checkpoint_due(m0 + 60, m0 + 61, 60, shanghai));
    CHECK_FALSE(checkpoint_due(m0 + 1, m0 + 1, 60, shanghai));
    // Every 15 minutes, plus the midnight of a zone whose offset is not whole hours.
    CHECK(checkpoint_due(m0 + 14, m0 + 15, 15, shanghai));
    CHECK_FALSE(checkpoint_due(m0 + 15, m0 + 16, 15, shanghai));
    const auto kathmandu = *sla::TimeZone::locate("Asia/Kathmandu");  // +05:45
    const auto midnight = kathmandu.start_of_day(*sla::parse_date("2026-06-02"));
    CHECK(midnight % 60 != 0);
    CHECK(checkpoint_due(midnight - 1, midnight, 60, kathmandu));
    // A catch-up of more than a day always crosses one.
    CHECK(checkpoint_due(m0 + 1, m0 + 1 + 1441, 60, shanghai));
}

TEST_CASE("evidence daemon: the checkpointer records when due, signed with the configured key",
          "[evidence][daemon]") {
    testing::TempDir dir;
    const auto key = (dir / "k.pem").string();
    testing::make_signing_key(key);
    config::Config c;
    c.contract.name = "test";
    c.contract.terms.zone = shanghai;
    config::Probe p;
    p.name = "a";
    c.probes.push_back(p);
    c.evidence.signing_key_file = key;
    auto store = storage::Store::open(c, dir / "e.db", storage::OpenMode::read_write);
    daemon::Checkpointer checkpointer(c);
    REQUIRE(checkpointer.signer());
    CHECK_FALSE(checkpointer.on_finalized(*store, m0 + 1, m0 + 2, 1000));
    const auto cp = checkpointer.on_finalized(*store, m0 + 59, m0 + 60, 2000);
    REQUIRE(cp);
    CHECK(cp->key_fpr == checkpointer.signer()->fingerprint());
    CHECK(storage::evidence::verify_signature(checkpointer.signer()->public_key(), cp->message(),
                                              cp->signature));
    CHECK(store->evidence().checkpoints(0, 10'000).size() == 1);

    const auto e = alerts::checkpoint_event(*cp, checkpointer.signer()->public_key_pem(), shanghai,
                                            "test", "v");
    CHECK(e.type == alerts::EventType::evidence_checkpoint);
    CHECK(e.body.at("signature").as_string() == signature_hex(*cp));
    CHECK(e.body.at("message").as_string() == cp->message());
    // The note (what `slawatch checkpoint` prints) verifies with its verifier key.
    CHECK(e.body.at("note").as_string() == store->evidence().note(*cp));
    namespace note = storage::evidence::note;
    const auto vkey = note::parse_verifier_key(e.body.at("verifier_key").as_string().c_str());
    CHECK(vkey.name == cp->origin);
    CHECK(note::verify(note::parse(e.body.at("note").as_string().c_str()), vkey.name, vkey.key));
    CHECK(e.body.at("tree_size").to_number<std::int64_t>() == 0);
    CHECK(std::string(e.body.at("public_key_pem").as_string().c_str())
              .starts_with("-----BEGIN PUBLIC KEY-----"));

    c.evidence.signing_key_file = (dir / "missing.pem").string();
    CHECK_THROWS_AS(daemon::Checkpointer(c), storage::evidence::KeyError);
}
