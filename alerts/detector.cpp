// SPDX-License-Identifier: Apache-2.0
// The alert detector: incidents, error budget, tiers, claim windows and the
// monitor's own health, from finalized minutes and the month's figures.

#include "alerts/detector.hpp"

#include <boost/json/array.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace slawatch::alerts {
namespace json = boost::json;

namespace {

constexpr std::string_view resolved_suffix = ":resolved";

std::optional<sla::EpochMinute> trailing_minute(std::string_view id) {
    const auto colon = id.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    sla::EpochMinute m = 0;
    const auto digits = id.substr(colon + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), m);
    if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
    return m;
}

std::string month_name(const sla::MonthReport& r) {
    return sla::format_year_month(r.month.calendar_month());
}

json::object count_object(const std::map<std::string, std::int64_t>& counts) {
    json::object o;
    for (const auto& [k, v] : counts) o[k] = v;
    return o;
}

// The figures every month-level event carries.
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

class Detection {
public:
    Detection(const DetectorOptions& options, DetectorState& state, const DetectorInput& input)
        : opt_(options), state_(state), in_(input) {}

    std::vector<Event> run() {
        index_results();
        for (std::size_t i = 0; i < in_.minutes.size();) {
            const auto m = in_.minutes[i].minute;
            std::size_t j = i;
            while (j < in_.minutes.size() && in_.minutes[j].minute == m) ++j;
            on_minute(m, i, j);
            i = j;
        }
        if (in_.month) {
            check_budget(*in_.month);
            check_tier(*in_.month);
            check_unknown(*in_.month);
        }
        for (const auto& r : in_.ended_months) check_claim(r);
        return std::move(out_);
    }

private:
    void index_results() {
        for (const auto& r : in_.results) {
            if (r.sample.outcome == sla::Outcome::ok) continue;
            auto& per = failures_[sla::minute_of_ms(r.sample.sent_ms)];
            ++per[r.probe][std::string(sla::to_string(r.sample.outcome))];
        }
    }

