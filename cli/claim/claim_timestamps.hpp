// SPDX-License-Identifier: Apache-2.0
#pragma once
// The RFC 3161 part of a claim package: the time-stamp tokens of the
// checkpoints it carries, each with its checkpoint's note, and the exact
// `openssl ts -verify` commands that check them offline (docs/evidence.md,
// "Time-stamps").

#include "config/config.hpp"
#include "storage/evidence/log.hpp"
#include "storage/result_store.hpp"

#include <string>
#include <vector>

namespace slawatch::cli {

struct ClaimTimestamp {
    storage::Checkpoint checkpoint;
    std::string note;  // EvidenceLog::note(checkpoint): the stamped bytes
    storage::StoredTimestamp token;
    std::string ca_name;                // the file name the commands expect the TSA's bundle under
    std::vector<std::string> commands;  // run in an empty directory holding ca_name
};

// The tokens of `checkpoints` (and of no others), by checkpoint then TSA.
std::vector<ClaimTimestamp> claim_timestamps(const storage::ResultStore& store,
                                             const std::vector<storage::Checkpoint>& checkpoints,
                                             const config::Config& config);

// "" without tokens.
std::string timestamps_markdown(const std::vector<ClaimTimestamp>& t, const config::Config& config,
                                const sla::TimeZone& zone);
// A JSON array (no trailing newline), indented for the claim's top level.
std::string timestamps_json(const std::vector<ClaimTimestamp>& t, const sla::TimeZone& zone);

}  // namespace slawatch::cli
