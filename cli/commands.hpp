// SPDX-License-Identifier: Apache-2.0
#pragma once
// Each subcommand registers itself on the top-level app; main() only wires them.

#include <CLI/CLI.hpp>

namespace slawatch::cli {

// Every register function adds one subcommand whose callback runs the command
// and throws CommandError to fail.
void register_check_config(CLI::App& app);
// Data commands (storage): cmd_replay.cpp, cmd_report.cpp, ...
void register_replay(CLI::App& app);
void register_report(CLI::App& app);
void register_minutes(CLI::App& app);
void register_incidents(CLI::App& app);
void register_maintenance(CLI::App& app);
void register_claim(CLI::App& app);
void register_status(CLI::App& app);
void register_rederive(CLI::App& app);
void register_compact(CLI::App& app);
void register_run(CLI::App& app);
void register_probe(CLI::App& app);
// cmd_alerts.cpp: alerts list | alerts test
void register_alerts(CLI::App& app);
// cmd_verify.cpp: the evidence log's integrity
void register_verify(CLI::App& app);
// cmd_quorum.cpp: one Service Month across several vantage points
void register_quorum(CLI::App& app);
// cmd_backup.cpp: a consistent, verified copy of the database
void register_backup(CLI::App& app);

}  // namespace slawatch::cli
