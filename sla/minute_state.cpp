// SPDX-License-Identifier: Apache-2.0
// Minute state names, as stored in text output and accepted on input.
#include "sla/minute_state.hpp"

#include <array>

namespace slawatch::sla {

namespace {
constexpr std::array<std::string_view, minute_state_count> names{
    "up", "down", "unknown", "maintenance", "local_network", "customer"};
}

std::string_view to_string(MinuteState s) {
    const auto i = static_cast<std::size_t>(s);
    return i < names.size() ? names[i] : std::string_view{"invalid"};
}

std::optional<MinuteState> parse_minute_state(std::string_view text) {
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i] == text) return static_cast<MinuteState>(i);
    }
    return std::nullopt;
}

}  // namespace slawatch::sla
