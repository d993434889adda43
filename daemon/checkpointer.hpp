// SPDX-License-Identifier: Apache-2.0
#pragma once
// When the daemon records an evidence checkpoint: at every
// evidence.checkpoint_interval_minutes boundary and at each day's end in the
// contract time zone, signed when a key is configured.

#include "config/config.hpp"
#include "storage/evidence/log.hpp"
#include "storage/result_store.hpp"

#include <optional>

namespace slawatch::daemon {

// Pure: does finalizing minutes [from, to) cross a checkpoint boundary (a
// multiple of `interval` minutes, or a local midnight of `zone`)?
bool checkpoint_due(sla::EpochMinute from, sla::EpochMinute to, int interval,
                    const sla::TimeZone& zone);

class Checkpointer {
public:
    // Loads the signing key (evidence.signing_key_file or the systemd
    // credential); throws storage::evidence::KeyError when it cannot.
    explicit Checkpointer(const config::Config& config);

    // Minutes [from, to) were just finalized: a checkpoint when one is due.
    std::optional<storage::Checkpoint> on_finalized(storage::ResultStore& store,
                                                    sla::EpochMinute from, sla::EpochMinute to,
                                                    sla::EpochMillis now);

    const storage::evidence::Signer* signer() const { return signer_ ? &*signer_ : nullptr; }

private:
    int interval_;
    sla::TimeZone zone_;
    std::optional<storage::evidence::Signer> signer_;
};

}  // namespace slawatch::daemon
