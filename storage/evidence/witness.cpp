// SPDX-License-Identifier: Apache-2.0
#include "storage/evidence/witness.hpp"

#include <fmt/format.h>

namespace slawatch::storage::evidence {
namespace {

using Kind = WitnessVerdict::Kind;

std::string describe(const note::CheckpointBody& b) {
    return fmt::format("{} leaves, root {}", b.tree_size, to_hex(b.root).substr(0, 16));
}

WitnessVerdict verdict(Kind kind, const note::CheckpointBody& seen, std::string message) {
    return {kind, seen, std::move(message)};
}

// The note against the checkpoint cosigned last of the same log.
WitnessVerdict against_last(const note::CheckpointBody& seen, const note::CheckpointBody& last,
                            const std::optional<std::vector<Hash>>& proof) {
    const auto expected =
        fmt::format("expected a tree that extends the cosigned checkpoint of {}", describe(last));
    if (seen.tree_size < last.tree_size)
        return verdict(Kind::rewritten, seen,
                       fmt::format("its log shrank (or an older copy was shipped): it shows {}; {}",
                                   describe(seen), expected));
    if (seen.tree_size == last.tree_size) {
        if (seen.root == last.root) return verdict(Kind::unchanged, seen, "");
        return verdict(Kind::rewritten, seen,
                       fmt::format("another root at the same size: it shows {}; cosigned was {}",
                                   describe(seen), describe(last)));
    }
    if (!proof)
        return verdict(Kind::invalid, seen,
                       fmt::format("no consistency proof from {} to {} leaves", last.tree_size,
                                   seen.tree_size));
    Hasher h;
    if (!verify_consistency(h, last.tree_size, seen.tree_size, last.root, seen.root, *proof))
        return verdict(
            Kind::rewritten, seen,
            fmt::format("the consistency proof fails: it shows {}; {}", describe(seen), expected));
    return verdict(Kind::cosign, seen, "");
}

}  // namespace

WitnessVerdict judge_checkpoint(std::string_view peer, const PublicKey& key,
                                std::string_view note_text, const WitnessMemory& memory,
                                const std::optional<std::vector<Hash>>& proof) {
    note::Note n;
    note::CheckpointBody seen;
    try {
        n = note::parse(note_text);
        seen = note::parse_checkpoint_text(n.text);
    } catch (const note::NoteError& e) {
        return verdict(Kind::invalid, {}, fmt::format("not a checkpoint note: {}", e.what()));
    }
    // The origin names the vantage point: another's log is not this peer's history.
    const auto prefix = fmt::format("slawatch/{}/", peer);
    if (!seen.origin.starts_with(prefix) || seen.origin.size() == prefix.size())
        return verdict(Kind::invalid, {},
                       fmt::format("the note's origin is not a log of vantage point {}", peer));
    if (!note::verify(n, seen.origin, key))
        return verdict(Kind::invalid, {},
                       fmt::format("the note is not signed by the key pinned for {}", peer));
    if (memory.origin && *memory.origin != seen.origin)
        return verdict(Kind::rewritten, seen,
                       fmt::format("its log was replaced: it shows {} ({}); expected the log "
                                   "witnessed before, {}",
                                   seen.origin, describe(seen), *memory.origin));
    if (memory.last && memory.last->origin == seen.origin)
        return against_last(seen, *memory.last, proof);
    return verdict(Kind::cosign, seen, "");
}

}  // namespace slawatch::storage::evidence
