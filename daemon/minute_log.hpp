// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the storage pipeline tells people about finalized minutes: one log
// line per state change of a probe or of the service, the minute gauges in
// SharedState, and the systemd status line. Storage thread only.

#include "daemon/shared_state.hpp"
#include "sla/contract.hpp"
#include "sla/month_report.hpp"
#include "storage/store.hpp"

#include <map>
#include <optional>
#include <string>

namespace slawatch::daemon {

class MinuteLog {
public:
    explicit MinuteLog(SharedState& shared) : shared_(shared) {}

    // A minute was finalized: its gauges, and a line when its state changed.
    void on_minute(const storage::MinuteRow& row, const sla::ContractTerms& terms);
    // The current Service Month's figures, for the status line.
    void set_month(const sla::MonthReport& month) { month_ = month; }
    // The systemd status line.
    void update_status() const;

private:
    SharedState& shared_;
    std::optional<sla::MonthReport> month_;
    std::optional<sla::MinuteState> last_service_state_;
    std::map<std::string, sla::MinuteState> last_state_;
};

}  // namespace slawatch::daemon
