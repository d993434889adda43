// SPDX-License-Identifier: Apache-2.0
#pragma once
// Incidents: the first down service minute opens one, the first up one ends it.
// Internal to slawatch_alerts.

#include "alerts/detect_support.hpp"

#include <string>
#include <vector>

namespace slawatch::alerts::detail {

class IncidentWatch : public MinuteWatch {
public:
    using MinuteWatch::MinuteWatch;

    // The service's state in minute m; `down_probes` are the service probes down in it.
    void on_service_minute(sla::EpochMinute m, sla::MinuteState s,
                           const std::vector<std::string>& down_probes);

private:
    void open(sla::EpochMinute m, const std::vector<std::string>& down_probes);
    void resolve(sla::EpochMinute m);
};

}  // namespace slawatch::alerts::detail
