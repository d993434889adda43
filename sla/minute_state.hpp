// SPDX-License-Identifier: Apache-2.0
#pragma once
// The state of one (probe, minute) or service minute.

#include <cstdint>
#include <optional>
#include <string_view>

namespace slawatch::sla {

// Stored as these integers in the database; never renumber.
enum class MinuteState : std::uint8_t {
    up = 0,
    down = 1,
    unknown = 2,        // R3: too few samples
    maintenance = 3,    // R4: announced maintenance
    local_network = 4,  // R4: control probes down too
    customer = 5,       // R4: only customer-attributed failures
};
inline constexpr int minute_state_count = 6;

std::string_view to_string(MinuteState s);
std::optional<MinuteState> parse_minute_state(std::string_view text);

// Only `down` counts as unavailable.
constexpr bool is_unavailable(MinuteState s) {
    return s == MinuteState::down;
}
constexpr bool is_excluded(MinuteState s) {
    return s == MinuteState::maintenance || s == MinuteState::local_network ||
           s == MinuteState::customer;
}

}  // namespace slawatch::sla
