// SPDX-License-Identifier: Apache-2.0
#pragma once
// What every connection of the sim shares: the API, the fault plan, the counters.

#include "tools/tcmpp-sim/api.hpp"
#include "tools/tcmpp-sim/fault_plan.hpp"
#include "tools/tcmpp-sim/package.hpp"
#include "tools/tcmpp-sim/stats.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace tcmpp_sim {

struct SimState {
    SimState(ApiConfig api_config, std::uint64_t seed, std::chrono::seconds idle, bool log_requests)
        : api(std::move(api_config), signer),
          dice(seed),
          idle_timeout(idle),
          verbose(log_requests),
          plan_(std::make_shared<const FaultPlan>()) {}

    UrlSigner signer;  // before `api`, which keeps a reference to it
    Api api;
    Stats stats;
    Dice dice;
    std::chrono::seconds idle_timeout;
    bool verbose;
    // "http://127.0.0.1:PORT" / "https://...": where package URLs point, per listener.
    std::string http_base;
    std::string https_base;

    // The plan is replaced as a whole (SIGHUP, PUT), so readers take a snapshot.
    std::shared_ptr<const FaultPlan> plan() const { return plan_.load(); }
    std::uint64_t generation() const { return generation_.load(std::memory_order_relaxed); }
    void set_plan(FaultPlan p) {
        plan_.store(std::make_shared<const FaultPlan>(std::move(p)));
        generation_.fetch_add(1, std::memory_order_relaxed);
    }

private:
    std::atomic<std::shared_ptr<const FaultPlan>> plan_;
    std::atomic<std::uint64_t> generation_{0};
};

}  // namespace tcmpp_sim
