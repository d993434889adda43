// SPDX-License-Identifier: Apache-2.0
#pragma once
// monitor_health conditions read from one minute's rows: a misconfigured
// probe, or the monitoring host's own network down. Internal to slawatch_alerts.

#include "alerts/detect_support.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slawatch::alerts::detail {

class HealthWatch : public MinuteWatch {
public:
    using MinuteWatch::MinuteWatch;

    // A probe failing only with auth_error / client_error: slawatch's own
    // credentials or request are wrong, not TCMPP (R4 `customer`).
    void check_misconfigured(sla::EpochMinute m, const storage::MinuteRow& row);
    // R4: every control probe down = the monitoring host's own network is down.
    void check_local_network(sla::EpochMinute m, const std::vector<sla::MinuteState>& control);

private:
    // Condition `key` begins in minute m: its firing event (condition and status
    // set), or nullopt when it is open already.
    std::optional<Event> open(const std::string& key, std::string_view condition,
                              sla::EpochMinute m, std::string summary);
    void resolve(const std::string& key, sla::EpochMinute m, std::string_view what);
};

}  // namespace slawatch::alerts::detail
