// SPDX-License-Identifier: Apache-2.0
// slawatch: the one binary; subcommands live in cli/cmd_*.cpp.

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/first_run.hpp"
#include "sla/clock.hpp"
#include "storage/store.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <iostream>

int main(int argc, char** argv) {
    using namespace slawatch::cli;
    if (auto bad = slawatch::sla::init_clock_from_env()) {
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
        const auto message = without_source_locations(e.what());
        if (!message.empty()) std::cerr << message << (message.ends_with('\n') ? "" : "\n");
        return e.code;
    } catch (const slawatch::storage::RefusedDatabase& e) {
        // A database refused as input wherever it was read.
        std::cerr << "slawatch: " << e.what() << "\n";
        return exit_usage;
    } catch (const std::exception& e) {
        std::cerr << "slawatch: " << without_source_locations(e.what()) << "\n";
        return exit_failure;
    }
    return exit_ok;
}
