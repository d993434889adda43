// SPDX-License-Identifier: Apache-2.0
#pragma once
// When a minute may be finalized: every run planned in it has completed or
// timed out. Pure logic; the daemon applies it to the Store.

#include "sla/time.hpp"

#include <chrono>
#include <functional>

namespace slawatch::daemon {

struct FinalizePolicy {
    std::chrono::milliseconds max_timeout{8000};  // the longest probe timeout
    std::chrono::milliseconds slack{2000};        // completion delivery, writer flush
};

// The end (exclusive) of the minutes that may be finalized at `now`, given
// that [.., finalized_until) already are. Minute m qualifies once m has ended
// and either no run planned in m or earlier is pending, or m ended more than
// max_timeout + slack ago (every run has hit its deadline by then).
// `pending_through(m)` counts the runs planned in m or earlier not yet completed.
sla::EpochMinute finalizable_until(sla::EpochMinute finalized_until, sla::EpochMillis now,
                                   const FinalizePolicy& policy,
                                   const std::function<int(sla::EpochMinute)>& pending_through);

// The wall-clock time (ms) at which minute m is finalized at the latest.
sla::EpochMillis latest_finalize_time(sla::EpochMinute m, const FinalizePolicy& policy);

}  // namespace slawatch::daemon
