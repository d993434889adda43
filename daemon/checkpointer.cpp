// SPDX-License-Identifier: Apache-2.0
#include "daemon/checkpointer.hpp"

namespace slawatch::daemon {

bool checkpoint_due(sla::EpochMinute from, sla::EpochMinute to, int interval,
                    const sla::TimeZone& zone) {
    if (to <= from) return false;
    if (to - from > 1440) return true;  // a long catch-up crosses a day's end
    for (auto b = from + 1; b <= to; ++b) {
        if (interval > 0 && b % interval == 0) return true;
        if (zone.start_of_day(zone.local_date(b)) == b) return true;
    }
    return false;
}

Checkpointer::Checkpointer(const config::Config& config)
    : interval_(config.evidence.checkpoint_interval_minutes), zone_(config.contract.terms.zone) {
    if (auto path = storage::evidence::signing_key_path(config.evidence.signing_key_file))
        signer_.emplace(storage::evidence::Signer::from_pem_file(*path));
}

std::optional<storage::Checkpoint> Checkpointer::on_finalized(storage::ResultStore& store,
                                                              sla::EpochMinute from,
                                                              sla::EpochMinute to,
                                                              sla::EpochMillis now) {
    if (!checkpoint_due(from, to, interval_, zone_)) return std::nullopt;
    return store.evidence().checkpoint(now, signer());
}

}  // namespace slawatch::daemon
