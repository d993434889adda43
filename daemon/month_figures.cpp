// SPDX-License-Identifier: Apache-2.0
// The Service Month's figures and the open claim windows, read from the
// store on the storage thread and published for /metrics and the status line.

#include "daemon/month_figures.hpp"

#include <spdlog/spdlog.h>

namespace slawatch::daemon {

std::optional<sla::MonthReport> MonthFigures::refresh(const storage::ReportSource& store,
                                                      const sla::ContractTerms& terms) {
    const auto now = sla::now_ms();
    const auto month =
        sla::service_month_of(terms.months(), terms.zone.local_date(sla::minute_of_ms(now)));
    refresh_claim_months(store, terms, now);
    if (!month) {
        std::lock_guard lock(shared_.mutex);
        shared_.metrics.clear_month();
        return std::nullopt;
    }
    try {
        auto report = store.month_report(*month, now);
        std::lock_guard lock(shared_.mutex);
        shared_.metrics.set_month(terms, report);
        return report;
    } catch (const std::exception& e) {
        std::lock_guard lock(shared_.mutex);
        shared_.store_ok = false;
        spdlog::error("storage: cannot compute the month's figures: {}", e.what());
        return std::nullopt;
    }
}

// Ended months whose claim window is still open, for /metrics (also after
// the term). Their figures barely change: read hourly, not every minute.
void MonthFigures::refresh_claim_months(const storage::ReportSource& store,
                                        const sla::ContractTerms& terms, sla::EpochMillis now) {
    const auto hour = sla::minute_of_ms(now) / 60;
    if (claims_hour_ == hour) return;
    const auto today = terms.zone.local_date(sla::minute_of_ms(now));
    try {
        std::vector<sla::MonthReport> open;
        for (const auto& m : terms.months())
            if (m.last < today &&
                sla::claim_window(m.last, terms.calendar, terms.claim_after_business_days,
                                  terms.claim_within_days)
                        .deadline >= today)
                open.push_back(store.month_report(m, now));
        std::lock_guard lock(shared_.mutex);
        shared_.metrics.set_claim_months(terms, open);
        claims_hour_ = hour;
    } catch (const std::exception& e) {
        spdlog::error("storage: cannot compute the claim windows' figures: {}", e.what());
    }
}

}  // namespace slawatch::daemon
