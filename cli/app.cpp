// SPDX-License-Identifier: Apache-2.0
// The top-level app: every subcommand registered, and the one place that
// turns a failure into its message and exit code (app.hpp).

#include "cli/app.hpp"

#include "cli/commands.hpp"
#include "cli/common/exit_codes.hpp"
#include "cli/common/first_run.hpp"
#include "cli/common/store_cli.hpp"
#include "sla/clock.hpp"
#include "storage/store.hpp"

#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>
#include <string>
#include <string_view>

namespace slawatch::cli {
namespace {

void register_commands(CLI::App& app) {
    register_check_config(app);
    register_replay(app);
    register_report(app);
    register_minutes(app);
    register_incidents(app);
    register_maintenance(app);
    register_claim(app);
    register_status(app);
    register_rederive(app);
    register_compact(app);
    register_run(app);
    register_probe(app);
    register_alerts(app);
    register_verify(app);
    register_quorum(app);
    register_backup(app);
    register_checkpoint(app);
    register_key(app);
    register_prove(app);
}

// A failure's message as every command prints it: without the source
// locations Boost appends, ending in exactly one newline; nothing when empty.
void print_failure(std::string_view message) {
    const auto text = without_source_locations(message);
    if (!text.empty()) std::cerr << text << (text.ends_with('\n') ? "" : "\n");
}

// Runs the parsed command; every exception it may end with becomes an exit code here.
int dispatch(CLI::App& app, int argc, char** argv) {
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        // CLI11 names what it did not expect; say what was probably meant.
        if (auto hint = suggestion(app, argc, argv)) std::cerr << "slawatch: " << *hint << "\n";
        return exit_usage;
    } catch (const CommandError& e) {
        print_failure(e.what());
        return e.code;
    } catch (const storage::StoreError& e) {
        // Wherever a command read or wrote the database: a database refused
        // as input or missing is 2, anything else 1.
        print_failure(std::string("slawatch: ") + e.what());
        return store_exit_code(e);
    } catch (const std::exception& e) {
        std::cerr << "slawatch: " << without_source_locations(e.what()) << "\n";
        return exit_failure;
    }
    return exit_ok;
}

}  // namespace

int run(int argc, char** argv) {
    if (auto bad = sla::init_clock_from_env()) {
        std::cerr << "slawatch: " << *bad << "\n";
        return exit_usage;
    }
    CLI::App app{
        "slawatch - independent minute-by-minute availability monitor for the Tencent Cloud "
        "Mini Program Platform SLA",
        "slawatch"};
    app.require_subcommand(1);
    app.set_version_flag("--version", SLAWATCH_VERSION);
    app.footer(
        "Exit codes: 0 success, 1 runtime failure, 2 bad usage, config or input.\n"
        "Run 'slawatch COMMAND --help' for a command's options.");
    register_commands(app);
    return dispatch(app, argc, argv);
}

}  // namespace slawatch::cli
