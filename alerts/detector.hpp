// SPDX-License-Identifier: Apache-2.0
#pragma once
// Which alert events the newly finalized minutes call for. Pure: no I/O, no
// clock. The figures come from sla::MonthReport (Store::month_report), the
// same the report shows; availability is never recomputed here.

#include "alerts/event.hpp"
#include "sla/month_report.hpp"
#include "storage/store.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace slawatch::alerts {

struct DetectorOptions {
    std::string contract;  // its name, carried in every event
    std::string vantage;   // this host's vantage point, carried in every event
    sla::TimeZone zone;    // the contract's: months, days and times in messages
    std::vector<int> budget_thresholds{50, 75, 100};   // percent of the error budget
    std::vector<int> reminder_days{7, 1};              // days before a claim deadline
    std::vector<std::int64_t> unknown_thresholds{60};  // unknown minutes in a month
    // A projection over the first hours of a month is noise: project only once
    // this share of the month has elapsed.
    int projection_min_elapsed_percent = 10;
};

// What the detector remembers between runs. After a restart it is rebuilt
// from the ids of the events already stored (from_emitted) and a replay of
// the minutes of an open incident.
struct DetectorState {
    std::set<std::string> emitted;  // ids already emitted: never emitted again
    std::optional<sla::EpochMinute> incident_start;
    std::int64_t incident_down_minutes = 0;
    std::map<std::string, std::int64_t> incident_probe_down;  // probe -> its down minutes
    std::map<std::string, std::int64_t> incident_outcomes;    // outcome -> failed runs
    // Open monitor_health conditions ("misconfigured:<probe>", "local_network")
    // -> the minute they began.
    std::map<std::string, sla::EpochMinute> health_open;

    static DetectorState from_emitted(const std::vector<std::string>& ids);
};

struct DetectorInput {
    // Finalized minute rows, service and probes, ordered by minute.
    std::vector<storage::MinuteRow> minutes;
    // The raw results of the same minutes (their outcomes name what failed).
    std::vector<storage::ProbeResult> results;
    std::vector<std::string> control_probes;  // names of the role = "control" probes
    // The Service Month of the last finalized minute, if inside the term.
    std::optional<sla::MonthReport> month;
    // Minutes of `month` before monitoring first began (the first stored row):
    // unknown, but no sign of a monitor in trouble.
    std::int64_t month_minutes_before_monitoring = 0;
    // Ended Service Months whose claim deadline has not passed.
    std::vector<sla::MonthReport> ended_months;
    sla::EpochMillis now = 0;
};

// The events not emitted before, in the order they happened; records them in
// `state`.
std::vector<Event> detect(const DetectorOptions& options, DetectorState& state,
                          const DetectorInput& input);

}  // namespace slawatch::alerts
