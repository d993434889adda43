// SPDX-License-Identifier: Apache-2.0
// The evidence log: RFC 9162 hashing and proofs against a naive tree, the leaf
// encoding, and verify on a real store after edits, deletions, insertions,
// reordering, forged signatures and retention.

#include "storage/evidence/log.hpp"
#include "storage/evidence/note.hpp"
#include "storage/evidence/rows.hpp"
#include "storage/layout.hpp"
#include "storage/sqlite.hpp"
#include "storage/store.hpp"
#include "tests/support/process.hpp"
#include "tests/support/signing_key.hpp"
#include "tests/support/store_config.hpp"

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>

using namespace slawatch;
using namespace slawatch::storage::evidence;
using storage::EvidenceProblem;
namespace layout = storage::layout;
using storage::OpenMode;
using storage::Store;

namespace {

constexpr sla::EpochMillis t0 = testing::store_t0;

// RFC 9162 MTH written straight from its definition.
Hash naive_mth(Hasher& h, const std::vector<Hash>& leaves, std::size_t a, std::size_t b) {
    if (b == a) return h.plain({});
    if (b - a == 1) return leaves[a];
    std::size_t k = 1;
    while (k * 2 < b - a) k *= 2;
    return h.node(naive_mth(h, leaves, a, a + k), naive_mth(h, leaves, a + k, b));
}

std::vector<Hash> leaves_of(Hasher& h, std::size_t n) {
    std::vector<Hash> out;
    for (std::size_t i = 0; i < n; ++i) out.push_back(h.leaf("leaf " + std::to_string(i)));
    return out;
}

config::Config make_config() {
    return testing::store_config(
        {{"a", config::ProbeRole::service}, {"b", config::ProbeRole::service}});
}

// `n` results from `start_ms`, one every 10 s, alternating probes a and b;
// every 7th fails with a status, an API code and a request id.
std::vector<storage::ProbeResult> results(sla::EpochMillis start_ms, int n) {
    std::vector<storage::ProbeResult> out;
    for (int i = 0; i < n; ++i) {
        storage::ProbeResult r;
        r.probe = i % 2 ? "b" : "a";
        r.sample.sent_ms = start_ms + i * 10'000LL;
        const bool fail = i % 7 == 3;
        r.sample.outcome = fail ? sla::Outcome::api_error : sla::Outcome::ok;
        r.sample.http_status = 200;
        r.sample.error_code = fail ? "InternalError" : "";
        r.sample.request_id = "req-" + std::to_string(i);  // dropped on ok results
        r.sample.phases = {100, 200, -1, 400 + i, 500 + i};
        out.push_back(r);
    }
    return out;
}

struct Db {
    testing::TempDir dir;
    std::filesystem::path path = dir / "e.db";
    config::Config config = make_config();

    std::unique_ptr<Store> open() { return Store::open(config, path, OpenMode::read_write); }
    void sql(const std::string& text) {
        storage::sqlite::Database db(path, storage::sqlite::Database::Mode::read_write);
        db.exec(text);
    }
    // Rewrites the one chunk of leaves through `edit`.
    void edit_chunk(
        const std::function<void(std::vector<storage::evidence_rows::LeafRef>&)>& edit) {
        storage::sqlite::Database db(path, storage::sqlite::Database::Mode::read_write);
        auto st = db.prepare("SELECT leaves FROM evidence_chunk WHERE first_idx = 0");
        REQUIRE(st.step());
        std::vector<storage::evidence_rows::LeafRef> leaves;
        REQUIRE(storage::evidence_rows::decode_chunk(0, st.column_blob(0), leaves));
        st.reset();
        edit(leaves);
        std::string blob;
        std::int64_t previous = 0;
        for (const auto& l : leaves) {
            storage::evidence_rows::append_leaf(blob, previous, l);
            previous = l.result_id;
        }
        db.prepare("UPDATE evidence_chunk SET leaves = ? WHERE first_idx = 0")
            .bind_blob(1, blob)
            .run();
    }
    storage::VerifyReport verify() {
        return Store::open(config, path, OpenMode::read_only)->evidence().verify();
    }
};

bool has(const storage::VerifyReport& r, EvidenceProblem::Kind k) {
    return std::any_of(r.problems.begin(), r.problems.end(),
                       [&](const auto& p) { return p.kind == k; });
}

}  // namespace

