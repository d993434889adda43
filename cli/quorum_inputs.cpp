// SPDX-License-Identifier: Apache-2.0
// Opening, checking and verifying the vantage points' databases (quorum_inputs.hpp).

#include "cli/quorum_inputs.hpp"

#include "cli/exit_codes.hpp"
#include "cli/store_cli.hpp"
#include "storage/evidence_log.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <future>
#include <map>

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

}  // namespace

std::vector<VantageInput> open_vantages(const config::Config& config,
                                        const std::vector<std::string>& dbs, int k) {
    const auto n = static_cast<int>(dbs.size());
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
    // The expensive check last, once every input is known to belong here;
    // the databases are independent, so one thread each (a store is used by
    // one thread at a time: each thread has its own).
    std::vector<std::future<storage::VerifyReport>> reports;
    for (auto& in : inputs) {
        reports.push_back(std::async(
            std::launch::async, [store = in.store.get()] { return store->evidence().verify(); }));
    }
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        auto& in = inputs[i];
        storage::VerifyReport report;
        try {
            report = reports[i].get();
        } catch (const storage::StoreError& e) {
            refuse(in.db, std::string("cannot verify its evidence: ") + e.what());
        }
        if (!report.intact()) {
            refuse(
                in.db,
                fmt::format("the evidence of vantage point '{}' does not verify ({} problem{}; "
                            "run `slawatch verify` on it): {}",
                            in.name, report.problems.size(), report.problems.size() == 1 ? "" : "s",
                            report.problems.front().message));
        }
        in.verified_leaves = report.tree_size;
    }
    return inputs;
}

void add_quorum_options(CLI::App& cmd, std::vector<std::string>& dbs, int& k) {
    cmd.add_option("--db", dbs,
                   "Evidence database of one vantage point, a shipped copy (repeat: at least 2); "
                   "refused (exit 2) unless a regular file with exactly slawatch's schema")
        ->required();
    cmd.add_option("--quorum", k,
                   "K: a minute is down when at least K vantage points saw it down (1..number "
                   "of databases)")
        ->required();
}

}  // namespace slawatch::cli
