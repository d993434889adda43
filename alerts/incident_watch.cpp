// SPDX-License-Identifier: Apache-2.0
// incident_opened and incident_resolved events from the service's minutes.

#include "alerts/incident_watch.hpp"

#include <boost/json/array.hpp>

#include <fmt/format.h>

namespace slawatch::alerts::detail {
namespace json = boost::json;

namespace {

// The tallies of the incident in the state start afresh with each incident.
void clear_incident(DetectorState& state) {
    state.incident_down_minutes = 0;
    state.incident_probe_down.clear();
    state.incident_outcomes.clear();
}

}  // namespace

void IncidentWatch::on_service_minute(sla::EpochMinute m, sla::MinuteState s,
                                      const std::vector<std::string>& down_probes) {
    DetectorState& state = emitter_.state();
    if (s == sla::MinuteState::down) {
        if (!state.incident_start) open(m, down_probes);
        ++state.incident_down_minutes;
        for (const auto& p : down_probes) ++state.incident_probe_down[p];
        for (const auto& [o, n] : failures_.outcomes(m, down_probes))
            state.incident_outcomes[o] += n;
    } else if (s == sla::MinuteState::up && state.incident_start) {
        resolve(m);
    }
}

void IncidentWatch::open(sla::EpochMinute m, const std::vector<std::string>& down_probes) {
    DetectorState& state = emitter_.state();
    state.incident_start = m;
    clear_incident(state);
    std::string names;
    for (const auto& p : down_probes) names += (names.empty() ? "" : ", ") + p;
    auto e = emitter_.event(EventType::incident_opened, fmt::format("incident_opened:{}", m),
                            fmt::format("TCMPP unavailable since {}: {} down (every probe run in "
                                        "the minute failed); this minute counts against the SLA",
                                        emitter_.when(m), names.empty() ? "service" : names));
    e.body["first_minute"] = emitter_.when(m);
    json::array probes;
    for (const auto& p : down_probes) probes.emplace_back(p);
    e.body["probes"] = std::move(probes);
    e.body["outcomes"] = count_object(failures_.outcomes(m, down_probes));
    emitter_.emit(std::move(e));
}

void IncidentWatch::resolve(sla::EpochMinute m) {
    DetectorState& state = emitter_.state();
    const auto start = *state.incident_start;
    const auto duration = m - start;
    auto e = emitter_.event(
        EventType::incident_resolved, fmt::format("incident_resolved:{}", start),
        fmt::format("TCMPP available again at {} after an incident of {} minute{} "
                    "since {} ({} unavailable minute{})",
                    emitter_.when(m), duration, duration == 1 ? "" : "s", emitter_.when(start),
                    state.incident_down_minutes, state.incident_down_minutes == 1 ? "" : "s"));
    e.body["first_minute"] = emitter_.when(start);
    e.body["resolved_minute"] = emitter_.when(m);
    e.body["duration_minutes"] = duration;
    e.body["down_minutes"] = state.incident_down_minutes;
    e.body["probes"] = count_object(state.incident_probe_down);
    e.body["outcomes"] = count_object(state.incident_outcomes);
    emitter_.emit(std::move(e));
    state.incident_start.reset();
    clear_incident(state);
}

}  // namespace slawatch::alerts::detail
