// SPDX-License-Identifier: Apache-2.0
#pragma once
// slawatch's events as Alertmanager v2 alerts (docs/alerts.md, "Alertmanager").
// Labels identify the happening, not the message: every event about one
// incident (opened, re-sent, resolved, after any number of restarts) carries
// the same labels, so Alertmanager keeps it as ONE alert.

#include "config/config.hpp"
#include "sla/time.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace slawatch::alerts {

struct AmAlert {
    std::string key;            // the labels, serialized: equal keys = the same alert
    boost::json::object alert;  // {labels, annotations, startsAt, endsAt}
    bool open = false;          // still firing: re-sent until an event closes it
};

// The alert for an event's JSON body, or nullopt for events that are not
// alerts (evidence_checkpoint). An open alert's endsAt is `now` plus three
// resend intervals, so that Alertmanager resolves it by itself only when
// slawatch has stopped re-sending.
std::optional<AmAlert> alertmanager_alert(const boost::json::object& event,
                                          const config::Alert& hook, sla::EpochMillis now);

// Sets an open alert's endsAt for a re-send at `now`.
void refresh_ends_at(AmAlert& a, const config::Alert& hook, sla::EpochMillis now);

}  // namespace slawatch::alerts
