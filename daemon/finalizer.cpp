// SPDX-License-Identifier: Apache-2.0
#include "daemon/finalizer.hpp"

namespace slawatch::daemon {

sla::EpochMillis latest_finalize_time(sla::EpochMinute m, const FinalizePolicy& policy) {
    return (m + 1) * 60'000 + policy.max_timeout.count() + policy.slack.count();
}

sla::EpochMinute finalizable_until(sla::EpochMinute finalized_until, sla::EpochMillis now,
                                   const FinalizePolicy& policy,
                                   const std::function<int(sla::EpochMinute)>& pending_through) {
    const sla::EpochMinute current = sla::minute_of_ms(now);
    sla::EpochMinute m = finalized_until;
    // Minutes are finalized in order: a later one never overtakes an earlier one.
    while (m < current) {
        const bool all_done = pending_through(m) == 0;
        const bool deadline_passed = now >= latest_finalize_time(m, policy);
        if (!all_done && !deadline_passed) break;
        ++m;
    }
    return m;
}

}  // namespace slawatch::daemon
