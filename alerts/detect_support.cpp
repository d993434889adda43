// SPDX-License-Identifier: Apache-2.0
// The alert detector's shared parts (alerts/detect_support.hpp).

#include "alerts/detect_support.hpp"

#include <algorithm>

namespace slawatch::alerts::detail {
namespace json = boost::json;

Event Emitter::event(EventType type, std::string id, std::string summary) const {
    return make_event(type, std::move(id), now_, opt_.zone, opt_.contract, opt_.vantage,
                      std::move(summary));
}

bool Emitter::emit(Event e) {
    if (!state_.emitted.insert(e.id).second) return false;
    out_.push_back(std::move(e));
    return true;
}

FailureIndex::FailureIndex(const std::vector<storage::ProbeResult>& results) {
    for (const auto& r : results) {
        if (r.sample.outcome == sla::Outcome::ok) continue;
        auto& per = failures_[sla::minute_of_ms(r.sample.sent_ms)];
        ++per[r.probe][std::string(sla::to_string(r.sample.outcome))];
    }
}

std::map<std::string, std::int64_t> FailureIndex::outcomes(
    sla::EpochMinute m, const std::vector<std::string>& probes) const {
    std::map<std::string, std::int64_t> out;
    auto it = failures_.find(m);
    if (it == failures_.end()) return out;
    for (const auto& [probe, counts] : it->second) {
        if (!probes.empty() && std::find(probes.begin(), probes.end(), probe) == probes.end())
            continue;
        for (const auto& [outcome, n] : counts) out[outcome] += n;
    }
    return out;
}

std::string month_name(const sla::MonthReport& r) {
    return sla::format_year_month(r.month.calendar_month());
}

json::object count_object(const std::map<std::string, std::int64_t>& counts) {
    json::object o;
    for (const auto& [k, v] : counts) o[k] = v;
    return o;
}

json::object month_figures(const sla::MonthReport& r) {
    json::object o;
    o["month"] = month_name(r);
    o["first_day"] = sla::format_date(r.month.first);
    o["last_day"] = sla::format_date(r.month.last);
    o["total_minutes"] = r.total_minutes;
    o["elapsed_minutes"] = r.elapsed_minutes;
    o["unavailable_minutes"] = r.unavailable;
    o["unknown_minutes"] = r.unknown;
    o["availability_percent"] = r.availability_percent;
    o["availability_text"] = r.availability_text;
    o["standard_met"] = r.standard_met;
    o["budget_minutes"] = r.budget_minutes;
    o["budget_left"] = r.budget_left;
    return o;
}

}  // namespace slawatch::alerts::detail
