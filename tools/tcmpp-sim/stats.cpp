// SPDX-License-Identifier: Apache-2.0
// Stats counters and their JSON form.

#include "tools/tcmpp-sim/stats.hpp"

#include <boost/json.hpp>

namespace tcmpp_sim {
namespace {

constexpr std::array<std::string_view, action_count> action_names = {
    "DescribeMNPReleasedVersionHistory",
    "DescribeMNPAllStageVersions",
    "DescribeMNPOfflinePackageURL",
    "DescribeMNPList",
    "download",
    "other",
};

}  // namespace

std::string_view to_string(Action a) {
    return action_names[static_cast<std::size_t>(a)];
}

Action action_from_name(std::string_view name) {
    // "download" and "other" are not API action names.
    for (std::size_t i = 0; i < static_cast<std::size_t>(Action::download); ++i)
        if (action_names[i] == name) return static_cast<Action>(i);
    return Action::other;
}

Stats::Stats() : started_(Clock::now()) {}

void Stats::error(Action a, std::string_view code) {
    per_action_[index(a)].errors.fetch_add(1, std::memory_order_relaxed);
    const std::lock_guard lock(errors_mutex_);
    const auto it = errors_.find(code);
    if (it != errors_.end()) {
        ++it->second;
    } else if (errors_.size() < 1000) {  // codes come from plans; bound the map anyway
        errors_.emplace(std::string(code), 1);
    }
}

std::string Stats::to_json(std::uint64_t plan_generation) const {
    namespace json = boost::json;
    auto load = [](const std::atomic<std::uint64_t>& v) {
        return v.load(std::memory_order_relaxed);
    };
    json::object o;
    o["uptime_s"] =
        std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - started_).count();
    o["connections"] = load(connections_);
    o["tls_handshakes"] = load(tls_handshakes_);
    o["tls_handshake_errors"] = load(tls_handshake_errors_);
    o["requests"] = load(requests_);
    o["plan_generation"] = plan_generation;
    json::object actions;
    for (std::size_t i = 0; i < action_count; ++i) {
        actions[action_names[i]] = json::object{{"requests", load(per_action_[i].requests)},
                                                {"ok", load(per_action_[i].ok)},
                                                {"errors", load(per_action_[i].errors)}};
    }
    o["actions"] = std::move(actions);
    json::object errors;
    {
        const std::lock_guard lock(errors_mutex_);
        for (const auto& [code, n] : errors_) errors[code] = n;
    }
    o["errors"] = std::move(errors);
    json::object faults;
    for (std::size_t i = 0; i < fault_kind_count; ++i)
        faults[to_string(static_cast<FaultKind>(i))] = load(faults_[i]);
    o["faults"] = std::move(faults);
    return json::serialize(o);
}

}  // namespace tcmpp_sim
