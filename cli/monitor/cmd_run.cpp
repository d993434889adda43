// SPDX-License-Identifier: Apache-2.0
// slawatch run: the daemon (docs/architecture.md, "Modules").

#include "cli/commands.hpp"
#include "cli/common/config_file.hpp"
#include "cli/common/exit_codes.hpp"
#include "cli/common/first_run.hpp"
#include "config/config.hpp"
#include "daemon/daemon.hpp"
#include "daemon/logging.hpp"

#include "sla/clock.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <sys/prctl.h>

#include <filesystem>
#include <memory>

namespace slawatch::cli {

namespace {
struct RunOptions {
    std::string config;
    std::string db;
    std::string log_format = "journal";
    bool new_database = false;
};

void run_daemon(const RunOptions& o) {
    // Before any secret is read (API keys, the signing key): no core dump and no
    // ptrace by other processes of this user can copy them out of memory.
    if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        throw CommandError(exit_failure, "slawatch run: cannot make the process non-dumpable");
    daemon::LogFormat format{};
    if (!daemon::parse_log_format(o.log_format, format))
        throw CommandError(exit_usage, "--log-format must be journal or plain");

    // Bad config: one line per problem, nothing started.
    auto config = load_config(o.config);
    daemon::Options options;
    options.version = SLAWATCH_VERSION;
    options.new_database = o.new_database;
    options.db_path = o.db.empty() ? config.storage.path : std::filesystem::absolute(o.db);
    if (!o.db.empty()) config.storage.path = options.db_path;

    daemon::setup_logging(format);
    if (auto w = term_warning(config, sla::now_ms())) spdlog::warn("{}", *w);
    try {
        const int code = daemon::run(std::move(config), options);
        if (code != exit_ok) throw CommandError(code, "");
    } catch (const daemon::StartError& e) {
        throw CommandError(e.code, fmt::format("slawatch run: {}", e.what()));
    }
}
}  // namespace

void register_run(CLI::App& app) {
    auto opts = std::make_shared<RunOptions>();
    auto* cmd = app.add_subcommand(
        "run", "Run the monitor: probe, record, finalize minutes, serve metrics (the daemon)");
    add_config_option(*cmd, opts->config);
    cmd->add_option("--db", opts->db, "Database file (default: the config's storage.path)");
    cmd->add_option("--log-format", opts->log_format,
                    "journal (no timestamps; systemd adds them) or plain")
        ->check(CLI::IsMember({"journal", "plain"}));
    cmd->add_flag("--new-database", opts->new_database,
                  "Create a new, empty database although the marker <db>.identity says one was "
                  "there before (it was deleted or moved); rewrites the marker");
    cmd->footer(
        "Signals: SIGTERM/SIGINT stop after the runs in flight end (exit 0); SIGHUP reloads the "
        "config (a bad one is rejected and the old one keeps running). Exit 1 when the "
        "database file is deleted or replaced while running; exit 2 when it is missing at start "
        "but its marker <db>.identity is there (see --new-database).");
    cmd->callback([opts] { run_daemon(*opts); });
}

}  // namespace slawatch::cli
