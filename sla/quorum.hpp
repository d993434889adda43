// SPDX-License-Identifier: Apache-2.0
#pragma once
// The quorum across vantage points: one service minute's state from the
// states several independent hosts derived for it (docs/vantage.md, "The
// quorum report"). One host cannot refute "your own network failed" (SLA 4.2);
// K hosts in different networks that saw the same minute fail can.

#include "sla/maintenance.hpp"
#include "sla/minute_state.hpp"

#include <span>
#include <vector>

namespace slawatch::sla {

// How the vantage points saw one minute. A vantage point is dark when its
// state is unknown or local_network: its own network was down or it had too
// few samples, which proves nothing about the provider either way.
struct QuorumVotes {
    int up = 0;
    int down = 0;
    int maintenance = 0;
    int customer = 0;
    int dark = 0;

    int observed() const { return up + down + maintenance + customer; }
};

QuorumVotes count_votes(std::span<const MinuteState> states);

// True when the state proves nothing about the provider (unknown, local_network).
constexpr bool is_dark(MinuteState s) {
    return s == MinuteState::unknown || s == MinuteState::local_network;
}

// The combined state of one minute at quorum `k` (1 <= k):
// - down when at least k vantage points saw it down, unless an announced
//   maintenance window of the shared contract (R4) covers it: maintenance;
// - otherwise up when at least k saw it up or excluded it for the provider's
//   benefit (up + maintenance + customer >= k): up when up >= k, else the
//   exclusion most of them gave, maintenance before customer on a tie;
// - otherwise unknown (too many were dark).
// With k <= n/2 both "k saw it down" and "k saw it up" can hold; down wins:
// k independent networks saw the provider fail.
MinuteState quorum_state(const QuorumVotes& votes, int k, bool announced_maintenance);

// quorum_state over the states themselves, with the shared config's windows.
MinuteState quorum_state(std::span<const MinuteState> states, int k,
                         const std::vector<MaintenanceWindow>& windows, EpochMinute minute);

// True when the vantage points that observed the minute (not dark) gave
// different states: the minutes a reader of the quorum report should look at.
bool vantages_disagree(std::span<const MinuteState> states);

}  // namespace slawatch::sla
