// SPDX-License-Identifier: Apache-2.0
#pragma once
// The evidence databases of several vantage points, as `quorum` and
// `claim --quorum` take them: shipped copies, opened strictly read-only,
// checked to be distinct vantage points of this contract, and verified.

#include "config/config.hpp"
#include "storage/store.hpp"
#include "storage/verified_figures.hpp"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace slawatch::cli {

struct VantageInput {
    std::string name;  // meta.vantage of its database
    std::filesystem::path db;
    std::unique_ptr<storage::Store> store;  // read-only, one snapshot
    // Its minutes, re-derived from its verified evidence; results after its
    // newest signed checkpoint are left out (their minutes are unknown).
    std::unique_ptr<storage::VerifiedFigures> figures;

    const storage::EvidenceStatus& evidence() const { return figures->status(); }
    std::uint64_t verified_leaves() const { return evidence().verify.tree_size; }
};

struct QuorumInputOptions {
    int k = 0;
    bool allow_unsigned = false;  // count inputs with no signed checkpoint (marked unsigned)
};

// Checks `k` against the number of databases, opens every database as an
// immutable copy, and refuses (CommandError, exit 2, naming the database and
// the problem): fewer than two databases; K out of range; a database with no
// or an empty vantage name, or no contract fingerprint; two with the same
// vantage name; a vantage point not in [vantage] peers (when set); a database
// recorded for another contract; evidence that does not verify; two inputs
// holding one evidence log (the same log id, first leaf or checkpoint,
// whatever their names say); an input with no signed checkpoint (unless
// allow_unsigned); an input of a pinned peer signed with another key, or not
// signed at all.
std::vector<VantageInput> open_vantages(const config::Config& config,
                                        const std::vector<std::string>& dbs,
                                        const QuorumInputOptions& options, sla::EpochMillis now);

// `"signed": ..., "key_fingerprint": ..., "signed_leaves": N, "unsigned_tail": N`
// of a vantage point, for the JSON of quorum and claim --quorum.
std::string vantage_evidence_fields(const VantageInput& in);
// "signed by key 0123456789abcdef" or "UNSIGNED", and the tail left out.
std::string vantage_evidence_text(const VantageInput& in);

// Adds --db (two or more), --quorum K and --allow-unsigned to a command.
void add_quorum_options(CLI::App& cmd, std::vector<std::string>& dbs, QuorumInputOptions& options);

}  // namespace slawatch::cli
