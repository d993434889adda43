// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: tcmpp-sim's fault-plan parser. A plan parses or throws
// PlanError; anything else (another exception, a crash) is a bug.
#include "tools/tcmpp-sim/fault_plan.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto loaded_at = tcmpp_sim::Clock::time_point(std::chrono::seconds(1'780'000'000));
    try {
        auto plan = tcmpp_sim::parse_fault_plan(text, "<fuzz>", loaded_at);
        // Exercise what the sim does with a plan on every request.
        for (const auto& f : plan.faults) {
            (void)f.active_at(loaded_at + std::chrono::seconds(90));
            (void)f.matches_action("DescribeMNPList");
        }
    } catch (const tcmpp_sim::PlanError&) {
    }
    (void)tcmpp_sim::parse_duration(text);
    return 0;
}
