// SPDX-License-Identifier: Apache-2.0
// `slawatch checkpoint [--size N]`: the newest checkpoint (or the one of N
// leaves) as a C2SP signed note, exactly the bytes other tools and witnesses
// read (docs/evidence.md, "Checkpoints"); nothing else goes to stdout.

#include "cli/commands.hpp"
#include "cli/common/exit_codes.hpp"
#include "cli/common/store_cli.hpp"
#include "cli/evidence/evidence_cli.hpp"

#include <fmt/format.h>

#include <iostream>
#include <optional>

namespace slawatch::cli {
namespace {

struct CheckpointOptions {
    StoreOptions store;
    std::optional<std::uint64_t> size;
};

void run_checkpoint(const CheckpointOptions& o) {
    const auto config = load_config(o.store.config);
    const auto verified = open_verified_store(config, o.store, now_ms());
    const auto& log = verified.store->evidence();
    const std::string command = "slawatch checkpoint";
    std::optional<storage::Checkpoint> c;
    if (o.size) {
        c = checkpoint_of_size(log, *o.size, command);
    } else if (!(c = newest_checkpoint(log))) {
        throw CommandError(exit_failure, command + ": no checkpoint was recorded yet");
    }
    if (!c->is_note())
        throw CommandError(
            exit_failure,
            fmt::format("{}: checkpoint #{} ({} leaves) was recorded before checkpoints were "
                        "signed notes: it has no note form; its signature is over the older "
                        "slawatch message (`slawatch verify` checks it, docs/evidence.md has the "
                        "openssl script), and a later note covers it by consistency "
                        "(`slawatch prove --from {}`)",
                        command, c->id, c->tree_size, c->tree_size));
    const auto note = log.note(*c);
    if (note.empty())
        throw CommandError(exit_failure,
                           fmt::format("{}: checkpoint #{}: its signing key is not in the "
                                       "database (`slawatch verify` says more)",
                                       command, c->id));
    std::cout << note << std::flush;
    if (c->signature.empty())
        std::cerr << fmt::format(
            "{}: checkpoint #{} is unsigned (no signing key was configured when it was "
            "recorded): the text above is its note text without a signature line\n",
            command, c->id);
}

}  // namespace

void register_checkpoint(CLI::App& app) {
    auto options = std::make_shared<CheckpointOptions>();
    auto* cmd = app.add_subcommand("checkpoint",
                                   "Print the newest evidence checkpoint as a C2SP signed note");
    add_store_options(*cmd, options->store);
    cmd->add_option("--size", options->size,
                    "The checkpoint of exactly this tree size instead of the newest");
    cmd->footer(
        "Prints the note alone (origin, tree size, base64 root, a blank line, the signature "
        "line), so `slawatch checkpoint > checkpoint.note` is a file any C2SP verifier reads. "
        "Exit 0; 1 when there is no such checkpoint or it predates notes; 2 when the evidence "
        "does not verify.");
    cmd->callback([options] { run_checkpoint(*options); });
}

}  // namespace slawatch::cli
