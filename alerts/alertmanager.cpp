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

}  // namespace

void refresh_ends_at(AmAlert& a, const config::Alert& hook, sla::EpochMillis now) {
    a.alert["endsAt"] = utc(now + 3 * hook.resend_interval.count());
}

std::optional<AmAlert> alertmanager_alert(const json::object& e, const config::Alert& hook,
                                          sla::EpochMillis now) {
    const std::string type = text(e, "type");
    const std::string time = text(e, "time");
    // slawatch's own labels first: a hook's `labels` never replaces them.
    std::map<std::string, std::string> labels{{"contract", text(e, "contract")}};
    // Several hosts alert on one contract: the vantage point keeps their alerts
    // apart (events stored before the field existed have none).
    if (e.contains("vantage")) labels["vantage"] = text(e, "vantage");
    std::string starts = time;
    std::string ends;
    bool open = false;
    std::string severity = "warning";

    if (type == "incident_opened" || type == "incident_resolved") {
        labels["alertname"] = "SlawatchIncident";
        labels["incident_start"] = text(e, "first_minute");
        severity = "critical";
        starts = text(e, "first_minute");
        open = type == "incident_opened";
        if (!open) ends = text(e, "resolved_minute");
    } else if (type == "monitor_health") {
        labels["alertname"] = "SlawatchMonitorHealth";
        labels["condition"] = text(e, "condition");
        if (e.contains("probe")) labels["probe"] = text(e, "probe");
        if (labels["condition"] == "unknown_minutes") {
            // A count in a month: it stays true until the month ends.
            labels["month"] = text(e, "month");
            labels["threshold_minutes"] = text(e, "threshold_minutes");
            ends = end_of_day(text(e, "last_day"), time);
        } else {
            labels["since"] = text(e, "first_minute");
            starts = text(e, "first_minute");
            open = text(e, "status") != "resolved";
            if (!open) ends = text(e, "resolved_minute");
        }
    } else if (type == "budget") {
        labels["alertname"] = "SlawatchErrorBudget";
        labels["month"] = text(e, "month");
        labels["threshold_percent"] = text(e, "threshold_percent");
        const json::value* t = e.if_contains("threshold_percent");
        if (t && t->is_int64() && t->get_int64() >= 100) severity = "critical";  // budget spent
        ends = end_of_day(text(e, "last_day"), time);
    } else if (type == "tier") {
        labels["alertname"] = "SlawatchCompensationTier";
        labels["month"] = text(e, "month");
        labels["tier_percent"] = text(e, "tier_percent");
        labels["projected"] = text(e, "projected");
        ends = end_of_day(text(e, "last_day"), time);
    } else if (type == "claim_window") {
        // The claim and its reminders are one alert whose annotations change.
        labels["alertname"] = "SlawatchClaimWindow";
        labels["month"] = text(e, "month");
        ends = end_of_day(text(e, "deadline"), time);
    } else if (type == "test") {
        labels["alertname"] = "SlawatchTest";
        labels["event_id"] = text(e, "id");
        ends = utc(now + 5 * 60'000);
    } else {
        return std::nullopt;  // evidence_checkpoint and anything newer: not an alert
    }
    labels["severity"] = severity;
    for (const auto& [name, value] : hook.labels) labels.emplace(name, value);

    AmAlert a;
    json::object l;
    for (const auto& [name, value] : labels) {
        l[name] = value;
        a.key += name + "=" + value + "\n";
    }
    json::object annotations;
    annotations["summary"] = text(e, "summary");
    annotations["event_id"] = text(e, "id");
    annotations["event_type"] = type;
    annotations["detected_at"] = time;
    for (std::string_view key : {"probes", "outcomes", "availability_text", "budget_left", "amount",
                                 "currency", "deadline", "days_left"})
        if (e.contains(key)) annotations[key] = text(e, key);
    a.alert["labels"] = std::move(l);
    a.alert["annotations"] = std::move(annotations);
    a.alert["startsAt"] = starts.empty() ? utc(now) : starts;
    a.open = open;
    if (open)
        refresh_ends_at(a, hook, now);
    else
        a.alert["endsAt"] = ends.empty() ? utc(now) : ends;
    return a;
}

}  // namespace slawatch::alerts
