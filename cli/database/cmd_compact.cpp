// SPDX-License-Identifier: Apache-2.0
// `slawatch compact`: folds the successful results of Service Months past
// their claim deadline (plus storage.compact_margin_days) into per-minute
// counts, keeping every proof (docs/evidence.md, "Compaction").

#include "cli/commands.hpp"
#include "cli/common/exit_codes.hpp"
#include "cli/common/store_cli.hpp"
#include "cli/evidence/evidence_cli.hpp"
#include "sla/clock.hpp"
#include "storage/store.hpp"

#include <fmt/format.h>

#include <iostream>

namespace slawatch::cli {
namespace {

struct CompactOptions : StoreOptions {
    bool dry_run = false;
};

void run_compact(const CompactOptions& o) {
    const auto config = load_config(o.config);
    require_database(db_path(config, o));
    if (!config.storage.compact) {
        std::cout << "storage.compact is false in " << config.file.string()
                  << ": nothing compacted\n";
        return;
    }
    const auto signer = load_signer(config);  // a bad key fails before anything is folded
    const auto lock = acquire_writer_lock(config, o, "slawatch compact");
    auto store = open_store(config, o, storage::OpenMode::read_write);
    const auto r = store->compact(sla::now_ms(), o.dry_run);
    // A checkpoint covering the fold leaves, so the counts are vouched for at once.
    if (!o.dry_run && r.folds > 0) record_checkpoint(*store, signer);
    const auto& zone = config.contract.terms.zone;
    if (!r.until) {
        std::cout << fmt::format(
            "no Service Month is past its claim deadline plus {} days yet: nothing to compact\n",
            config.storage.compact_margin_days);
        return;
    }
    const auto verb = o.dry_run ? "would fold" : "folded";
    std::cout << fmt::format(
        "{} {} successful results sent before {} into the counts of {} probe-minutes ({} "
        "folded rows, {} days); failed results stay raw\n",
        verb, r.results, zone.format_minute(*r.until), r.minutes, r.folds, r.steps);
    if (!o.dry_run && r.results > 0)
        std::cout << fmt::format("freed {} bytes of database pages for reuse\n", r.bytes_freed);
}

}  // namespace

void register_compact(CLI::App& app) {
    auto options = std::make_shared<CompactOptions>();
    auto* cmd = app.add_subcommand(
        "compact",
        "Fold the successful results of months past their claim deadline into per-minute counts");
    add_store_options(*cmd, *options);
    cmd->add_flag("--dry-run", options->dry_run, "Say what would be folded; change nothing");
    cmd->footer(
        "Only Service Months whose claim deadline plus storage.compact_margin_days has passed. "
        "Failed results, the evidence tree, checkpoints and proofs are kept; slawatch verify "
        "checks the counts. Takes the writer lock: refused (exit 1) while the daemon runs (it "
        "compacts on its own).");
    cmd->callback([options] { run_compact(*options); });
}

}  // namespace slawatch::cli
