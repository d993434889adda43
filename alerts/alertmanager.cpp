// SPDX-License-Identifier: Apache-2.0
// The mapping of slawatch's events to Alertmanager alerts (see alertmanager.hpp).

#include "alerts/alertmanager.hpp"

#include <boost/json/serialize.hpp>

#include <map>

namespace slawatch::alerts {
namespace json = boost::json;

namespace {

std::string text(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (!v || v->is_null()) return {};
    if (v->is_string()) return std::string(v->get_string());
    return json::serialize(*v);
}

// "+08:00" from an RFC 3339 time written by sla::TimeZone (always +HH:MM).
std::string offset_of(const std::string& time) {
    return time.size() >= 6 ? time.substr(time.size() - 6) : std::string("+00:00");
}

// The last second of a local date "YYYY-MM-DD", in the event's offset.
std::string end_of_day(const std::string& date, const std::string& event_time) {
    return date + "T23:59:59" + offset_of(event_time);
}

std::string utc(sla::EpochMillis ms) {
    return sla::TimeZone().format_millis(ms);
}

// What an event says as an Alertmanager alert, before it is written out.
struct Mapping {
    std::map<std::string, std::string> labels;
    std::string starts;  // empty: now
    std::string ends;    // empty: now (for a closed alert)
    bool open = false;   // open: endsAt moves on with every resend
    std::string severity = "warning";
};

// Incidents and monitor health: open until their resolution event.
void map_open_ended(const json::object& e, const std::string& type, Mapping& m) {
    auto& labels = m.labels;
    if (type == "incident_opened" || type == "incident_resolved") {
        labels["alertname"] = "SlawatchIncident";
        labels["incident_start"] = text(e, "first_minute");
        m.severity = "critical";
        m.starts = text(e, "first_minute");
        m.open = type == "incident_opened";
        if (!m.open) m.ends = text(e, "resolved_minute");
        return;
    }
    labels["alertname"] = "SlawatchMonitorHealth";
    labels["condition"] = text(e, "condition");
    if (e.contains("probe")) labels["probe"] = text(e, "probe");
    if (labels["condition"] == "unknown_minutes") {
        // A count in a month: it stays true until the month ends.
        labels["month"] = text(e, "month");
        labels["threshold_minutes"] = text(e, "threshold_minutes");
        m.ends = end_of_day(text(e, "last_day"), text(e, "time"));
    } else {
        labels["since"] = text(e, "first_minute");
        m.starts = text(e, "first_minute");
        m.open = text(e, "status") != "resolved";
        if (!m.open) m.ends = text(e, "resolved_minute");
    }
}

// Budget, tier, claim window and test: true until a known day (or a few minutes).
// False for a type that is no alert.
bool map_dated(const json::object& e, const std::string& type, sla::EpochMillis now, Mapping& m) {
    auto& labels = m.labels;
    const std::string time = text(e, "time");
    if (type == "budget") {
        labels["alertname"] = "SlawatchErrorBudget";
        labels["month"] = text(e, "month");
        labels["threshold_percent"] = text(e, "threshold_percent");
        const json::value* t = e.if_contains("threshold_percent");
        if (t && t->is_int64() && t->get_int64() >= 100) m.severity = "critical";  // budget spent
        m.ends = end_of_day(text(e, "last_day"), time);
    } else if (type == "tier") {
        labels["alertname"] = "SlawatchCompensationTier";
        labels["month"] = text(e, "month");
        labels["tier_percent"] = text(e, "tier_percent");
        labels["projected"] = text(e, "projected");
        m.ends = end_of_day(text(e, "last_day"), time);
    } else if (type == "claim_window") {
        // The claim and its reminders are one alert whose annotations change.
        labels["alertname"] = "SlawatchClaimWindow";
        labels["month"] = text(e, "month");
        m.ends = end_of_day(text(e, "deadline"), time);
    } else if (type == "test") {
        labels["alertname"] = "SlawatchTest";
        labels["event_id"] = text(e, "id");
        m.ends = utc(now + 5 * 60'000);
    } else if (type == "evidence_rewritten") {
        // A witnessed peer's history was rewritten: someone must look, today.
        labels["alertname"] = "SlawatchEvidenceRewritten";
        labels["peer"] = text(e, "peer");
        m.severity = "critical";
        m.ends = utc(now + 24 * 3'600'000);
    } else {
        return false;  // evidence_checkpoint and anything newer: not an alert
    }
    return true;
}

// The alert's JSON: labels (its identity), annotations and its time span.
AmAlert assemble(const json::object& e, const config::Alert& hook, sla::EpochMillis now,
                 Mapping m) {
    m.labels["severity"] = m.severity;
    for (const auto& [name, value] : hook.labels) m.labels.emplace(name, value);
    AmAlert a;
    json::object l;
    for (const auto& [name, value] : m.labels) {
        l[name] = value;
        a.key += name + "=" + value + "\n";
    }
    json::object annotations;
    annotations["summary"] = text(e, "summary");
    annotations["event_id"] = text(e, "id");
    annotations["event_type"] = text(e, "type");
    annotations["detected_at"] = text(e, "time");
    for (std::string_view key : {"probes", "outcomes", "availability_text", "budget_left", "amount",
                                 "currency", "deadline", "days_left"})
        if (e.contains(key)) annotations[key] = text(e, key);
    a.alert["labels"] = std::move(l);
    a.alert["annotations"] = std::move(annotations);
    a.alert["startsAt"] = m.starts.empty() ? utc(now) : m.starts;
    a.open = m.open;
    if (m.open)
        refresh_ends_at(a, hook, now);
    else
        a.alert["endsAt"] = m.ends.empty() ? utc(now) : m.ends;
    return a;
}

}  // namespace

void refresh_ends_at(AmAlert& a, const config::Alert& hook, sla::EpochMillis now) {
    a.alert["endsAt"] = utc(now + 3 * hook.resend_interval.count());
}

std::optional<AmAlert> alertmanager_alert(const json::object& e, const config::Alert& hook,
                                          sla::EpochMillis now) {
    const std::string type = text(e, "type");
    Mapping m;
    // slawatch's own labels first: a hook's `labels` never replaces them.
    m.labels["contract"] = text(e, "contract");
    // Several hosts alert on one contract: the vantage point keeps their alerts
    // apart (events stored before the field existed have none).
    if (e.contains("vantage")) m.labels["vantage"] = text(e, "vantage");
    m.starts = text(e, "time");
    if (type == "incident_opened" || type == "incident_resolved" || type == "monitor_health")
        map_open_ended(e, type, m);
    else if (!map_dated(e, type, now, m))
        return std::nullopt;
    return assemble(e, hook, now, std::move(m));
}

}  // namespace slawatch::alerts
