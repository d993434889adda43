// SPDX-License-Identifier: Apache-2.0
#pragma once
// `verify --since FILE`: a checkpoint note someone kept (what `slawatch
// checkpoint` printed) checked against this log: its form, its origin, its
// signature, and that the tree now is consistent with it (docs/evidence.md,
// "Consistency proofs").

#include "config/config.hpp"
#include "storage/evidence/log.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace slawatch::cli {

struct SinceReport {
    std::string file;
    std::string origin;
    std::uint64_t tree_size = 0;       // the note's
    std::string key_fpr;               // the key whose signature verified
    bool pinned = false;               // that key is the one the config pins
    std::int64_t consistent_with = 0;  // checkpoint id the proof led to
    std::uint64_t consistent_size = 0;
    std::vector<std::string> checked;  // what held, in order, for people
    std::string failure;               // what did not, empty when all held
    bool rewritten = false;            // the failure shows the log rewritten

    bool ok() const { return failure.empty(); }
};

// Reads `file` (CommandError(2) when it cannot be read) and checks it against
// `log`, whose full verify() gave `report` (intact).
SinceReport check_since(const config::Config& config, const storage::EvidenceLog& log,
                        const storage::VerifyReport& report, const std::string& file);

std::string since_text(const SinceReport& r);
std::string since_json(const SinceReport& r);  // one JSON object, no newline

}  // namespace slawatch::cli
