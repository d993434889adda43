// SPDX-License-Identifier: Apache-2.0
// The quorum rule across vantage points: a pure function of their states.

#include "sla/quorum.hpp"

namespace slawatch::sla {

QuorumVotes count_votes(std::span<const MinuteState> states) {
    QuorumVotes v;
    for (const auto s : states) {
        switch (s) {
            case MinuteState::up:
                ++v.up;
                break;
            case MinuteState::down:
                ++v.down;
                break;
            case MinuteState::maintenance:
                ++v.maintenance;
                break;
            case MinuteState::customer:
                ++v.customer;
                break;
            case MinuteState::unknown:
            case MinuteState::local_network:
                ++v.dark;
                break;
        }
    }
    return v;
}

MinuteState quorum_state(const QuorumVotes& v, int k, bool announced_maintenance) {
    if (v.down >= k) return announced_maintenance ? MinuteState::maintenance : MinuteState::down;
    if (v.up + v.maintenance + v.customer >= k) {
        if (v.up >= k) return MinuteState::up;
        return v.maintenance >= v.customer ? MinuteState::maintenance : MinuteState::customer;
    }
    return MinuteState::unknown;
}

MinuteState quorum_state(std::span<const MinuteState> states, int k,
                         const std::vector<MaintenanceWindow>& windows, EpochMinute minute) {
    const auto votes = count_votes(states);
    // The windows are only looked at for a minute the quorum saw down.
    return quorum_state(votes, k, votes.down >= k && any_excuses(windows, minute));
}

bool vantages_disagree(std::span<const MinuteState> states) {
    const MinuteState* first = nullptr;
    for (const auto& s : states) {
        if (is_dark(s)) continue;
        if (!first) {
            first = &s;
        } else if (s != *first) {
            return true;
        }
    }
    return false;
}

}  // namespace slawatch::sla
