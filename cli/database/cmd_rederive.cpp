// SPDX-License-Identifier: Apache-2.0
// `slawatch rederive`: re-derives the stored minutes and rollups under the
// given config (after an edit of min_samples, policy, maintenance windows,
// time zone, term or probes) while no daemon writes the database.

#include "cli/commands.hpp"
#include "cli/common/exit_codes.hpp"
#include "cli/common/store_cli.hpp"

#include <fmt/format.h>

#include <iostream>

namespace slawatch::cli {
namespace {

void run_rederive(const StoreOptions& o) {
    const auto config = load_config(o.config);
    const auto db = db_path(config, o);
    require_database(db);
    std::optional<std::pair<sla::EpochMinute, sla::EpochMinute>> range;
    try {
        range = rederive(config, db, "slawatch rederive");
    } catch (const storage::WriterLockBusy& e) {
        throw CommandError(
            exit_failure,
            fmt::format("slawatch: {}; a running daemon re-derives on its own when it starts or "
                        "reloads its config (systemctl reload slawatch, or kill -HUP {})",
                        e.what(), e.holder.pid > 0 ? std::to_string(e.holder.pid) : "PID"));
    }
    if (!range) {
        std::cout << fmt::format("the minutes in {} already match {}; nothing to re-derive\n",
                                 db.string(), config.file.string());
        return;
    }
    const auto& zone = config.contract.terms.zone;
    std::cout << fmt::format("re-derived the minutes {} to {} under {}\n",
                             zone.format_minute(range->first), zone.format_minute(range->second),
                             config.file.string());
}

}  // namespace

void register_rederive(CLI::App& app) {
    auto options = std::make_shared<StoreOptions>();
    auto* cmd = app.add_subcommand(
        "rederive", "Re-derive the stored minutes under the config after it changed");
    add_store_options(*cmd, *options);
    cmd->footer(
        "Takes the writer lock: refused (exit 1) while the daemon runs; the daemon "
        "re-derives on its own at start and on SIGHUP.");
    cmd->callback([options] { run_rederive(*options); });
}

}  // namespace slawatch::cli
