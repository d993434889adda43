// SPDX-License-Identifier: Apache-2.0
#pragma once
// The evidence databases of several vantage points, as `quorum` and
// `claim --quorum` take them: shipped copies, opened strictly read-only,
// checked to be distinct vantage points of this contract, and verified.

#include "config/config.hpp"
#include "storage/store.hpp"

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
    std::uint64_t verified_leaves = 0;      // the evidence log's tree size, verified
};

// Checks `k` against the number of databases, opens every database as an
// immutable copy, and refuses (CommandError, exit 2, naming the database and
// the problem): fewer than two databases; K out of range; a database with no
// vantage name or no contract fingerprint; two with the same vantage name; a
// vantage point not in [vantage] peers (when set); a database recorded for
// another contract; and, verified last, evidence that does not verify.
std::vector<VantageInput> open_vantages(const config::Config& config,
                                        const std::vector<std::string>& dbs, int k);

// Adds --db (two or more) and --quorum K to a command.
void add_quorum_options(CLI::App& cmd, std::vector<std::string>& dbs, int& k);

}  // namespace slawatch::cli
