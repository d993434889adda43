// SPDX-License-Identifier: Apache-2.0
#pragma once
// The Service Month's figures and the open claim windows, read from the
// store on the storage thread and published in SharedState for /metrics.

#include "daemon/shared_state.hpp"
#include "sla/contract.hpp"
#include "sla/month_report.hpp"
#include "storage/report_source.hpp"

#include <optional>

namespace slawatch::daemon {

class MonthFigures {
public:
    explicit MonthFigures(SharedState& shared) : shared_(shared) {}

    // Reads and publishes the figures; the current month's report when it was read.
    std::optional<sla::MonthReport> refresh(const storage::ReportSource& store,
                                            const sla::ContractTerms& terms);
    // The terms may have changed (a reload): the claim windows are read again.
    void terms_changed() { claims_hour_.reset(); }

private:
    void refresh_claim_months(const storage::ReportSource& store, const sla::ContractTerms& terms,
                              sla::EpochMillis now);

    SharedState& shared_;
    std::optional<sla::EpochMinute> claims_hour_;  // when claim months were last read (hours)
};

}  // namespace slawatch::daemon
