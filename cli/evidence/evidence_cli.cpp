// SPDX-License-Identifier: Apache-2.0
#include "cli/evidence/evidence_cli.hpp"

#include "cli/common/exit_codes.hpp"
#include "cli/common/store_cli.hpp"

#include <fmt/format.h>

#include <cctype>
#include <limits>

namespace slawatch::cli {

std::optional<storage::evidence::Signer> load_signer(const config::Config& config) {
    const auto path = storage::evidence::signing_key_path(config.evidence.signing_key_file);
    if (!path) return std::nullopt;
    try {
        return storage::evidence::Signer::from_pem_file(*path);
    } catch (const storage::evidence::KeyError& e) {
        throw CommandError(exit_usage, fmt::format("{}: {}", config.file.string(), e.what()));
    }
}

storage::Checkpoint record_checkpoint(storage::ResultStore& store,
                                      const std::optional<storage::evidence::Signer>& signer) {
    return store.evidence().checkpoint(now_ms(), signer ? &*signer : nullptr);
}

std::optional<std::string> pinned_fingerprint(const config::Config& config,
                                              const std::string& name) {
    const auto it = config.vantage.peer_keys.find(name);
    if (it == config.vantage.peer_keys.end()) return std::nullopt;
    const auto& key = it->second;
    if (key.size() == 64) {
        std::string fpr = key;
        for (auto& c : fpr) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return fpr;
    }
    const auto raw = storage::evidence::public_key_from_pem(key);
    if (!raw) {
        throw CommandError(exit_usage,
                           fmt::format("{}: [vantage.peers] {}: not an Ed25519 public key",
                                       config.file.string(), name));
    }
    return storage::evidence::fingerprint(*raw);
}

namespace {

std::vector<storage::Checkpoint> all_checkpoints(const storage::EvidenceLog& log) {
    return log.checkpoints(std::numeric_limits<sla::EpochMillis>::min(),
                           std::numeric_limits<sla::EpochMillis>::max());
}

}  // namespace

std::optional<storage::Checkpoint> newest_checkpoint(const storage::EvidenceLog& log) {
    std::optional<std::uint64_t> largest;
    for (const auto& c : all_checkpoints(log))
        if (!largest || c.tree_size > *largest) largest = c.tree_size;
    if (!largest) return std::nullopt;
    return log.checkpoint_at(*largest);
}

storage::Checkpoint checkpoint_of_size(const storage::EvidenceLog& log, std::uint64_t size,
                                       const std::string& command) {
    if (auto c = log.checkpoint_at(size)) return *c;
    std::optional<std::uint64_t> below, above;
    for (const auto& c : all_checkpoints(log)) {
        if (c.tree_size < size && (!below || c.tree_size > *below)) below = c.tree_size;
        if (c.tree_size > size && (!above || c.tree_size < *above)) above = c.tree_size;
    }
    std::string nearby;
    if (below) nearby = fmt::format("{} (below)", *below);
    if (above) nearby += fmt::format("{}{} (above)", nearby.empty() ? "" : " and ", *above);
    throw CommandError(
        exit_failure,
        fmt::format("{}: no checkpoint of tree size {} was recorded; {}", command, size,
                    nearby.empty() ? std::string("no checkpoint was recorded yet")
                                   : "the nearest recorded sizes are " + nearby));
}

}  // namespace slawatch::cli
