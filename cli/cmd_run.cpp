// SPDX-License-Identifier: Apache-2.0
// slawatch run: the daemon (docs/architecture.md, "Modules").

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/first_run.hpp"
#include "config/config.hpp"
#include "daemon/daemon.hpp"
#include "daemon/logging.hpp"

#include "sla/clock.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <memory>

namespace slawatch::cli {

namespace {
struct RunOptions {
    std::string config;
    std::string db;
    std::string log_format = "journal";
};

void run_daemon(const RunOptions& o) {
    daemon::LogFormat format{};
    if (!daemon::parse_log_format(o.log_format, format))
        throw CommandError(exit_usage, "--log-format must be journal or plain");

    // Bad config: one line per problem, nothing started.
    auto loaded = config::load(o.config);
    if (!loaded) {
        std::string message;
        for (const auto& e : loaded.errors) message += e + "\n";
        throw CommandError(exit_usage, message);
    }
    daemon::Options options;
    options.version = SLAWATCH_VERSION;
    options.db_path = o.db.empty() ? loaded.config->storage.path : std::filesystem::absolute(o.db);
    if (!o.db.empty()) loaded.config->storage.path = options.db_path;

    daemon::setup_logging(format);
    if (auto w = term_warning(*loaded.config, sla::now_ms())) spdlog::warn("{}", *w);
    try {
        const int code = daemon::run(std::move(*loaded.config), options);
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
    cmd->footer(
        "Signals: SIGTERM/SIGINT stop after the runs in flight end (exit 0); SIGHUP reloads the "
        "config (a bad one is rejected and the old one keeps running).");
    cmd->callback([opts] { run_daemon(*opts); });
}

}  // namespace slawatch::cli