TEST_CASE("evidence: hashes follow RFC 9162 (empty tree, one empty leaf)", "[evidence]") {
    Hasher h;
    Frontier f;
    CHECK(to_hex(f.root(h)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(to_hex(h.leaf("")) == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
}

TEST_CASE("evidence: the frontier's root equals the tree hash for every size up to 70",
          "[evidence]") {
    Hasher h;
    const auto leaves = leaves_of(h, 70);
    Frontier f;
    CHECK(f.root(h) == naive_mth(h, leaves, 0, 0));
    for (std::size_t n = 1; n <= leaves.size(); ++n) {
        f.push(h, leaves[n - 1]);
        INFO(n);
        REQUIRE(f.root(h) == naive_mth(h, leaves, 0, n));
        const auto copy = Frontier::parse(f.serialize());
        REQUIRE(copy);
        CHECK(copy->root(h) == f.root(h));
    }
    CHECK_FALSE(Frontier::parse(f.serialize().substr(1)));
}

TEST_CASE("evidence: inclusion proofs verify for every leaf and fail when altered", "[evidence]") {
    Hasher h;
    const auto leaves = leaves_of(h, 37);
    for (std::size_t n = 1; n <= leaves.size(); ++n) {
        const auto root = naive_mth(h, leaves, 0, n);
        for (std::size_t m = 0; m < n; ++m) {
            const auto path = inclusion_path(
                m, n, [&](std::uint64_t a, std::uint64_t b) { return naive_mth(h, leaves, a, b); });
            INFO(n << " " << m);
            REQUIRE(verify_inclusion(h, m, n, leaves[m], path, root));
            CHECK_FALSE(verify_inclusion(h, m, n, leaves[(m + 1) % 37], path, root));
            if (!path.empty()) {
                auto bad = path;
                bad[0][0] ^= 1;
                CHECK_FALSE(verify_inclusion(h, m, n, leaves[m], bad, root));
                if (n > 2) CHECK_FALSE(verify_inclusion(h, (m + 1) % n, n, leaves[m], path, root));
            }
        }
    }
}

TEST_CASE("evidence: consistency proofs match RFC 9162 for every pair of sizes up to 40",
          "[evidence]") {
    Hasher h;
    std::vector<Hash> leaves;
    for (int i = 0; i < 40; ++i) leaves.push_back(h.leaf(std::to_string(i)));
    const auto subtree = [&](std::uint64_t a, std::uint64_t b) {
        return naive_mth(h, leaves, a, b);
    };
    for (std::uint64_t n = 1; n <= leaves.size(); ++n) {
        const auto new_root = naive_mth(h, leaves, 0, n);
        for (std::uint64_t m = 0; m <= n; ++m) {
            const auto old_root = naive_mth(h, leaves, 0, m);
            const auto path = consistency_path(m, n, subtree);
            INFO("m=" << m << " n=" << n);
            REQUIRE(verify_consistency(h, m, n, old_root, new_root, path));
            if (m == 0 || m == n) continue;
            // A wrong old root, a wrong new root, a changed path or sizes: all refused.
            CHECK_FALSE(verify_consistency(h, m, n, h.plain("x"), new_root, path));
            CHECK_FALSE(verify_consistency(h, m, n, old_root, h.plain("x"), path));
            for (std::size_t i = 0; i < path.size(); ++i) {
                auto bad = path;
                bad[i][0] ^= 1;
                CHECK_FALSE(verify_consistency(h, m, n, old_root, new_root, bad));
            }
            if (m + 1 < n) CHECK_FALSE(verify_consistency(h, m + 1, n, old_root, new_root, path));
        }
    }
}

TEST_CASE("evidence: the version 1 leaf encoding is byte-exact and decodes back", "[evidence]") {
    LeafFields f;
    f.time_ms = 1'780'243'205'000;
    f.probe = "a";
    f.outcome = "http_5xx";
    f.http_status = 503;
    f.error_code = "";
    f.request_id = "r1";
    f.phases = {1, -1, -1, 256, 70000};
    const auto bytes = encode_leaf(f);
    // The example of docs/evidence.md.
    CHECK(to_hex(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()) ==
          "01"                                          // version
          "0000019e7ec38b88"                            // time_ms
          "0161"                                        // probe "a"
          "08687474705f357878"                          // outcome "http_5xx"
          "01f7"                                        // http status 503
          "00"                                          // error code ""
          "027231"                                      // request id "r1"
          "00000001ffffffffffffffff0000010000011170");  // phases
    const auto d = decode_leaf(bytes);
    REQUIRE(d);
    CHECK(d->time_ms == f.time_ms);
    CHECK(d->probe == "a");
    CHECK(d->http_status == 503);
    CHECK(d->request_id == "r1");
    CHECK(d->phases[1] == -1);
    CHECK(d->phases[4] == 70000);
    CHECK_FALSE(decode_leaf(bytes + "x"));
    // A length of 128 or more takes a second byte.
    const std::string long_code(200, 'E');
    f.error_code = long_code;
    const auto longer = encode_leaf(f);
    CHECK(longer.size() == bytes.size() + 200 + 1);
    REQUIRE(decode_leaf(longer));
    CHECK(decode_leaf(longer)->error_code == long_code);
}

TEST_CASE("evidence: a store's results verify intact, with signed checkpoints", "[evidence]") {
    Db db;
    testing::make_signing_key(db.dir / "k.pem");
    const auto signer = Signer::from_pem_file(db.dir / "k.pem");
    {
        auto store = db.open();
        store->append(results(t0, 50));
        store->evidence().checkpoint(t0 + 600'000, &signer);
        store->append(results(t0 + 600'000, 30));
        store->evidence().checkpoint(t0 + 900'000, nullptr);
        store->evidence().checkpoint(t0 + 901'000, &signer);
    }
    const auto r = db.verify();
    CHECK(r.intact());
    CHECK(r.tree_size == 80);
    CHECK(r.results == 80);
    CHECK(r.checkpoints == 3);
    CHECK(r.signed_checkpoints == 2);
    CHECK(r.checked_roots == 3);
    REQUIRE(r.key_fprs.size() == 1);
    CHECK(r.key_fprs[0] == signer.fingerprint());
    CHECK(signer.fingerprint().size() == 64);
}

TEST_CASE("evidence: verify names an edited, a deleted, an inserted and a reordered result",
          "[evidence]") {
    Db db;
    {
        auto store = db.open();
        store->append(results(t0, 40));
        store->evidence().checkpoint(t0 + 400'000, nullptr);
    }
    // id = time_ms * 1024 + probe id; probes are numbered in config order after
    // "service" (0): a = 1, b = 2, and results alternate a, b.
    const auto id_of = [](int i) { return layout::result_id(t0 + i * 10'000LL, i % 2 ? 2 : 1); };
    REQUIRE(db.verify().intact());

    SECTION("edited") {
        db.sql(fmt::format("UPDATE probe_result SET outcome = 0 WHERE id = {}", id_of(10)));
        const auto r = db.verify();
        REQUIRE_FALSE(r.intact());
        CHECK(r.problems[0].kind == EvidenceProblem::Kind::edited);
        CHECK(r.problems[0].time_ms == t0 + 100'000);
        CHECK(r.problems[0].probe == "a");
        CHECK(r.problems[0].message.find("2026-05-31T16:01:40.000Z") != std::string::npos);
        CHECK(has(r, EvidenceProblem::Kind::tree_mismatch));
    }
    SECTION("edited, and the whole tree rebuilt by a careful forger") {
        // A blob with only dns_us = 1 (storage/phase_encoding.hpp).
        db.sql(fmt::format("UPDATE probe_result SET phases = X'010000000001' WHERE id = {}",
                           id_of(17)));
        // Every digest and the head are recomputed: only the checkpoint's root still differs.
        db.sql(
            "DELETE FROM evidence_chunk; DELETE FROM evidence_frontier; DELETE FROM "
            "evidence_node;");
        db.open();  // adopts the rows as a new tree
        const auto r = db.verify();
        REQUIRE_FALSE(r.intact());
        CHECK(has(r, EvidenceProblem::Kind::tree_mismatch));
    }
    SECTION("deleted") {
        db.sql(fmt::format("DELETE FROM probe_result WHERE id = {}", id_of(5)));
        const auto r = db.verify();
        REQUIRE_FALSE(r.intact());
        CHECK(r.problems[0].kind == EvidenceProblem::Kind::missing);
        CHECK(r.problems[0].time_ms == t0 + 50'000);
    }
    SECTION("inserted") {
        // Result 12 is probe a's; the same time for probe b is free.
        db.sql(fmt::format("INSERT INTO probe_result (id, outcome) VALUES ({}, 5)", id_of(12) + 1));
        const auto r = db.verify();
        REQUIRE_FALSE(r.intact());
        CHECK(r.problems[0].kind == EvidenceProblem::Kind::inserted);
        CHECK(r.problems[0].time_ms == t0 + 120'000);
        CHECK(r.problems[0].probe == "b");
    }
    SECTION("reordered: two results swap their place in the log") {
        db.edit_chunk([](auto& leaves) { std::swap(leaves[3], leaves[4]); });
        const auto r = db.verify();
        REQUIRE_FALSE(r.intact());
        CHECK(has(r, EvidenceProblem::Kind::tree_mismatch));
    }
    SECTION("reordered: two results swap their times") {
        db.sql(
            fmt::format("UPDATE probe_result SET id = -1 WHERE id = {0};"
                        "UPDATE probe_result SET id = {0} WHERE id = {1};"
                        "UPDATE probe_result SET id = {1} WHERE id = -1;",
                        id_of(20), id_of(21)));
        const auto r = db.verify();
        REQUIRE_FALSE(r.intact());
        CHECK(r.problems[0].kind == EvidenceProblem::Kind::edited);
        CHECK(r.problems[0].time_ms == t0 + 200'000);
    }
    SECTION("results removed from the end with their leaves") {
        db.sql(fmt::format("DELETE FROM probe_result WHERE id >= {0};", id_of(35)));
        db.edit_chunk([](auto& leaves) { leaves.resize(35); });
        const auto r = db.verify();
        REQUIRE_FALSE(r.intact());
        CHECK(has(r, EvidenceProblem::Kind::bad_checkpoint));
    }
}

TEST_CASE("evidence: a forged checkpoint signature is caught", "[evidence]") {
    Db db;
    testing::make_signing_key(db.dir / "k.pem");
    const auto signer = Signer::from_pem_file(db.dir / "k.pem");
    {
        auto store = db.open();
        store->append(results(t0, 20));
        store->evidence().checkpoint(t0 + 200'000, &signer);
    }
    REQUIRE(db.verify().intact());
    SECTION("signature bytes changed") {
        db.sql("UPDATE evidence_checkpoint SET signature = zeroblob(64)");
    }
    SECTION("checkpoint edited, old signature kept") {
        // The signed note is origin, size and root; the time is fixed by time-stamps instead.
        db.sql("UPDATE evidence_checkpoint SET root = zeroblob(32)");
    }
    const auto r = db.verify();
    REQUIRE_FALSE(r.intact());
    const auto forged = std::find_if(r.problems.begin(), r.problems.end(), [](const auto& p) {
        return p.kind == EvidenceProblem::Kind::bad_signature;
    });
    REQUIRE(forged != r.problems.end());
    CHECK(forged->checkpoint == 1);
}

TEST_CASE("evidence: proofs from the store verify, across stored subtrees", "[evidence]") {
    Db db;
    auto store = db.open();
    store->append(results(t0, 1500));
    store->append(results(t0 + 15'000'000, 1700));
    const auto c = store->evidence().checkpoint(t0 + 40'000'000, nullptr);
    REQUIRE(c.tree_size == 3200);
    // id = time_ms * 1024 + probe id (a = 1 on even, b = 2 on odd runs).
    const std::vector<std::int64_t> ids{layout::result_id(t0 + 3 * 10'000LL, 2),
                                        layout::result_id(t0 + 1499 * 10'000LL, 2),
                                        layout::result_id(t0 + 15'000'000 + 1000 * 10'000LL, 1)};
    const auto proofs = store->evidence().prove(ids, c);
    REQUIRE(proofs.size() == 3);
    Hasher h;
    for (const auto& p : proofs) {
        CHECK(verify_inclusion(h, p.leaf_index, c.tree_size, h.leaf(p.leaf_bytes), p.path, c.root));
        const auto leaf = decode_leaf(p.leaf_bytes);
        REQUIRE(leaf);
        CHECK(leaf->time_ms == layout::result_time_ms(p.result_id));
    }
    CHECK(proofs[1].leaf_index == 1499);
}

TEST_CASE("evidence: checkpoints are C2SP notes, consistent with each other across retention",
          "[evidence]") {
    Db db;
    db.config.storage.retention_days = 1;
    testing::make_signing_key(db.dir / "k.pem");
    const auto signer = Signer::from_pem_file(db.dir / "k.pem");
    auto store = db.open();
    store->append(results(t0, 1500));
    const auto old_cp = store->evidence().checkpoint(t0 + 86'400'000, &signer);
    store->append(results(t0 + 86'400'000, 1700));
    const auto unsigned_cp = store->evidence().checkpoint(t0 + 2 * 86'400'000, nullptr);
    const auto new_cp = store->evidence().checkpoint(t0 + 2 * 86'400'000 + 1, &signer);

    const auto origin = store->evidence().origin();
    CHECK(origin == "slawatch/unnamed/" + store->evidence().log_id());
    CHECK(old_cp.origin == origin);
    // The signed note verifies under the origin as key name; the unsigned one is text only.
    const auto n = note::parse(store->evidence().note(new_cp));
    CHECK(note::parse_checkpoint_text(n.text) ==
          note::CheckpointBody{origin, new_cp.tree_size, new_cp.root});
    CHECK(note::verify(n, origin, signer.public_key()));
    CHECK(store->evidence().note(unsigned_cp) == unsigned_cp.message());
    CHECK(store->evidence().checkpoint_at(3200)->id == new_cp.id);  // the signed one preferred
    CHECK_FALSE(store->evidence().checkpoint_at(3199));

    Hasher h;
    const auto check = [&] {
        const auto path = store->evidence().consistency(old_cp.tree_size, new_cp.tree_size);
        CHECK(verify_consistency(h, old_cp.tree_size, new_cp.tree_size, old_cp.root, new_cp.root,
                                 path));
        CHECK_FALSE(verify_consistency(h, old_cp.tree_size, new_cp.tree_size, new_cp.root,
                                       new_cp.root, path));
    };
    check();
    // Retention removes day 1: the proof still comes from the frontier it keeps.
    CHECK(store->apply_retention(t0 + 86'400'000 + 86'400'000) > 0);
    check();
    CHECK(store->evidence().verify().intact());
    CHECK_THROWS_AS(store->evidence().consistency(10, 3201), storage::StoreError);
}

TEST_CASE("evidence: retention keeps the frontier: the rest still verifies and proves",
          "[evidence]") {
    Db db;
    db.config.storage.retention_days = 1;
    auto store = db.open();
    store->append(results(t0, 300));               // day 1
    store->append(results(t0 + 86'400'000, 300));  // day 2
    store->append(results(t0 - 3'600'000, 10));    // late, older data: after day 2 in the log
    store->evidence().checkpoint(t0 + 2 * 86'400'000, nullptr);
    // Cutoff at the start of day 2: only the 300 leaves of day 1 form an old prefix.
    CHECK(store->apply_retention(t0 + 86'400'000 + 86'400'000) == 300);
    auto r = store->evidence().verify();
    CHECK(r.intact());
    CHECK(r.pruned == 300);
    CHECK(r.results == 310);
    store->append(results(t0 + 2 * 86'400'000, 50));
    const auto c = store->evidence().checkpoint(t0 + 3 * 86'400'000, nullptr);
    r = store->evidence().verify();
    CHECK(r.intact());
    CHECK(r.tree_size == 660);
    CHECK(r.checked_roots == 2);
    const auto proofs =
        store->evidence().prove({layout::result_id(t0 + 86'400'000 + 10'000, 2)}, c);
    REQUIRE(proofs.size() == 1);
    Hasher h;
    CHECK(verify_inclusion(h, proofs[0].leaf_index, c.tree_size, h.leaf(proofs[0].leaf_bytes),
                           proofs[0].path, c.root));
    // A later retention reaches the late rows only once everything before them is old too.
    CHECK(store->apply_retention(t0 + 4 * 86'400'000) == 360);
    CHECK(store->evidence().verify().intact());
}

TEST_CASE("evidence: results stored before the log existed become its first leaves", "[evidence]") {
    Db db;
    {
        auto store = db.open();
        store->append(results(t0, 25));
    }
    // As a schema 2 database looks after the migration: results, no tree.
    db.sql("DELETE FROM evidence_chunk; DELETE FROM evidence_frontier; DELETE FROM evidence_node;");
    db.open()->append(results(t0 + 300'000, 5));
    const auto r = db.verify();
    CHECK(r.intact());
    CHECK(r.tree_size == 30);
}
