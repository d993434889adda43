// SPDX-License-Identifier: Apache-2.0
// The alert detector: incidents (incident_watch), the monitor's own health
// (health_watch), error budget, tiers and claim windows (month_watch), from
// finalized minutes and the month's figures; and the state rebuilt after a restart.

#include "alerts/detector.hpp"
#include "alerts/detect_support.hpp"
#include "alerts/health_watch.hpp"
#include "alerts/incident_watch.hpp"
#include "alerts/month_watch.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace slawatch::alerts {

namespace {

using detail::resolved_suffix;

std::optional<sla::EpochMinute> trailing_minute(std::string_view id) {
    const auto colon = id.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    sla::EpochMinute m = 0;
    const auto digits = id.substr(colon + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), m);
    if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
    return m;
}

// One detection run: walks the minutes in order, then the month-level figures.
class Detection {
public:
    Detection(const DetectorOptions& options, DetectorState& state, const DetectorInput& input)
        : in_(input),
          emitter_(options, state, input.now),
          failures_(input.results),
          incidents_(emitter_, failures_),
          health_(emitter_, failures_) {}

    std::vector<Event> run() {
        for (std::size_t i = 0; i < in_.minutes.size();) {
            const auto m = in_.minutes[i].minute;
            std::size_t j = i;
            while (j < in_.minutes.size() && in_.minutes[j].minute == m) ++j;
            on_minute(m, i, j);
            i = j;
        }
        if (in_.month) {
            detail::check_budget(emitter_, *in_.month);
            detail::check_tier(emitter_, *in_.month);
            detail::check_unknown(emitter_, *in_.month, in_.month_minutes_before_monitoring);
        }
        for (const auto& r : in_.ended_months) detail::check_claim(emitter_, r);
        return emitter_.take();
    }

private:
    // The rows [begin, end) of minute m: the service's row, the control probes'
    // and the service probes' each feed their own watch.
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
            health_.check_misconfigured(m, row);
        }
        health_.check_local_network(m, control);
        if (service) incidents_.on_service_minute(m, *service, down_probes);
    }

    const DetectorInput& in_;
    detail::Emitter emitter_;
    detail::FailureIndex failures_;
    detail::IncidentWatch incidents_;
    detail::HealthWatch health_;
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