    // Failed runs in minute m by outcome, over `probes` (all when empty).
    std::map<std::string, std::int64_t> outcomes(sla::EpochMinute m,
                                                 const std::vector<std::string>& probes) const {
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

    bool emit(Event e) {
        if (!state_.emitted.insert(e.id).second) return false;
        out_.push_back(std::move(e));
        return true;
    }

    Event event(EventType type, std::string id, std::string summary) const {
        return make_event(type, std::move(id), in_.now, opt_.zone, opt_.contract, opt_.vantage,
                          std::move(summary));
    }

    std::string when(sla::EpochMinute m) const { return opt_.zone.format_minute(m); }

    void on_minute(sla::EpochMinute m, std::size_t begin, std::size_t end) {
        std::optional<sla::MinuteState> service;
        std::vector<std::string> down_probes;
        std::vector<sla::MinuteState> control;
        for (std::size_t k = begin; k < end; ++k) {
            const auto& row = in_.minutes[k];
            if (row.probe == "service") {
                service = row.state;
                continue;
            }
            const bool is_control = std::find(in_.control_probes.begin(), in_.control_probes.end(),
                                              row.probe) != in_.control_probes.end();
            if (is_control) {
                control.push_back(row.state);
                continue;
            }
            if (row.state == sla::MinuteState::down) down_probes.push_back(row.probe);
            check_misconfigured(m, row);
        }
        check_local_network(m, control);
        if (service) on_service_minute(m, *service, down_probes);
    }

    // Incidents: the first down service minute opens one, the first up one ends it.
    void on_service_minute(sla::EpochMinute m, sla::MinuteState s,
                           const std::vector<std::string>& down_probes) {
        if (s == sla::MinuteState::down) {
            if (!state_.incident_start) open_incident(m, down_probes);
            ++state_.incident_down_minutes;
            for (const auto& p : down_probes) ++state_.incident_probe_down[p];
            for (const auto& [o, n] : outcomes(m, down_probes)) state_.incident_outcomes[o] += n;
        } else if (s == sla::MinuteState::up && state_.incident_start) {
            resolve_incident(m);
        }
    }

    void open_incident(sla::EpochMinute m, const std::vector<std::string>& down_probes) {
        state_.incident_start = m;
        state_.incident_down_minutes = 0;
        state_.incident_probe_down.clear();
        state_.incident_outcomes.clear();
        std::string names;
        for (const auto& p : down_probes) names += (names.empty() ? "" : ", ") + p;
        auto e = event(EventType::incident_opened, fmt::format("incident_opened:{}", m),
                       fmt::format("TCMPP unavailable since {}: {} down (every probe run in the "
                                   "minute failed); this minute counts against the SLA",
                                   when(m), names.empty() ? "service" : names));
        e.body["first_minute"] = when(m);
        json::array probes;
        for (const auto& p : down_probes) probes.emplace_back(p);
        e.body["probes"] = std::move(probes);
        e.body["outcomes"] = count_object(outcomes(m, down_probes));
        emit(std::move(e));
    }

    void resolve_incident(sla::EpochMinute m) {
        const auto start = *state_.incident_start;
        const auto duration = m - start;
        auto e = event(EventType::incident_resolved, fmt::format("incident_resolved:{}", start),
                       fmt::format("TCMPP available again at {} after an incident of {} minute{} "
                                   "since {} ({} unavailable minute{})",
                                   when(m), duration, duration == 1 ? "" : "s", when(start),
                                   state_.incident_down_minutes,
                                   state_.incident_down_minutes == 1 ? "" : "s"));
        e.body["first_minute"] = when(start);
        e.body["resolved_minute"] = when(m);
        e.body["duration_minutes"] = duration;
        e.body["down_minutes"] = state_.incident_down_minutes;
        e.body["probes"] = count_object(state_.incident_probe_down);
        e.body["outcomes"] = count_object(state_.incident_outcomes);
        emit(std::move(e));
        state_.incident_start.reset();
        state_.incident_down_minutes = 0;
        state_.incident_probe_down.clear();
        state_.incident_outcomes.clear();
    }

    // A probe failing only with auth_error / client_error: slawatch's own
    // credentials or request are wrong, not TCMPP (R4 `customer`).
    void check_misconfigured(sla::EpochMinute m, const storage::MinuteRow& row) {
        const std::string key = "misconfigured:" + row.probe;
        if (row.state == sla::MinuteState::customer) {
            if (state_.health_open.contains(key)) return;
            state_.health_open[key] = m;
            auto e = event(EventType::monitor_health, fmt::format("monitor_health:{}:{}", key, m),
                           fmt::format("slawatch is misconfigured: probe {} is rejected by the "
                                       "provider since {} (credentials, permissions or request "
                                       "parameters); these minutes are not evidence",
                                       row.probe, when(m)));
            e.body["condition"] = "misconfigured";
            e.body["status"] = "firing";
            e.body["probe"] = row.probe;
            e.body["first_minute"] = when(m);
            e.body["outcomes"] = count_object(outcomes(m, {row.probe}));
            emit(std::move(e));
        } else if (row.state == sla::MinuteState::up) {
            resolve_health(key, m, fmt::format("probe {} is accepted again", row.probe));
        }
    }

    // R4: every control probe down = the monitoring host's own network is down.
    void check_local_network(sla::EpochMinute m, const std::vector<sla::MinuteState>& control) {
        if (control.empty()) return;
        const bool all_down = std::all_of(control.begin(), control.end(),
                                          [](auto s) { return s == sla::MinuteState::down; });
        const std::string key = "local_network";
        if (all_down) {
            if (state_.health_open.contains(key)) return;
            state_.health_open[key] = m;
            auto e = event(EventType::monitor_health, fmt::format("monitor_health:{}:{}", key, m),
                           fmt::format("the local network is down since {}: every control probe "
                                       "failed; failing minutes are excluded, not evidence",
                                       when(m)));
            e.body["condition"] = key;
            e.body["status"] = "firing";
            e.body["first_minute"] = when(m);
            emit(std::move(e));
        } else if (std::any_of(control.begin(), control.end(),
                               [](auto s) { return s == sla::MinuteState::up; })) {
            resolve_health(key, m, "a control probe answers again");
        }
    }

    void resolve_health(const std::string& key, sla::EpochMinute m, std::string_view what) {
        auto it = state_.health_open.find(key);
        if (it == state_.health_open.end()) return;
        const auto start = it->second;
        state_.health_open.erase(it);
        const auto colon = key.find(':');
        auto e = event(EventType::monitor_health,
                       fmt::format("monitor_health:{}:{}{}", key, start, resolved_suffix),
                       fmt::format("resolved at {}: {} (since {})", when(m), what, when(start)));
        e.body["condition"] = key.substr(0, colon);
        e.body["status"] = "resolved";
        if (colon != std::string::npos) e.body["probe"] = key.substr(colon + 1);
        e.body["first_minute"] = when(start);
        e.body["resolved_minute"] = when(m);
        e.body["duration_minutes"] = m - start;
        emit(std::move(e));
    }

    // R8: the error budget is the month's allowed unavailable minutes (MonthReport).
    void check_budget(const sla::MonthReport& r) {
        if (r.unavailable <= 0) return;
        auto thresholds = opt_.budget_thresholds;
        std::sort(thresholds.begin(), thresholds.end());
        for (int t : thresholds) {
            // unavailable / budget >= t %, in integers; a zero budget is spent by one minute.
            if (r.unavailable * 100 < static_cast<std::int64_t>(t) * r.budget_minutes) continue;
            const auto name = month_name(r);
            auto e =
                event(EventType::budget, fmt::format("budget:{}:{}", name, t),
                      fmt::format("error budget of {} is {} % used: {} unavailable of {} allowed "
                                  "minutes, {} left; availability {} % (standard {})",
                                  name, t, r.unavailable, r.budget_minutes, r.budget_left,
                                  r.availability_text, r.standard_met ? "met" : "NOT met"));
            const auto figures = month_figures(r);
            e.body.insert(figures.begin(), figures.end());
            e.body["threshold_percent"] = t;
            if (r.budget_minutes > 0)
                e.body["consumed_percent"] = static_cast<double>(r.unavailable) * 100.0 /
                                             static_cast<double>(r.budget_minutes);
            else
                e.body["consumed_percent"] = nullptr;
            emit(std::move(e));
        }
    }

    // R9: the month has fallen into a compensation tier, or heads for one.
    void check_tier(const sla::MonthReport& r) {
        const auto name = month_name(r);
        if (r.compensation_percent > 0) {
            auto e = event(EventType::tier, fmt::format("tier:{}:{}", name, r.compensation_percent),
                           fmt::format("{} is at {} % availability, below the standard: "
                                       "compensation tier {} % of the fee ({} {})",
                                       name, r.availability_text, r.compensation_percent,
                                       r.compensation.to_string(), r.currency));
            add_tier_fields(e, r, r.compensation_percent, false);
            emit(std::move(e));
        }
        const bool enough =
            r.elapsed_minutes * 100 >=
            r.total_minutes * static_cast<std::int64_t>(opt_.projection_min_elapsed_percent);
        if (!r.complete && enough && r.projected_percent > r.compensation_percent) {
            auto e = event(
                EventType::tier, fmt::format("tier:{}:projected:{}", name, r.projected_percent),
                fmt::format("{} heads for compensation tier {} %: at the rate so far "
                            "it ends with {} unavailable minutes (budget {})",
                            name, r.projected_percent, r.projected_unavailable, r.budget_minutes));
            add_tier_fields(e, r, r.projected_percent, true);
            emit(std::move(e));
        }
    }

    static void add_tier_fields(Event& e, const sla::MonthReport& r, int percent, bool projected) {
        const auto figures = month_figures(r);
        e.body.insert(figures.begin(), figures.end());
        e.body["tier_percent"] = percent;
        e.body["projected"] = projected;
        e.body["projected_unavailable_minutes"] = r.projected_unavailable;
        e.body["fee"] = r.fee.to_string();
        e.body["amount"] = (projected ? r.fee.percent_of(percent) : r.compensation).to_string();
        e.body["currency"] = r.currency;
    }

    void check_unknown(const sla::MonthReport& r) {
        const auto name = month_name(r);
        const auto unknown =
            std::max<std::int64_t>(0, r.unknown - in_.month_minutes_before_monitoring);
        for (auto threshold : opt_.unknown_thresholds) {
            if (unknown <= threshold) continue;
            auto e = event(EventType::monitor_health,
                           fmt::format("monitor_health:unknown:{}:{}", name, threshold),
                           fmt::format("{} has {} unknown minutes (threshold {}): slawatch did not "
                                       "watch them (stopped, overloaded or too few probe runs), "
                                       "so they are no evidence either way",
                                       name, unknown, threshold));
            const auto figures = month_figures(r);
            e.body.insert(figures.begin(), figures.end());
            e.body["condition"] = "unknown_minutes";
            e.body["unknown_minutes_while_monitoring"] = unknown;
            e.body["status"] = "firing";
            e.body["threshold_minutes"] = threshold;
            emit(std::move(e));
        }
    }

    // R10: an ended month below the standard may be claimed; remind before the deadline.
    void check_claim(const sla::MonthReport& r) {
        if (!r.complete || r.standard_met) return;
        const auto today = opt_.zone.local_date(sla::minute_of_ms(in_.now));
        const auto days_left = (date::sys_days(r.claim.deadline) - date::sys_days(today)).count();
        if (days_left < 0) return;
        const auto name = month_name(r);
        auto fill = [&](Event& e) {
            const auto figures = month_figures(r);
            e.body.insert(figures.begin(), figures.end());
            e.body["tier_percent"] = r.compensation_percent;
            e.body["amount"] = r.compensation.to_string();
            e.body["fee"] = r.fee.to_string();
            e.body["currency"] = r.currency;
            e.body["opens"] = sla::format_date(r.claim.opens);
            e.body["deadline"] = sla::format_date(r.claim.deadline);
            e.body["days_left"] = days_left;
        };
        auto e =
            event(EventType::claim_window, fmt::format("claim_window:{}", name),
                  fmt::format("{} ended at {} % availability, below the standard: claim {} % "
                              "of the fee ({} {}, before the 12-month cap); the claim window "
                              "opens {}, deadline {}",
                              name, r.availability_text, r.compensation_percent,
                              r.compensation.to_string(), r.currency,
                              sla::format_date(r.claim.opens), sla::format_date(r.claim.deadline)));
        fill(e);
        e.body["reminder_days"] = nullptr;
        emit(std::move(e));

        // Only the tightest reminder that applies: a late start skips stale ones.
        std::optional<int> due;
        for (int d : opt_.reminder_days)
            if (days_left <= d && (!due || d < *due)) due = d;
        if (!due) return;
        auto r2 = event(
            EventType::claim_window, fmt::format("claim_window:{}:reminder:{}", name, *due),
            fmt::format("reminder: the compensation claim for {} ({} {}) must be "
                        "filed by {}, {} day{} left",
                        name, r.compensation.to_string(), r.currency,
                        sla::format_date(r.claim.deadline), days_left, days_left == 1 ? "" : "s"));
        fill(r2);
        r2.body["reminder_days"] = *due;
        emit(std::move(r2));
    }

    const DetectorOptions& opt_;
    DetectorState& state_;
    const DetectorInput& in_;
    std::map<sla::EpochMinute, std::map<std::string, std::map<std::string, std::int64_t>>>
        failures_;
    std::vector<Event> out_;
};

}  // namespace

DetectorState DetectorState::from_emitted(const std::vector<std::string>& ids) {
    DetectorState s;
    s.emitted.insert(ids.begin(), ids.end());
    for (const auto& id : ids) {
        const std::string_view v(id);
        if (v.starts_with("incident_opened:")) {
            const auto m = trailing_minute(v);
            if (m && !s.emitted.contains(fmt::format("incident_resolved:{}", *m)) &&
                (!s.incident_start || *m > *s.incident_start))
                s.incident_start = m;
        } else if (v.starts_with("monitor_health:") && !v.ends_with(resolved_suffix)) {
            const auto m = trailing_minute(v);
            if (!m || s.emitted.contains(id + std::string(resolved_suffix))) continue;
            // "monitor_health:<key>:<minute>" -> key
            const auto key = v.substr(15, v.rfind(':') - 15);
            if (key.starts_with("misconfigured:") || key == "local_network")
                s.health_open[std::string(key)] = *m;
        }
    }
    return s;
}

std::vector<Event> detect(const DetectorOptions& options, DetectorState& state,
                          const DetectorInput& input) {
    return Detection(options, state, input).run();
}

}  // namespace slawatch::alerts
