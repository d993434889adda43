// SPDX-License-Identifier: Apache-2.0
#pragma once
// Which checkpoints of each vantage point the others cosigned as witnesses
// (docs/vantage.md, "Witnesses"): the cosignatures are read from the other
// inputs' databases and each is checked with its cosigner's key (the key
// that signs that database's own checkpoints, pinned when the config pins
// it) against this input's own checkpoint note.

#include "cli/quorum/quorum_inputs.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace slawatch::cli {

struct Cosigner {
    std::string vantage;
    std::uint64_t time_s = 0;
};

struct CosignedCheckpoint {
    std::uint64_t tree_size = 0;
    std::vector<Cosigner> by;
};

// One input's checkpoints as the others witnessed them.
struct Witnessed {
    std::vector<CosignedCheckpoint> cosigned;  // smallest tree first
    std::vector<std::uint64_t> not_cosigned;   // its signed checkpoint notes no input cosigned
    // Cosignatures found that do not verify against this input's checkpoint
    // of that size (a rewritten history, or a forged row), for people.
    std::vector<std::string> rejected;
};

// Per input, in input order.
std::vector<Witnessed> witnessed(const std::vector<VantageInput>& inputs);

// "cosigned 2 of 3 checkpoints; newest cosigned: 36 leaves by bj-cloud, gz-office; not cosigned:
// 54"
std::string witnessed_text(const Witnessed& w);
// `"cosigned": [...], "not_cosigned": [...], "rejected_cosignatures": [...]`
std::string witnessed_json(const Witnessed& w, const sla::TimeZone& zone);

}  // namespace slawatch::cli
