// SPDX-License-Identifier: Apache-2.0
#include "cli/evidence/evidence_cli.hpp"

#include "cli/common/exit_codes.hpp"
#include "cli/common/store_cli.hpp"

#include <fmt/format.h>

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

}  // namespace slawatch::cli
