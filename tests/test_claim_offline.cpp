// SPDX-License-Identifier: Apache-2.0
// A claim package verifies end to end, offline, by the documented commands
// alone: made with docs/evidence.md's make-claim-package.sh from a replayed
// database with a signing key, then, with the database gone, checked with the
// page's own scripts exactly as printed: openssl for the notes' signatures,
// each cited call's inclusion proof and the consistency proof, and
// check-claim-package.sh (Go's sumdb/note and sumdb/tlog) for all three
// again. The Go part prints "SKIPPED:" (and CTest skips the test) only where
// go or the sumdb packages are not installed.

#include "tests/support/doc_script.hpp"
#include "tests/support/process.hpp"
#include "tests/support/replay_world.hpp"
#include "tests/support/signing_key.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

using namespace slawatch::testing;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

const fs::path source_dir = SLAWATCH_SOURCE_DIR;

// Minutes 10:FIRST..10:LAST of 2026-06-01, update_check down in `down`.
Csv minutes(int first, int last, int down) {
    Csv csv;
    for (int m = first; m <= last; ++m) {
        const auto at = fmt::format("2026-06-01T10:{:02}", m);
        csv.minute(at, "update_check", m == down ? 6 : 0);
        healthy_others(csv, at);
    }
    return csv;
}

// Runs a script of docs/evidence.md, saved in `dir`, with `args`.
RunResult run_doc_script(const TempDir& dir, const std::string& name,
                         const std::vector<std::string>& args,
                         const std::vector<std::string>& env = {}) {
    const auto file = dir.write(name, doc_script(name));
    std::vector<std::string> argv{"/bin/bash", file.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, {}, std::chrono::seconds(120), env);
}

std::string str(const json::value& v) {
    return json::value_to<std::string>(v);
}

// A checkpoint note's signature, with the openssl script verify-note.sh and
// the verifier key; returns the root hex it prints (what the proofs lead to).
std::string check_note_with_openssl(const TempDir& dir, const fs::path& note,
                                    const std::string& size) {
    auto vkey = read_file(note.parent_path() / "slawatch.vkey");
    vkey.erase(vkey.find_last_not_of('\n') + 1);
    const auto r = run_doc_script(dir, "verify-note.sh", {note.string(), vkey});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("tree size: " + size + "\n") != std::string::npos);
    CHECK(r.out.find("Signature Verified Successfully") != std::string::npos);
    const auto at = r.out.find("root: ");
    REQUIRE(at != std::string::npos);
    return r.out.substr(at + 6, 64);
}

// Each cited call's inclusion proof, with the openssl script verify-proof.sh,
// against the root of the signed note.
void check_proofs_with_openssl(const TempDir& dir, const json::object& claim,
                               const std::string& root) {
    const auto& ev = claim.at("evidence").as_object();
    const auto& proofs = ev.at("proofs").as_array();
    REQUIRE(proofs.size() == 12);  // two down minutes of six failed runs
    for (const auto& call : proofs) {
        const auto& p = call.at("proof").as_object();
        std::vector<std::string> args{std::to_string(p.at("leaf_index").as_int64()),
                                      std::to_string(p.at("tree_size").as_int64()),
                                      str(p.at("leaf")), root};
        for (const auto& h : p.at("path").as_array()) args.push_back(str(h));
        const auto r = run_doc_script(dir, "verify-proof.sh", args);
        INFO(r.out << r.err);
        CHECK(r.exit_code == 0);
        CHECK(r.out.rfind("OK: leaf", 0) == 0);
    }
}

// The consistency proof, with the openssl script verify-consistency.sh, and
// its roots are those of the two signed notes.
void check_consistency_with_openssl(const TempDir& dir, const TempDir& package,
                                    const std::string& old_root, const std::string& new_root) {
    const auto r =
        run_doc_script(dir, "verify-consistency.sh", {(package / "consistency.json").string()});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.rfind("OK: the tree of 90 leaves", 0) == 0);
    const auto proof = json::parse(read_file(package / "consistency.json")).as_object();
    CHECK(str(proof.at("old_root")) == old_root);
    CHECK(str(proof.at("new_root")) == new_root);
}

