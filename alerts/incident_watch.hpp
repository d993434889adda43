// SPDX-License-Identifier: Apache-2.0
#pragma once
// Incidents: the first down service minute opens one, the first up one ends it.
// Internal to slawatch_alerts.

#include "alerts/detect_support.hpp"

#include <string>
#include <vector>

namespace slawatch::alerts::detail {

class IncidentWatch {
public:
    IncidentWatch(Emitter& emitter, const FailureIndex& failures)
        : emitter_(emitter), failures_(failures) {}

    // The service's state in minute m; `down_probes` are the service probes down in it.
    void on_service_minute(sla::EpochMinute m, sla::MinuteState s,
                           const std::vector<std::string>& down_probes);

private:
    void open(sla::EpochMinute m, const std::vector<std::string>& down_probes);
    void resolve(sla::EpochMinute m);

    Emitter& emitter_;
    const FailureIndex& failures_;
};

}  // namespace slawatch::alerts::detail
