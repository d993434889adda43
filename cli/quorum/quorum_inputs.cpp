// SPDX-License-Identifier: Apache-2.0
// Opening, checking and verifying the vantage points' databases (quorum_inputs.hpp).

#include "cli/quorum/quorum_inputs.hpp"
#include "cli/common/output.hpp"

#include "cli/common/exit_codes.hpp"
#include "cli/common/store_cli.hpp"
#include "cli/evidence/evidence_cli.hpp"
#include "storage/evidence/log.hpp"
#include "storage/evidence/signing.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <future>
#include <limits>
#include <map>
#include <optional>
#include <set>

namespace slawatch::cli {
namespace {

[[noreturn]] void refuse(const std::filesystem::path& db, const std::string& why) {
    throw CommandError(exit_usage, fmt::format("slawatch: {}: {}", db.string(), why));
}

VantageInput open_one(const config::Config& config, const std::string& path) {
    VantageInput in;
    in.db = path;
    require_database(in.db);
    try {
        in.store = storage::Store::open(config, in.db, storage::OpenMode::immutable_copy);
        in.store->hold_snapshot();
        const auto vantage = in.store->vantage();
        if (!vantage) {
            refuse(in.db,
                   "records no vantage name: it was written by an older slawatch; open it once "
                   "with this version's `slawatch run` or `replay` on its own host, then ship a "
                   "new copy");
        }
        if (vantage->empty()) refuse(in.db, "records an empty vantage name");
        in.name = *vantage;
        if (const auto& peers = config.vantage.peers;
            !peers.empty() && std::find(peers.begin(), peers.end(), in.name) == peers.end()) {
            refuse(in.db, fmt::format("vantage point '{}' is not one of [vantage] peers in {} ({})",
                                      in.name, config.file.string(), fmt::join(peers, ", ")));
        }
        const auto contract = in.store->contract();
        if (!contract) {
            refuse(in.db,
                   "records no contract fingerprint: it was written by an older slawatch; open it "
                   "once with this version's `slawatch run` or `replay`, then ship a new copy");
        }
        if (*contract != storage::contract_fingerprint(config.contract)) {
            refuse(in.db,
                   fmt::format("vantage point '{}' recorded its evidence for another contract than "
                               "the one in {} (name, user_id, order_id, term or time zone differ)",
                               in.name, config.file.string()));
        }
    } catch (const storage::SchemaOutdated& e) {
        refuse(in.db, std::string(e.what()) + " (on its own host, then ship a new copy)");
    } catch (const storage::StoreError& e) {
        throw CommandError(exit_usage, std::string("slawatch: ") + e.what());
    }
    return in;
}

// Signed, and by the pinned key when there is one.
void check_signature(const config::Config& config, const VantageInput& in, bool allow_unsigned) {
    const auto& ev = in.evidence();
    const auto pin = pinned_fingerprint(config, in.name);
    if (pin) {
        if (!ev.is_signed())
            refuse(in.db, fmt::format("vantage point '{}' is pinned to key {} in {}, but its "
                                      "evidence has no signed checkpoint",
                                      in.name, pin->substr(0, 16), config.file.string()));
        for (const auto& fpr : ev.verify.key_fprs)
            if (fpr != *pin)
                refuse(in.db, fmt::format("vantage point '{}' is pinned to key {} in {}, but its "
                                          "checkpoints are signed with key {}",
                                          in.name, pin->substr(0, 16), config.file.string(),
                                          fpr.substr(0, 16)));
        return;
    }
    if (!ev.is_signed() && !allow_unsigned)
        refuse(in.db,
               fmt::format("vantage point '{}' has no signed checkpoint: its evidence proves "
                           "nothing to anyone but its writer (set [evidence] signing_key_file on "
                           "that host), or pass --allow-unsigned to count it, marked unsigned",
                           in.name));
}

// Leaves hold the send time in ms and the phase latencies in µs, so two
// hosts' logs never begin alike; a few minutes of them tell copies apart even
// where replayed results carry no latencies.
constexpr std::size_t first_leaves_compared = 64;

// One evidence log counts once, whatever name it travels under: the same log
// id, the same first leaves or any same checkpoint means the same log.
void check_distinct_logs(const std::vector<VantageInput>& inputs) {
    struct Identity {
        std::string log_id;
        std::vector<storage::EvidenceLog::LeafIdentity> first_leaves;
        std::set<std::pair<std::uint64_t, std::string>> checkpoints;  // size, root
    };
    std::vector<Identity> ids;
    for (const auto& in : inputs) {
        Identity id;
        const auto& v = in.evidence().verify;
        id.log_id = v.log_id;
        id.first_leaves = in.store->evidence().leaves(v.pruned, first_leaves_compared);
        for (const auto& c :
             in.store->evidence().checkpoints(std::numeric_limits<sla::EpochMillis>::min(),
                                              std::numeric_limits<sla::EpochMillis>::max()))
            if (c.tree_size > 0)
                id.checkpoints.emplace(c.tree_size, storage::evidence::to_hex(c.root));
        ids.push_back(std::move(id));
    }
    for (std::size_t b = 1; b < inputs.size(); ++b) {
        for (std::size_t a = 0; a < b; ++a) {
            std::string why;
            if (!ids[a].log_id.empty() && ids[a].log_id == ids[b].log_id) {
                why = fmt::format("the same evidence log (id {})", ids[a].log_id);
            } else if (!ids[a].first_leaves.empty() && ids[a].first_leaves == ids[b].first_leaves) {
                why = fmt::format(
                    "the same evidence (its first {} leaves, from leaf {}, are "
                    "identical)",
                    ids[a].first_leaves.size(), ids[a].first_leaves.front().index);
            } else {
                for (const auto& c : ids[a].checkpoints) {
                    if (!ids[b].checkpoints.count(c)) continue;
                    why = fmt::format(
                        "the same evidence (a checkpoint of {} leaves with the "
                        "same root)",
                        c.first);
                    break;
                }
            }
            if (why.empty()) continue;
            refuse(inputs[b].db,
                   fmt::format("holds {} as {} (vantage point '{}' there, '{}' here): one host's "
                               "evidence counts once, whatever name it is shipped under",
                               why, inputs[a].db.string(), inputs[a].name, inputs[b].name));
        }
    }
}

}  // namespace

std::vector<VantageInput> open_vantages(const config::Config& config,
                                        const std::vector<std::string>& dbs,
                                        const QuorumInputOptions& options, sla::EpochMillis now) {
    const auto n = static_cast<int>(dbs.size());
    const auto k = options.k;
    if (n < 2) {
        throw CommandError(exit_usage,
                           "slawatch: a quorum needs the databases of at least 2 vantage points "
                           "(--db PATH --db PATH ...)");
    }
    if (k < 1 || k > n) {
        throw CommandError(exit_usage, fmt::format("slawatch: --quorum {} is out of range: K must "
                                                   "be from 1 to the number of databases ({})",
                                                   k, n));
    }
    std::vector<VantageInput> inputs;
    std::map<std::string, std::filesystem::path> seen;
    for (const auto& path : dbs) {
        auto in = open_one(config, path);
        if (const auto [it, fresh] = seen.emplace(in.name, in.db); !fresh) {
            refuse(in.db, fmt::format("holds vantage point '{}' like {}: each vantage point counts "
                                      "once; pass each host's database once",
                                      in.name, it->second.string()));
        }
        inputs.push_back(std::move(in));
    }
    // The expensive part last, once every input is known to belong here:
    // verify each input's evidence and re-derive its minutes from it. The
    // databases are independent, so one thread each (a store is used by one
    // thread at a time: each thread has its own).
    storage::FigureOptions fo;
    fo.now = now;
    fo.exclude_unsigned_tail = true;
    fo.recorded_probes_only = true;
    std::vector<std::future<std::unique_ptr<storage::VerifiedFigures>>> figures;
    for (auto& in : inputs) {
        figures.push_back(std::async(std::launch::async, [store = in.store.get(), fo] {
            return store->verified_figures(fo);
        }));
    }
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        auto& in = inputs[i];
        try {
            in.figures = figures[i].get();
        } catch (const storage::UnverifiedEvidence& e) {
            const auto& r = e.report;
            refuse(in.db,
                   fmt::format("the evidence of vantage point '{}' does not verify ({} problem{}; "
                               "run `slawatch verify` on it): {}",
                               in.name, r.problems.size(), r.problems.size() == 1 ? "" : "s",
                               r.problems.front().message));
        } catch (const storage::StoreError& e) {
            refuse(in.db, std::string("cannot verify its evidence: ") + e.what());
        }
    }
    for (const auto& in : inputs) {
        const auto& unlisted = in.evidence().unlisted_probes;
        if (unlisted.empty()) continue;
        refuse(in.db,
               fmt::format("vantage point '{}' has results of probe{} {} that the [[probe]] list "
                           "of {} does not name: add {} with {} role (service or control; the "
                           "target is not used here), so that its minutes are classified as on "
                           "its host",
                           in.name, unlisted.size() == 1 ? "" : "s", fmt::join(unlisted, ", "),
                           config.file.string(), unlisted.size() == 1 ? "it" : "each",
                           unlisted.size() == 1 ? "its" : "their"));
    }
    check_distinct_logs(inputs);
    for (const auto& in : inputs) check_signature(config, in, options.allow_unsigned);
    return inputs;
}

