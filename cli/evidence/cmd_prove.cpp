// SPDX-License-Identifier: Apache-2.0
// `slawatch prove --from M [--to N]`: the RFC 9162 consistency proof that the
// tree of checkpoint M is a prefix of the tree of checkpoint N, with both
// roots, checked before it is printed (docs/evidence.md, "Consistency proofs").

#include "cli/commands.hpp"
#include "cli/common/exit_codes.hpp"
#include "cli/common/store_cli.hpp"
#include "cli/evidence/evidence_cli.hpp"

#include <fmt/format.h>

#include <iostream>
#include <optional>

namespace slawatch::cli {
namespace {

namespace ev = storage::evidence;

struct ProveOptions {
    StoreOptions store;
    std::uint64_t from = 0;
    std::optional<std::uint64_t> to;
    std::string format = "text";
};

struct ConsistencyProof {
    std::uint64_t old_size = 0;
    std::uint64_t new_size = 0;
    ev::Hash old_root{};
    ev::Hash new_root{};
    std::vector<ev::Hash> path;
};

std::string to_text(const ConsistencyProof& p) {
    std::string out =
        fmt::format("old_size {}\nnew_size {}\nold_root {}\nnew_root {}\nproof\n", p.old_size,
                    p.new_size, ev::to_hex(p.old_root), ev::to_hex(p.new_root));
    for (const auto& h : p.path) out += ev::to_hex(h) + "\n";
    return out;
}

std::string to_json(const ConsistencyProof& p) {
    std::string path;
    for (const auto& h : p.path) path += (path.empty() ? "\"" : ", \"") + ev::to_hex(h) + "\"";
    return fmt::format(
        "{{\"old_size\": {}, \"new_size\": {}, \"old_root\": \"{}\", \"new_root\": \"{}\", "
        "\"proof\": [{}]}}\n",
        p.old_size, p.new_size, ev::to_hex(p.old_root), ev::to_hex(p.new_root), path);
}

void run_prove(const ProveOptions& o) {
    const auto config = load_config(o.store.config);
    const auto verified = open_verified_store(config, o.store, now_ms());
    const auto& log = verified.store->evidence();
    const std::string command = "slawatch prove";
    std::optional<storage::Checkpoint> to;
    if (o.to) {
        to = checkpoint_of_size(log, *o.to, command);
    } else if (!(to = newest_checkpoint(log))) {
        throw CommandError(exit_failure, command + ": no checkpoint was recorded yet");
    }
    if (o.from > to->tree_size)
        throw CommandError(exit_usage,
                           fmt::format("{}: --from {} is larger than --to {}: a consistency "
                                       "proof runs from an older (smaller) tree to a newer one",
                                       command, o.from, to->tree_size));
    const auto from = checkpoint_of_size(log, o.from, command);
    ConsistencyProof p{from.tree_size, to->tree_size, from.root, to->root, {}};
    try {
        p.path = log.consistency(p.old_size, p.new_size);
    } catch (const storage::StoreError& e) {
        throw CommandError(exit_failure, fmt::format("{}: {}", command, e.what()));
    }
    ev::Hasher hasher;
    if (!ev::verify_consistency(hasher, p.old_size, p.new_size, p.old_root, p.new_root, p.path))
        throw CommandError(exit_failure,
                           fmt::format("{}: the stored tree does not prove checkpoint #{} ({} "
                                       "leaves) a prefix of checkpoint #{} ({} leaves): the "
                                       "evidence was altered",
                                       command, from.id, from.tree_size, to->id, to->tree_size));
    std::cout << (o.format == "json" ? to_json(p) : to_text(p));
}

}  // namespace

void register_prove(CLI::App& app) {
    auto options = std::make_shared<ProveOptions>();
    auto* cmd = app.add_subcommand(
        "prove", "Print the RFC 9162 consistency proof between two recorded checkpoints");
    add_store_options(*cmd, options->store);
    cmd->add_option("--from", options->from, "Tree size of the older checkpoint")->required();
    cmd->add_option("--to", options->to,
                    "Tree size of the newer checkpoint (default: the newest checkpoint)");
    cmd->add_option("--format", options->format, "text or json")
        ->check(CLI::IsMember({"text", "json"}));
    cmd->footer(
        "Both sizes must be sizes of recorded checkpoints (`slawatch checkpoint --size N` prints "
        "one). Hashes are lowercase hex; docs/evidence.md checks the proof with openssl alone. "
        "Exit 1 when there is no checkpoint of a size or the proof does not verify; 2 when "
        "--from is larger than --to or the evidence does not verify.");
    cmd->callback([options] { run_prove(*options); });
}

}  // namespace slawatch::cli
