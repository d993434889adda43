// SPDX-License-Identifier: Apache-2.0
// `verify --since FILE` (verify_since.hpp).

#include "cli/evidence/verify_since.hpp"

#include "cli/common/exit_codes.hpp"
#include "cli/common/output.hpp"
#include "cli/evidence/evidence_cli.hpp"
#include "storage/evidence/note.hpp"
#include "text/escape.hpp"

#include <fmt/format.h>

#include <fstream>
#include <iterator>
#include <optional>

namespace slawatch::cli {
namespace {

namespace ev = storage::evidence;
namespace note = storage::evidence::note;

// A note is a few hundred bytes; anything far larger is not one.
constexpr std::size_t max_note_bytes = 1 << 20;

std::string read_note_file(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw CommandError(exit_usage,
                           fmt::format("slawatch verify: --since {}: cannot be read", file));
    std::string text;
    text.resize(max_note_bytes + 1);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_note_bytes)
        throw CommandError(exit_usage, fmt::format("slawatch verify: --since {}: larger than 1 "
                                                   "MiB, not a checkpoint note",
                                                   file));
    return text;
}

// The key whose note signature verifies: the pinned one, else any key that
// signed this log's checkpoints.
void check_signature(const config::Config& config, const storage::EvidenceLog& log,
                     const storage::VerifyReport& report, const note::Note& n, SinceReport& r) {
    const auto pin = pinned_fingerprint(config, config.vantage.name);
    const auto fprs = pin ? std::vector<std::string>{*pin} : report.key_fprs;
    for (const auto& fpr : fprs) {
        const auto key = log.public_key(fpr);
        if (key && note::verify(n, r.origin, *key)) {
            r.key_fpr = fpr;
            r.pinned = pin.has_value();
            r.checked.push_back(fmt::format("the signature verifies with key {}{}", fpr,
                                            pin ? " (the pinned key)" : ""));
            return;
        }
    }
    r.failure =
        pin ? fmt::format(
                  "the note carries no valid signature by the key {} that {} pins for "
                  "vantage point '{}'",
                  *pin, config.file.string(), config.vantage.name)
            : fmt::format("the note carries no valid signature by a key of this log ({} known)",
                          fprs.size());
}

// The tree now is consistent with the note's: same size, same root; larger,
// a verified consistency proof to the newest checkpoint.
void check_consistency(const storage::EvidenceLog& log, const storage::VerifyReport& report,
                       const note::CheckpointBody& body, SinceReport& r) {
    const auto hex = ev::to_hex(body.root);
    if (auto same = log.checkpoint_at(body.tree_size); same && same->root != body.root) {
        r.rewritten = true;
        r.failure = fmt::format(
            "rewritten: checkpoint #{} of the same tree size {} has root {}, the note's is {}",
            same->id, body.tree_size, ev::to_hex(same->root), hex);
        return;
    }
    const auto newest = newest_checkpoint(log);
    if (report.tree_size < body.tree_size || !newest) {
        r.rewritten = true;
        r.failure = fmt::format("rewritten: the log now has {} leaves, fewer than the note's {}",
                                report.tree_size, body.tree_size);
        return;
    }
    if (newest->tree_size < body.tree_size) {
        r.failure = fmt::format(
            "no checkpoint covers the note's {} leaves yet (the newest has {}): run this again "
            "after the next checkpoint",
            body.tree_size, newest->tree_size);
        return;
    }
    std::vector<ev::Hash> proof;
    try {
        proof = log.consistency(body.tree_size, newest->tree_size);
    } catch (const storage::StoreError& e) {
        r.failure = fmt::format("no consistency proof from the note's tree: {}", e.what());
        return;
    }
    ev::Hasher hasher;
    if (!ev::verify_consistency(hasher, body.tree_size, newest->tree_size, body.root, newest->root,
                                proof)) {
        r.rewritten = true;
        r.failure = fmt::format(
            "rewritten: the note's tree ({} leaves, root {}) is not a prefix of checkpoint #{} "
            "({} leaves)",
            body.tree_size, hex, newest->id, newest->tree_size);
        return;
    }
    r.consistent_with = newest->id;
    r.consistent_size = newest->tree_size;
    r.checked.push_back(fmt::format(
        "the tree of checkpoint #{} ({} leaves) is consistent with the note's ({} leaves, root "
        "{}): a {}-hash RFC 9162 consistency proof verifies",
        newest->id, newest->tree_size, body.tree_size, hex, proof.size()));
}

}  // namespace

SinceReport check_since(const config::Config& config, const storage::EvidenceLog& log,
                        const storage::VerifyReport& report, const std::string& file) {
    SinceReport r;
    r.file = file;
    const auto text = read_note_file(file);
    note::Note n;
    note::CheckpointBody body;
    try {
        n = note::parse(text);
        body = note::parse_checkpoint_text(n.text);
    } catch (const note::NoteError& e) {
        r.failure = fmt::format("not a checkpoint note: {}", e.what());
        return r;
    }
    r.origin = body.origin;
    r.tree_size = body.tree_size;
    r.checked.push_back(
        fmt::format("a checkpoint note of {} leaves (origin {})", body.tree_size, body.origin));
    if (body.origin != log.origin()) {
        r.failure =
            fmt::format("the note's origin {} is not this log's ({})", body.origin, log.origin());
        return r;
    }
    r.checked.push_back("its origin is this log's");
    check_signature(config, log, report, n, r);
    if (r.ok()) check_consistency(log, report, body, r);
    return r;
}

std::string since_text(const SinceReport& r) {
    std::string out = fmt::format("since {}:\n", text::escape_text(r.file));
    for (const auto& c : r.checked) out += "  - " + text::escape_text(c) + "\n";
    if (r.ok()) return out + "consistent: the log only grew since the note\n";
    return out + fmt::format("{}: {}\n", r.rewritten ? "REWRITTEN" : "FAILED",
                             text::escape_text(r.failure));
}

std::string since_json(const SinceReport& r) {
    std::string checked;
    for (const auto& c : r.checked) checked += (checked.empty() ? "" : ", ") + json_quote(c);
    return fmt::format(
        "{{\"file\": {}, \"origin\": {}, \"tree_size\": {}, \"key_fingerprint\": {}, "
        "\"pinned_key\": {}, \"consistent_with_checkpoint\": {}, \"consistent_with_size\": {}, "
        "\"consistent\": {}, \"rewritten\": {}, \"checked\": [{}], \"failure\": {}}}",
        json_quote(r.file), r.origin.empty() ? "null" : json_quote(r.origin), r.tree_size,
        r.key_fpr.empty() ? "null" : json_quote(r.key_fpr), r.pinned ? "true" : "false",
        r.consistent_with ? std::to_string(r.consistent_with) : "null",
        r.consistent_with ? std::to_string(r.consistent_size) : "null", r.ok() ? "true" : "false",
        r.rewritten ? "true" : "false", checked,
        r.failure.empty() ? "null" : json_quote(r.failure));
}

}  // namespace slawatch::cli