std::string vantage_evidence_fields(const VantageInput& in) {
    const auto& ev = in.evidence();
    return fmt::format(
        "\"signed\": {}, \"key_fingerprint\": {}, \"signed_leaves\": {}, \"unsigned_tail\": {}",
        ev.is_signed() ? "true" : "false",
        ev.is_signed() ? json_quote(ev.key_fingerprint()) : "null", ev.signed_leaves,
        ev.unsigned_tail);
}

std::string vantage_evidence_text(const VantageInput& in) {
    const auto& ev = in.evidence();
    if (!ev.is_signed())
        return fmt::format("UNSIGNED ({} results, counted by --allow-unsigned)", ev.unsigned_tail);
    auto out = fmt::format("signed by key {}", ev.key_fingerprint().substr(0, 16));
    if (ev.unsigned_tail > 0)
        out += fmt::format(", {} later results not signed yet: left out", ev.unsigned_tail);
    return out;
}

void add_quorum_options(CLI::App& cmd, std::vector<std::string>& dbs, QuorumInputOptions& options) {
    cmd.add_option("--db", dbs,
                   "Evidence database of one vantage point, a shipped copy (repeat: at least 2); "
                   "refused (exit 2) unless a regular file with exactly slawatch's schema")
        ->required();
    cmd.add_option("--quorum", options.k,
                   "K: a minute is down when at least K vantage points saw it down (1..number "
                   "of databases)")
        ->required();
    cmd.add_flag("--allow-unsigned", options.allow_unsigned,
                 "Count a database with no signed checkpoint (marked unsigned in the output); "
                 "without it such a database is refused");
}

}  // namespace slawatch::cli
