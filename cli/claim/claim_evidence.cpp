// SPDX-License-Identifier: Apache-2.0
// The evidence section of `claim`: checkpoints, key and inclusion proofs.

#include "cli/claim/claim_evidence.hpp"
#include "cli/common/output.hpp"
#include "storage/evidence/note.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>

namespace slawatch::cli {
namespace {

namespace ev = storage::evidence;

std::string hex(std::string_view bytes) {
    return ev::to_hex(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

}  // namespace

ClaimEvidence claim_evidence(const storage::ResultStore& store,
                             const std::vector<DownMinute>& minutes, sla::EpochMillis from,
                             sla::EpochMillis to) {
    ClaimEvidence e;
    const auto& log = store.evidence();
    e.checkpoints = log.checkpoints(from, to);
    // The first checkpoint after the month covers its last results.
    const auto after = log.checkpoints(to, std::numeric_limits<sla::EpochMillis>::max());
    if (!after.empty()) e.checkpoints.push_back(after.front());
    e.proof_at = log.proof_checkpoint();
    if (e.proof_at && !e.proof_at->key_fpr.empty()) {
        e.key_fpr = e.proof_at->key_fpr;
        if (auto key = log.public_key(e.key_fpr)) {
            e.public_key_pem = ev::public_key_pem(*key);
            e.public_key_hex = ev::to_hex(key->data(), key->size());
            if (e.proof_at->is_note())
                e.verifier_key = ev::note::verifier_key(e.proof_at->origin, *key);
        }
    }
    for (const auto& c : e.checkpoints) e.notes.emplace(c.id, log.note(c));
    if (e.proof_at) e.notes.emplace(e.proof_at->id, log.note(*e.proof_at));
    std::vector<std::int64_t> ids;
    for (const auto& m : minutes) {
        for (auto& r : log.stored_results(m.minute * 60'000, (m.minute + 1) * 60'000)) {
            if (r.sample.outcome == sla::Outcome::ok) continue;
            // Only the probes whose down state made the minute unavailable.
            if (std::find(m.probes.begin(), m.probes.end(), r.probe) == m.probes.end()) continue;
            ids.push_back(r.id);
            e.calls.push_back({std::move(r), std::nullopt});
        }
    }
    if (e.proof_at && !ids.empty()) {
        std::map<std::int64_t, storage::InclusionProof> by_id;
        for (auto& p : log.prove(ids, *e.proof_at)) by_id.emplace(p.result_id, std::move(p));
        for (auto& c : e.calls)
            if (auto it = by_id.find(c.result.id); it != by_id.end())
                c.proof = std::move(it->second);
    }
    return e;
}

std::string evidence_markdown(const ClaimEvidence& e, const sla::TimeZone& zone) {
    std::string out = "\n## Evidence integrity\n\n";
    out +=
        "Every raw probe result is a leaf of an append-only Merkle tree (RFC 9162 hashing); "
        "checkpoints record the tree's size and root hash, signed with Ed25519. The proofs "
        "below let anyone check a cited call against a checkpoint with `openssl` alone "
        "(slawatch docs/evidence.md).\n\n";
    if (!e.proof_at) return out + "No checkpoint recorded yet: the calls cannot be proven.\n";
    const auto& c = *e.proof_at;
    out += fmt::format("- Proof checkpoint: #{} recorded {}, tree size {}, root `{}`\n", c.id,
                       zone.format_millis(c.time_ms), c.tree_size, ev::to_hex(c.root));
    const auto& note = e.notes.at(c.id);
    if (c.is_note()) {
        out +=
            "- Checkpoint note (C2SP tlog-checkpoint; exact bytes, each line ends in a "
            "newline):\n\n```\n" +
            note + "```\n";
        if (!e.verifier_key.empty())
            out += fmt::format("- Note verifier key: `{}`\n", e.verifier_key);
    }
    if (c.signature.empty()) {
        out += "- Signature: none (no signing key was configured)\n";
    } else if (c.is_note()) {
        out += fmt::format("- Public key fingerprint (SHA-256 of the raw Ed25519 key): `{}`\n",
                           e.key_fpr);
        out += "- Public key:\n\n```\n" + e.public_key_pem + "```\n";
    } else {
        out += fmt::format("- Public key fingerprint (SHA-256 of the raw Ed25519 key): `{}`\n",
                           e.key_fpr);
        out += fmt::format("- Signature (Ed25519, hex): `{}`\n", hex(c.signature));
        out += "- Signed message (exact bytes, each line ends in a newline):\n\n```\n" +
               c.message() + "```\n\n- Public key:\n\n```\n" + e.public_key_pem + "```\n";
    }
    std::size_t proven = 0;
    for (const auto& call : e.calls) proven += call.proof ? 1 : 0;
    out += fmt::format("\n### Inclusion proofs of the failed calls ({} of {})\n", proven,
                       e.calls.size());
    for (const auto& call : e.calls) {
        const auto& s = call.result.sample;
        out += fmt::format("\n#### {} {} {}\n\n", zone.format_millis(s.sent_ms), call.result.probe,
                           sla::to_string(s.outcome));
        if (!call.proof) {
            out +=
                "No proof: this result is not in the proof checkpoint's tree, or the evidence "
                "around it no longer verifies (run `slawatch verify`).\n";
            continue;
        }
        const auto& p = *call.proof;
        out += fmt::format("- Leaf index: {} of {}\n- Leaf (hex): `{}`\n- Path:\n", p.leaf_index,
                           c.tree_size, hex(p.leaf_bytes));
        for (const auto& h : p.path) out += fmt::format("  - `{}`\n", ev::to_hex(h));
    }
    out += fmt::format("\n### Checkpoints covering the month ({})\n\n", e.checkpoints.size());
    if (e.checkpoints.empty()) return out + "None.\n";
    out +=
        "| # | recorded | tree size | root | key fingerprint | signature "
        "|\n|---|---|---|---|---|---|\n";
    for (const auto& k : e.checkpoints)
        out +=
            fmt::format("| {} | {} | {} | `{}` | {} | {} |\n", k.id, zone.format_millis(k.time_ms),
                        k.tree_size, ev::to_hex(k.root), k.key_fpr.empty() ? "-" : k.key_fpr,
                        k.signature.empty() ? "-" : "`" + hex(k.signature) + "`");
    return out;
}

namespace {

std::string checkpoint_json(const storage::Checkpoint& c, const ClaimEvidence& e,
                            const sla::TimeZone& zone) {
    return fmt::format(
        "{{\"id\": {}, \"time\": \"{}\", \"time_ms\": {}, \"tree_size\": {}, \"root\": \"{}\", "
        "\"log_id\": {}, \"origin\": {}, \"signature\": {}, \"key_fingerprint\": {}, "
        "\"message\": {}, \"note\": {}}}",
        c.id, zone.format_millis(c.time_ms), c.time_ms, c.tree_size, ev::to_hex(c.root),
        c.log_id.empty() ? "null" : json_quote(c.log_id),
        c.origin.empty() ? "null" : json_quote(c.origin),
        c.signature.empty() ? "null" : "\"" + hex(c.signature) + "\"",
        c.key_fpr.empty() ? "null" : json_quote(c.key_fpr), json_quote(c.message()),
        json_quote(e.notes.at(c.id)));
}

}  // namespace

std::string evidence_json(const ClaimEvidence& e, const sla::TimeZone& zone) {
    std::string checkpoints;
    for (const auto& c : e.checkpoints)
        checkpoints +=
            (checkpoints.empty() ? "\n      " : ",\n      ") + checkpoint_json(c, e, zone);
    std::string proofs;
    for (const auto& call : e.calls) {
        const auto& s = call.result.sample;
        std::string proof = "null";
        if (call.proof) {
            std::string path;
            for (const auto& h : call.proof->path)
                path += (path.empty() ? "\"" : ", \"") + ev::to_hex(h) + "\"";
            proof = fmt::format(
                "{{\"leaf_index\": {}, \"tree_size\": {}, \"leaf\": \"{}\", "
                "\"path\": [{}]}}",
                call.proof->leaf_index, e.proof_at->tree_size, hex(call.proof->leaf_bytes), path);
        }
        proofs += fmt::format(
            "{}\n      {{\"sent\": \"{}\", \"probe\": {}, \"outcome\": \"{}\", "
            "\"proof\": {}}}",
            proofs.empty() ? "" : ",", zone.format_millis(s.sent_ms), json_quote(call.result.probe),
            sla::to_string(s.outcome), proof);
    }
    return fmt::format(
        "{{\n    \"public_key_fingerprint\": {},\n    \"public_key\": {},\n"
        "    \"public_key_pem\": {},\n    \"verifier_key\": {},\n"
        "    \"proof_checkpoint\": {},\n    \"checkpoints\": [{}{}],\n    \"proofs\": [{}{}]\n  }}",
        e.key_fpr.empty() ? "null" : json_quote(e.key_fpr),
        e.public_key_hex.empty() ? "null" : json_quote(e.public_key_hex),
        e.public_key_pem.empty() ? "null" : json_quote(e.public_key_pem),
        e.verifier_key.empty() ? "null" : json_quote(e.verifier_key),
        e.proof_at ? checkpoint_json(*e.proof_at, e, zone) : "null", checkpoints,
        checkpoints.empty() ? "" : "\n    ", proofs, proofs.empty() ? "" : "\n    ");
}

}  // namespace slawatch::cli
