// SPDX-License-Identifier: Apache-2.0
#pragma once
// Counters for GET /_sim/stats: relaxed atomics on the hot path, a mutex only for error codes.

#include "tools/tcmpp-sim/fault_plan.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace tcmpp_sim {

// What a request was, for the per-action counters.
enum class Action {
    released_version_history,
    all_stage_versions,
    offline_package_url,
    mnp_list,
    download,
    other,
};
inline constexpr std::size_t action_count = 6;
std::string_view to_string(Action a);
// The action for an X-TC-Action value (Action::other when unknown).
Action action_from_name(std::string_view name);

class Stats {
public:
    Stats();

    void connection() { connections_.fetch_add(1, std::memory_order_relaxed); }
    void tls_handshake(bool ok) {
        (ok ? tls_handshakes_ : tls_handshake_errors_).fetch_add(1, std::memory_order_relaxed);
    }
    void request(Action a) {
        requests_.fetch_add(1, std::memory_order_relaxed);
        per_action_[index(a)].requests.fetch_add(1, std::memory_order_relaxed);
    }
    void ok(Action a) { per_action_[index(a)].ok.fetch_add(1, std::memory_order_relaxed); }
    void error(Action a, std::string_view code);
    void fault(FaultKind k) {
        faults_[static_cast<std::size_t>(k)].fetch_add(1, std::memory_order_relaxed);
    }

    // The JSON document of README.md "Control endpoints".
    std::string to_json(std::uint64_t plan_generation) const;

private:
    static std::size_t index(Action a) { return static_cast<std::size_t>(a); }

    struct PerAction {
        std::atomic<std::uint64_t> requests{0}, ok{0}, errors{0};
    };
    Clock::time_point started_;
    std::atomic<std::uint64_t> connections_{0}, tls_handshakes_{0}, tls_handshake_errors_{0},
        requests_{0};
    std::array<PerAction, action_count> per_action_;
    std::array<std::atomic<std::uint64_t>, fault_kind_count> faults_{};
    mutable std::mutex errors_mutex_;
    std::map<std::string, std::uint64_t, std::less<>> errors_;
};

}  // namespace tcmpp_sim
