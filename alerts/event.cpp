// SPDX-License-Identifier: Apache-2.0
// Alert events: names of the types and the common body fields.

#include "alerts/event.hpp"

#include <boost/json/serialize.hpp>

namespace slawatch::alerts {

std::string_view to_string(EventType t) {
    switch (t) {
        case EventType::incident_opened:
            return "incident_opened";
        case EventType::incident_resolved:
            return "incident_resolved";
        case EventType::budget:
            return "budget";
        case EventType::tier:
            return "tier";
        case EventType::claim_window:
            return "claim_window";
        case EventType::monitor_health:
            return "monitor_health";
        case EventType::test:
            return "test";
        case EventType::evidence_checkpoint:
            return "evidence_checkpoint";
        case EventType::evidence_rewritten:
            return "evidence_rewritten";
        case EventType::evidence_timestamp_failing:
            return "evidence_timestamp_failing";
    }
    return "?";
}

std::optional<EventType> parse_event_type(std::string_view text) {
    for (auto t : all_event_types)
        if (to_string(t) == text) return t;
    return std::nullopt;
}

std::string Event::json() const {
    return boost::json::serialize(body);
}

Event make_event(EventType type, std::string id, sla::EpochMillis time_ms,
                 const sla::TimeZone& zone, std::string_view contract, std::string_view vantage,
                 std::string summary) {
    Event e;
    e.id = std::move(id);
    e.type = type;
    e.time_ms = time_ms;
    e.body["id"] = e.id;
    e.body["type"] = to_string(type);
    e.body["time"] = zone.format_millis(time_ms);
    e.body["contract"] = contract;
    e.body["vantage"] = vantage;
    e.body["summary"] = std::move(summary);
    return e;
}

}  // namespace slawatch::alerts
