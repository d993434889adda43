// SPDX-License-Identifier: Apache-2.0
// monitor_health events that open and resolve with the minutes (alerts/health_watch.hpp).

#include "alerts/health_watch.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace slawatch::alerts::detail {

void HealthWatch::check_misconfigured(sla::EpochMinute m, const storage::MinuteRow& row) {
    const std::string key = "misconfigured:" + row.probe;
    if (row.state == sla::MinuteState::customer) {
        auto e = open(key, "misconfigured", m,
                      fmt::format("slawatch is misconfigured: probe {} is rejected by the "
                                  "provider since {} (credentials, permissions or request "
                                  "parameters); these minutes are not evidence",
                                  row.probe, emitter_.when(m)));
        if (!e) return;
        e->body["probe"] = row.probe;
        e->body["first_minute"] = emitter_.when(m);
        e->body["outcomes"] = count_object(failures_.outcomes(m, {row.probe}));
        emitter_.emit(std::move(*e));
    } else if (row.state == sla::MinuteState::up) {
        resolve(key, m, fmt::format("probe {} is accepted again", row.probe));
    }
}

void HealthWatch::check_local_network(sla::EpochMinute m,
                                      const std::vector<sla::MinuteState>& control) {
    if (control.empty()) return;
    const bool all_down = std::all_of(control.begin(), control.end(),
                                      [](auto s) { return s == sla::MinuteState::down; });
    const std::string key = "local_network";
    if (all_down) {
        auto e = open(key, key, m,
                      fmt::format("the local network is down since {}: every control probe "
                                  "failed; failing minutes are excluded, not evidence",
                                  emitter_.when(m)));
        if (!e) return;
        e->body["first_minute"] = emitter_.when(m);
        emitter_.emit(std::move(*e));
    } else if (std::any_of(control.begin(), control.end(),
                           [](auto s) { return s == sla::MinuteState::up; })) {
        resolve(key, m, "a control probe answers again");
    }
}

std::optional<Event> HealthWatch::open(const std::string& key, std::string_view condition,
                                       sla::EpochMinute m, std::string summary) {
    auto& conditions = emitter_.state().health_open;
    if (conditions.contains(key)) return std::nullopt;
    conditions[key] = m;
    auto e = emitter_.event(EventType::monitor_health, fmt::format("monitor_health:{}:{}", key, m),
                            std::move(summary));
    e.body["condition"] = condition;
    e.body["status"] = "firing";
    return e;
}

// The open condition `key` ends in minute m; its resolved event names how long it lasted.
void HealthWatch::resolve(const std::string& key, sla::EpochMinute m, std::string_view what) {
    auto& conditions = emitter_.state().health_open;
    auto it = conditions.find(key);
    if (it == conditions.end()) return;
    const auto start = it->second;
    conditions.erase(it);
    const auto colon = key.find(':');
    auto e = emitter_.event(
        EventType::monitor_health,
        fmt::format("monitor_health:{}:{}{}", key, start, resolved_suffix),
        fmt::format("resolved at {}: {} (since {})", emitter_.when(m), what, emitter_.when(start)));
    e.body["condition"] = key.substr(0, colon);
    e.body["status"] = "resolved";
    if (colon != std::string::npos) e.body["probe"] = key.substr(colon + 1);
    e.body["first_minute"] = emitter_.when(start);
    e.body["resolved_minute"] = emitter_.when(m);
    e.body["duration_minutes"] = m - start;
    emitter_.emit(std::move(e));
}

}  // namespace slawatch::alerts::detail
