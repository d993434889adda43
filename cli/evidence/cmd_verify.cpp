// SPDX-License-Identifier: Apache-2.0
// `slawatch verify`: recompute the evidence log's Merkle tree from the stored
// raw results and check every leaf, checkpoint and signature (docs/evidence.md).
// Exit 0 intact, 1 naming the first result that no longer matches.

#include "cli/commands.hpp"
#include "cli/common/exit_codes.hpp"
#include "cli/common/output.hpp"
#include "cli/common/store_cli.hpp"
#include "cli/evidence/evidence_cli.hpp"
#include "cli/evidence/tsa_bundles.hpp"
#include "cli/evidence/verify_since.hpp"
#include "storage/evidence/timestamp_check.hpp"
#include "text/escape.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>

namespace slawatch::cli {
namespace {

namespace ev = storage::evidence;

struct VerifyOptions {
    StoreOptions store;
    std::string format = "text";
    std::string since;  // a checkpoint note kept earlier
};

std::string checkpoint_text(const storage::Checkpoint& c, const sla::TimeZone& zone) {
    return fmt::format("#{} at {}: {} leaves, root {}{}", c.id, zone.format_millis(c.time_ms),
                       c.tree_size, ev::to_hex(c.root),
                       c.key_fpr.empty() ? ", unsigned" : ", signed by key " + c.key_fpr);
}

std::string checkpoint_json(const storage::Checkpoint& c, const sla::TimeZone& zone) {
    return fmt::format(
        "{{\"id\": {}, \"time\": \"{}\", \"time_ms\": {}, \"tree_size\": {}, \"root\": \"{}\", "
        "\"log_id\": {}, \"signed\": {}, \"key_fingerprint\": {}}}",
        c.id, zone.format_millis(c.time_ms), c.time_ms, c.tree_size, ev::to_hex(c.root),
        c.log_id.empty() ? "null" : json_quote(c.log_id), c.signature.empty() ? "false" : "true",
        c.key_fpr.empty() ? "null" : json_quote(c.key_fpr));
}

std::string problem_json(const storage::EvidenceProblem& p, const sla::TimeZone& zone) {
    return fmt::format(
        "{{\"kind\": \"{}\", \"time\": {}, \"probe\": {}, \"leaf\": {}, \"checkpoint\": {}, "
        "\"message\": {}}}",
        storage::to_string(p.kind), p.time_ms ? json_quote(zone.format_millis(*p.time_ms)) : "null",
        p.probe.empty() ? "null" : json_quote(p.probe), p.leaf ? std::to_string(*p.leaf) : "null",
        p.checkpoint ? std::to_string(*p.checkpoint) : "null", json_quote(p.message));
}

std::string to_text(const storage::VerifyReport& r, const std::string& db,
                    const std::optional<std::string>& configured, const sla::TimeZone& zone) {
    std::string out =
        fmt::format("evidence log {} of {}\n", r.log_id.empty() ? "(no id yet)" : r.log_id, db);
    out += fmt::format(
        "  raw results: {}; tree: {} leaves ({} removed by retention, their "
        "frontier kept)\n",
        r.results, r.tree_size, r.pruned);
    if (r.folded_leaves > 0 || r.folds > 0)
        out += fmt::format(
            "  compacted: {} leaves of folded successful results (kept as subtree hashes), {} "
            "fold leaves recomputed from their counts\n",
            r.folded_leaves, r.folds);
    out += fmt::format("  checkpoints: {} ({} signed); roots recomputed: {}\n", r.checkpoints,
                       r.signed_checkpoints, r.checked_roots);
    if (r.latest) out += "  latest checkpoint: " + checkpoint_text(*r.latest, zone) + "\n";
    if (r.timestamps > 0)
        out += fmt::format(
            "  time-stamps: {} tokens, {} checked against their TSA's CA bundle, {} of TSAs no "
            "longer configured (chain unchecked)\n",
            r.timestamps, r.checked_timestamps, r.unchecked_timestamps);
    for (const auto& fpr : r.key_fprs)
        out += fmt::format("  signing key: {}{}\n", fpr,
                           !configured          ? ""
                           : *configured == fpr ? " (the configured key)"
                                                : " (NOT the configured key)");
    if (configured && r.checkpoints > 0 &&
        std::find(r.key_fprs.begin(), r.key_fprs.end(), *configured) == r.key_fprs.end())
        out += fmt::format("  the configured key {} signed no checkpoint yet\n", *configured);
    if (r.intact()) return out + "intact: every result, checkpoint and signature matches\n";
    out += fmt::format("TAMPERED: {} problem{}\n", r.problems.size(),
                       r.problems.size() == 1 ? "" : "s");
    for (const auto& p : r.problems) out += "  - " + text::escape_text(p.message) + "\n";
    return out;
}

std::string to_json(const storage::VerifyReport& r, const std::string& db,
                    const std::optional<std::string>& configured, const sla::TimeZone& zone,
                    const std::optional<SinceReport>& since) {
    std::string keys;
    for (const auto& k : r.key_fprs) keys += (keys.empty() ? "" : ", ") + json_quote(k);
    std::string problems;
    for (const auto& p : r.problems)
        problems += (problems.empty() ? "\n    " : ",\n    ") + problem_json(p, zone);
    return fmt::format(
        "{{\n  \"database\": {},\n  \"log_id\": {},\n  \"intact\": {},\n  \"results\": {},\n"
        "  \"tree_size\": {},\n"
        "  \"pruned_leaves\": {},\n  \"folded_leaves\": {},\n  \"folds\": {},\n"
        "  \"checkpoints\": {},\n  \"signed_checkpoints\": {},\n"
        "  \"checked_roots\": {},\n  \"key_fingerprints\": [{}],\n"
        "  \"timestamps\": {{\"tokens\": {}, \"checked\": {}, \"unchecked\": {}}},\n"
        "  \"configured_key_fingerprint\": {},\n  \"latest_checkpoint\": {},\n"
        "  \"first_problem\": {},\n  \"problems\": [{}{}],\n  \"since\": {}\n}}\n",
        json_quote(db), r.log_id.empty() ? "null" : json_quote(r.log_id),
        r.intact() ? "true" : "false", r.results, r.tree_size, r.pruned, r.folded_leaves, r.folds,
        r.checkpoints, r.signed_checkpoints, r.checked_roots, keys, r.timestamps,
        r.checked_timestamps, r.unchecked_timestamps, configured ? json_quote(*configured) : "null",
        r.latest ? checkpoint_json(*r.latest, zone) : "null",
        r.problems.empty() ? "null" : problem_json(r.problems.front(), zone), problems,
        problems.empty() ? "" : "\n  ", since ? since_json(*since) : "null");
}

void run_verify(const VerifyOptions& o) {
    const auto config = load_config(o.store.config);
    const auto& zone = config.contract.terms.zone;
    // The configured key only labels fingerprints: verify needs no private key.
    std::optional<std::string> configured;
    try {
        if (auto signer = load_signer(config)) configured = signer->fingerprint();
    } catch (const CommandError& e) {
        std::cerr << "note: " << e.what() << " (signatures are still checked)\n";
    }
    auto store = open_store(config, o.store, storage::OpenMode::read_only);
    // The --since checks read the checkpoints and the tree verify() checked.
    if (!o.since.empty()) store->hold_snapshot();
    auto report = store->evidence().verify();
    storage::evidence::check_timestamps(store->evidence(), tsa_bundles(config), report);
    const auto db = db_path(config, o.store).string();
    // A kept note is checked only against evidence that is intact itself.
    std::optional<SinceReport> since;
    if (!o.since.empty() && report.intact())
        since = check_since(config, store->evidence(), report, o.since);
    std::cout << (o.format == "json" ? to_json(report, db, configured, zone, since)
                                     : to_text(report, db, configured, zone) +
                                           (since ? since_text(*since) : std::string()));
    if (!report.intact())
        throw CommandError(exit_failure, "slawatch verify: " + report.problems.front().message);
    if (since && !since->ok())
        throw CommandError(exit_failure,
                           fmt::format("slawatch verify: --since {}: {}", o.since, since->failure));
}

}  // namespace

void register_verify(CLI::App& app) {
    auto options = std::make_shared<VerifyOptions>();
    auto* cmd = app.add_subcommand(
        "verify", "Check the tamper-evident evidence log: every result, checkpoint and signature");
    add_store_options(*cmd, options->store);
    cmd->add_option("--format", options->format, "text or json")
        ->check(CLI::IsMember({"text", "json"}));
    cmd->add_option("--since", options->since,
                    "A checkpoint note kept earlier (what `slawatch checkpoint` printed): also "
                    "check its origin and signature and that the log only grew since");
    cmd->footer(
        "Exit 0 when intact (and consistent with the --since note); 1 naming the first result "
        "(time, probe) that no longer matches, the bad checkpoint or time-stamp token, or what "
        "the --since note failed (a changed note, another log, a rewritten log); 2 when the "
        "note file cannot be read.");
    cmd->callback([options] { run_verify(*options); });
}

}  // namespace slawatch::cli
