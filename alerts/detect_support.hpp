// SPDX-License-Identifier: Apache-2.0
#pragma once
// What every part of the alert detector shares: the one place events are made
// and recorded as emitted, the failed runs indexed by minute, and the figures a
// month-level event carries. Internal to slawatch_alerts.

#include "alerts/detector.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace slawatch::alerts::detail {

// Makes events and keeps the new ones: an id already in the state is never emitted again.
class Emitter {
public:
    Emitter(const DetectorOptions& options, DetectorState& state, sla::EpochMillis now)
        : opt_(options), state_(state), now_(now) {}

    const DetectorOptions& options() const { return opt_; }
    DetectorState& state() { return state_; }
    sla::EpochMillis now() const { return now_; }

    Event event(EventType type, std::string id, std::string summary) const;
    // False when the event's id was emitted before (then it is dropped).
    bool emit(Event e);
    // A minute as the contract's zone writes it, for messages and bodies.
    std::string when(sla::EpochMinute m) const { return opt_.zone.format_minute(m); }

    std::vector<Event> take() { return std::move(out_); }

private:
    const DetectorOptions& opt_;
    DetectorState& state_;
    sla::EpochMillis now_;
    std::vector<Event> out_;
};

// Failed runs per minute, probe and outcome: what an incident or a health event names.
class FailureIndex {
public:
    explicit FailureIndex(const std::vector<storage::ProbeResult>& results);

    // Failed runs in minute m by outcome, over `probes` (all when empty).
    std::map<std::string, std::int64_t> outcomes(sla::EpochMinute m,
                                                 const std::vector<std::string>& probes) const;

private:
    std::map<sla::EpochMinute, std::map<std::string, std::map<std::string, std::int64_t>>>
        failures_;
};

// A watch over the minutes: it makes its events through the emitter and names
// the failed runs from the index.
class MinuteWatch {
public:
    MinuteWatch(Emitter& emitter, const FailureIndex& failures)
        : emitter_(emitter), failures_(failures) {}

protected:
    Emitter& emitter_;
    const FailureIndex& failures_;
};

// Ids end in ":resolved" when they close what an earlier id opened.
inline constexpr std::string_view resolved_suffix = ":resolved";

// "2025-03": how events name a Service Month.
std::string month_name(const sla::MonthReport& r);
boost::json::object count_object(const std::map<std::string, std::int64_t>& counts);
// The figures every month-level event carries.
boost::json::object month_figures(const sla::MonthReport& r);

}  // namespace slawatch::alerts::detail
