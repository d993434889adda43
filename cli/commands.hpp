// SPDX-License-Identifier: Apache-2.0
#pragma once
// Each subcommand registers itself on the top-level app; cli::run (app.cpp)
// only wires them. Each lives in the folder of its family, in cmd_NAME.cpp.

#include <CLI/CLI.hpp>

namespace slawatch::cli {

// Every register function adds one subcommand whose callback runs the command
// and throws CommandError (or a storage::StoreError) to fail.
// monitor/: set up and run the monitor
void register_check_config(CLI::App& app);
void register_run(CLI::App& app);
void register_probe(CLI::App& app);
void register_alerts(CLI::App& app);  // alerts list | alerts test
// replay/: recorded results into the database
void register_replay(CLI::App& app);
// report/: what the database's verified evidence says
void register_report(CLI::App& app);
void register_status(CLI::App& app);
void register_minutes(CLI::App& app);
void register_incidents(CLI::App& app);
// claim/: the R11 claim package
void register_claim(CLI::App& app);
// quorum/: one Service Month across several vantage points
void register_quorum(CLI::App& app);
// evidence/: the evidence log's integrity, and a verified copy of the database
void register_verify(CLI::App& app);
void register_backup(CLI::App& app);
void register_checkpoint(CLI::App& app);  // the newest checkpoint as a C2SP note
void register_key(CLI::App& app);         // the signing key's public part, verifier keys
void register_prove(CLI::App& app);       // an RFC 9162 consistency proof
// database/: commands that change the database
void register_maintenance(CLI::App& app);
void register_rederive(CLI::App& app);
void register_compact(CLI::App& app);

}  // namespace slawatch::cli
