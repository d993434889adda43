// SPDX-License-Identifier: Apache-2.0
#pragma once
// What a witness makes of a peer's newest checkpoint (docs/vantage.md,
// "Witnesses"): a note signed by the peer's pinned key, of the log seen
// before, consistent with the checkpoint last cosigned, is cosigned; a log
// that was replaced, shrank, changed its root at one size or fails the
// consistency proof was rewritten. Pure: no I/O.

#include "storage/evidence/note.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slawatch::storage::evidence {

struct WitnessVerdict {
    enum class Kind {
        cosign,     // consistent with what was cosigned before (or first sight)
        unchanged,  // the checkpoint cosigned last: nothing new
        rewritten,  // the peer's history was rewritten
        invalid,    // not a note of that peer's key: nothing learnt
    };
    Kind kind = Kind::invalid;
    note::CheckpointBody seen;  // set unless invalid
    std::string message;        // for people: what was seen, what was expected
};

// What the witness knows of the peer before this checkpoint.
struct WitnessMemory {
    std::optional<std::string> origin;         // the log seen before; nullopt: first sight
    std::optional<note::CheckpointBody> last;  // the checkpoint last cosigned of `origin`
};

// Judges `note_text` from vantage point `peer` signed by `key`; `proof` is
// the consistency proof from memory.last's size to the note's size, when
// the source gave one.
WitnessVerdict judge_checkpoint(std::string_view peer, const PublicKey& key,
                                std::string_view note_text, const WitnessMemory& memory,
                                const std::optional<std::vector<Hash>>& proof);

}  // namespace slawatch::storage::evidence
