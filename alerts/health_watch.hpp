// SPDX-License-Identifier: Apache-2.0
#pragma once
// monitor_health conditions read from one minute's rows: a misconfigured
// probe, or the monitoring host's own network down. Internal to slawatch_alerts.

#include "alerts/detect_support.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace slawatch::alerts::detail {

class HealthWatch {
public:
    HealthWatch(Emitter& emitter, const FailureIndex& failures)
        : emitter_(emitter), failures_(failures) {}

    // A probe failing only with auth_error / client_error: slawatch's own
    // credentials or request are wrong, not TCMPP (R4 `customer`).
    void check_misconfigured(sla::EpochMinute m, const storage::MinuteRow& row);
    // R4: every control probe down = the monitoring host's own network is down.
    void check_local_network(sla::EpochMinute m, const std::vector<sla::MinuteState>& control);

private:
    void resolve(const std::string& key, sla::EpochMinute m, std::string_view what);

    Emitter& emitter_;
    const FailureIndex& failures_;
};

}  // namespace slawatch::alerts::detail
