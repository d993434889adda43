// SPDX-License-Identifier: Apache-2.0
#pragma once
// Alert events: what happened, in words and figures, under a stable id so that
// the same happening is never sent twice (the outbox dedupes by id).

#include "sla/time.hpp"

#include <boost/json/object.hpp>

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace slawatch::alerts {

enum class EventType {
    incident_opened,    // the first down service minute of a run
    incident_resolved,  // the first up service minute after it
    budget,             // error budget consumed past a threshold
    tier,               // the month enters (or is projected to enter) a compensation tier
    claim_window,       // a Service Month ended below the standard; and deadline reminders
    monitor_health,  // slawatch itself cannot see well (unknown minutes, misconfig, local network)
    test,            // `slawatch alerts test`
    evidence_checkpoint,         // a signed evidence checkpoint, carried off the host
    evidence_rewritten,          // a witnessed peer's evidence history was rewritten
    evidence_timestamp_failing,  // a TSA has not stamped a checkpoint for over an hour; resolved
};

inline constexpr std::array<EventType, 10> all_event_types{EventType::incident_opened,
                                                           EventType::incident_resolved,
                                                           EventType::budget,
                                                           EventType::tier,
                                                           EventType::claim_window,
                                                           EventType::monitor_health,
                                                           EventType::test,
                                                           EventType::evidence_checkpoint,
                                                           EventType::evidence_rewritten,
                                                           EventType::evidence_timestamp_failing};

std::string_view to_string(EventType t);
std::optional<EventType> parse_event_type(std::string_view text);

struct Event {
    std::string id;  // deterministic from type + subject: "budget:2026-06:75"
    EventType type = EventType::test;
    sla::EpochMillis time_ms = 0;  // when it was detected
    // The JSON sent to hooks: id, type, time, contract, vantage, summary, then figures.
    boost::json::object body;

    std::string json() const;
};

// An event with the common fields set; the caller adds the figures to `body`.
// `vantage` is the host's vantage point: several hosts alert on the same
// contract, and a receiver must tell which one saw what.
Event make_event(EventType type, std::string id, sla::EpochMillis time_ms,
                 const sla::TimeZone& zone, std::string_view contract, std::string_view vantage,
                 std::string summary);

}  // namespace slawatch::alerts
