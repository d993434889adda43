// SPDX-License-Identifier: Apache-2.0
#pragma once
// The evidence log as the commands use it: the signing key of a config, and
// the checkpoint replay records after an import.

#include "config/config.hpp"
#include "storage/evidence/log.hpp"
#include "storage/result_store.hpp"

#include <optional>

namespace slawatch::cli {

// The configured signing key (evidence.signing_key_file, or the systemd
// credential), none when neither is set; CommandError(2) when unreadable.
std::optional<storage::evidence::Signer> load_signer(const config::Config& config);

// Records a checkpoint of the whole evidence log now (after `replay`).
storage::Checkpoint record_checkpoint(storage::ResultStore& store,
                                      const std::optional<storage::evidence::Signer>& signer);

}  // namespace slawatch::cli
