// SPDX-License-Identifier: Apache-2.0
#pragma once
// The evidence log as the commands use it: the signing key of a config, and
// the checkpoint replay records after an import.

#include "config/config.hpp"
#include "storage/evidence/log.hpp"
#include "storage/result_store.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace slawatch::cli {

// The configured signing key (evidence.signing_key_file, or the systemd
// credential), none when neither is set; CommandError(2) when unreadable.
std::optional<storage::evidence::Signer> load_signer(const config::Config& config);

// Records a checkpoint of the whole evidence log now (after `replay`).
storage::Checkpoint record_checkpoint(storage::ResultStore& store,
                                      const std::optional<storage::evidence::Signer>& signer);

// The key `config` pins vantage point `name` to ([vantage.peers]), as a
// fingerprint; none when it is not pinned; CommandError(2) when the pin is
// not an Ed25519 public key.
std::optional<std::string> pinned_fingerprint(const config::Config& config,
                                              const std::string& name);

// The newest checkpoint of the largest tree (signed preferred), if any.
std::optional<storage::Checkpoint> newest_checkpoint(const storage::EvidenceLog& log);

// The checkpoint of exactly `size` leaves, or CommandError(1) saying which
// recorded sizes are nearest (`command` starts the message).
storage::Checkpoint checkpoint_of_size(const storage::EvidenceLog& log, std::uint64_t size,
                                       const std::string& command);

}  // namespace slawatch::cli
