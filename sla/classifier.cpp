// SPDX-License-Identifier: Apache-2.0
// R2-R5: the state of a probe's minute and of the service's minute.
#include "sla/classifier.hpp"

#include <algorithm>
#include <array>

namespace slawatch::sla {

namespace {

// R3: too few samples is no evidence either way. A minute with no samples is
// unknown even if min_samples is (mis)configured as 0.
bool too_few(const MinuteTally& tally, int min_samples) {
    return tally.samples <= 0 || tally.samples < min_samples;
}

// R5: the excluded or unknown state to report when the minute is neither
// counted down nor up, in the documented order of precedence.
MinuteState first_present(std::span<const MinuteState> states) {
    constexpr std::array order{MinuteState::maintenance, MinuteState::local_network,
                               MinuteState::customer, MinuteState::unknown};
    for (const MinuteState s : order) {
        if (std::find(states.begin(), states.end(), s) != states.end()) return s;
    }
    return MinuteState::unknown;
}

}  // namespace

MinuteState classify_control(const MinuteTally& tally, int min_samples) {
    if (too_few(tally, min_samples)) return MinuteState::unknown;  // R3
    // R2: one success makes the minute up; only a full minute of failures is down.
    // R4: and only network-level failures: an answer of any kind proves the network.
    return tally.network_failures < tally.samples ? MinuteState::up : MinuteState::down;
}

bool local_network_down(std::span<const MinuteState> control_states) {
    // R4: no control probe means no evidence that the fault is ours.
    return !control_states.empty() &&
           std::all_of(control_states.begin(), control_states.end(),
                       [](MinuteState s) { return s == MinuteState::down; });
}

MinuteState classify_service(const MinuteTally& tally, int min_samples, bool in_maintenance,
                             bool local_network_is_down) {
    if (too_few(tally, min_samples)) return MinuteState::unknown;  // R3
    if (tally.failures < tally.samples) return MinuteState::up;    // R2
    // R4: exclusions, in the contract's order.
    if (in_maintenance) return MinuteState::maintenance;
    if (local_network_is_down) return MinuteState::local_network;
    // R4 (4.2): our egress proxy failing is the monitor's network, not the provider's.
    if (tally.local_failures > 0 &&
        tally.local_failures + tally.customer_failures >= tally.failures)
        return MinuteState::local_network;
    if (tally.customer_failures >= tally.failures) return MinuteState::customer;
    return MinuteState::down;
}

MinuteState service_state(std::span<const MinuteState> probe_states, Policy policy) {
    if (probe_states.empty()) return MinuteState::unknown;
    const auto is = [](MinuteState want) { return [want](MinuteState s) { return s == want; }; };
    const auto b = probe_states.begin();
    const auto e = probe_states.end();
    if (policy == Policy::any) {
        // R5: unavailable when any monitored function is down.
        if (std::any_of(b, e, is(MinuteState::down))) return MinuteState::down;
        if (std::all_of(b, e, is(MinuteState::up))) return MinuteState::up;
    } else {
        // R5 (alternative): unavailable only when every function is down.
        if (std::all_of(b, e, is(MinuteState::down))) return MinuteState::down;
        if (std::any_of(b, e, is(MinuteState::up))) return MinuteState::up;
    }
    return first_present(probe_states);
}

}  // namespace slawatch::sla