// notecheck, built by tests/go/build.sh (the documented build-notecheck.sh);
// empty, with the reason printed, when Go or its sumdb packages are missing.
std::string notecheck() {
    const auto r = run({"/bin/bash", (source_dir / "tests" / "go" / "build.sh").string(),
                        source_dir.string(), SLAWATCH_BINARY_DIR},
                       {}, std::chrono::seconds(240));
    if (r.exit_code == 77) {
        std::cout << r.out;  // "SKIPPED: <why>": CTest marks the test skipped
        return {};
    }
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    return r.out.substr(0, r.out.find('\n'));
}

}  // namespace

TEST_CASE("claim offline: a claim package verifies by docs/evidence.md's commands alone",
          "[evidence][cli][docs]") {
    World w(config_text("any", "\n[evidence]\nsigning_key_file = \"evidence.key\"\n"));
    w.db = (w.dir / "default.db").string();  // the config's own database, for the doc's script
    make_signing_key(w.dir / "evidence.key");
    REQUIRE(w.replay(minutes(0, 4, 3), "first.csv").exit_code == 0);
    // The checkpoint the other party already holds (from an earlier claim, say).
    const auto held = w.slawatch({"checkpoint"});
    INFO(held.err);
    REQUIRE(held.exit_code == 0);
    const auto size_at = held.out.find('\n') + 1;
    const auto old_size = held.out.substr(size_at, held.out.find('\n', size_at) - size_at);
    REQUIRE(old_size == "90");  // 5 minutes of 3 probes x 6 runs
    REQUIRE(w.replay(minutes(5, 9, 7), "second.csv").exit_code == 0);

    // The claimant's side: slawatch on the PATH, its config and database.
    const auto bin_dir = fs::path(slawatch_bin()).parent_path().string();
    const TempDir package;
    auto r = run_doc_script(w.dir, "make-claim-package.sh",
                            {w.config, "2026-06", old_size, package.path().string()},
                            {"PATH=" + bin_dir + ":/usr/bin:/bin"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    // The config names the database; it is gone before anything is checked.
    fs::remove(w.db);

    // The other party's side: only the package, bash, openssl and Go.
    const TempDir dir;
    const auto claim = json::parse(read_file(package / "claim.json")).as_object();
    const auto root = check_note_with_openssl(dir, package / "checkpoint.note", "180");
    const auto old_root = check_note_with_openssl(dir, package / "old.note", "90");
    CHECK(root == str(claim.at("evidence").at("proof_checkpoint").at("root")));
    check_proofs_with_openssl(dir, claim, root);
    check_consistency_with_openssl(dir, package, old_root, root);
    // (The RFC 3161 tokens the claim carries are checked here with the
    // `openssl ts -verify` commands of docs/evidence.md, "Time-stamps".)

    const auto checker = notecheck();
    if (checker.empty()) return;
    r = run_doc_script(dir, "check-claim-package.sh", {package.path().string(), checker});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("ok: checkpoint.note: signed by slawatch/") != std::string::npos);
    CHECK(r.out.find("ok: old.note: signed by slawatch/") != std::string::npos);
    CHECK(r.out.find("ok: claim.json: 12 cited calls are in the tree of size 180") !=
          std::string::npos);
    CHECK(r.out.find("ok: consistency.json: the tree of size 90 is a prefix of the tree of size "
                     "180") != std::string::npos);

    // The same commands refuse a package whose consistency proof lost a byte.
    auto proof = read_file(package / "consistency.json");
    const auto at = proof.find("\"proof\": [\"") + 11;
    proof[at] = proof[at] == '0' ? '1' : '0';
    package.write("consistency.json", proof);
    r = run_doc_script(dir, "check-claim-package.sh", {package.path().string(), checker});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("FAIL: consistency.json: the tree of size 90 is not a prefix") !=
          std::string::npos);
}
