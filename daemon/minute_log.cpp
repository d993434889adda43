// SPDX-License-Identifier: Apache-2.0
// One log line per state change of a probe or of the service, and the
// systemd status line: what an operator reads without opening a report.

#include "daemon/minute_log.hpp"

#include "daemon/lifecycle.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace slawatch::daemon {

void MinuteLog::on_minute(const storage::MinuteRow& row, const sla::ContractTerms& terms) {
    std::string last;
    std::string month;
    if (row.probe == "service") {
        // The minute's own Service Month: the quorum rules sum a month by it.
        if (auto m = sla::service_month_of(terms.months(), terms.zone.local_date(row.minute)))
            month = sla::format_year_month(m->calendar_month());
    }
    {
        std::lock_guard lock(shared_.mutex);
        shared_.metrics.record_minute(row.probe, row.minute, row.state, month);
        if (row.failures > 0)
            if (auto f = shared_.last_failure.find(row.probe); f != shared_.last_failure.end())
                last = ", last failure: " + f->second;
    }
    last_service_state_ = row.probe == "service" ? row.state : last_service_state_;
    auto [it, first] = last_state_.try_emplace(row.probe, row.state);
    if (!first && it->second == row.state) return;
    it->second = row.state;
    const auto when = terms.zone.format_minute(row.minute);
    const auto state = sla::to_string(row.state);
    if (row.probe == "service") {
        if (row.state == sla::MinuteState::down)
            spdlog::warn("service: DOWN from {} (unavailable minutes count against the SLA)", when);
        else
            spdlog::info("service: {} from {}", state, when);
        return;
    }
    const auto level =
        row.state == sla::MinuteState::down ? spdlog::level::warn : spdlog::level::info;
    spdlog::log(level, "probe {}: {} from {} ({} of {} runs failed{})", row.probe, state, when,
                row.failures, row.samples, last);
}

void MinuteLog::update_status() const {
    std::string line;
    if (month_)
        line = fmt::format("month {}: {}% available, error budget {} of {} min left",
                           sla::format_year_month(month_->month.calendar_month()),
                           month_->availability_text, month_->budget_left, month_->budget_minutes);
    else
        line = "outside the contract term";
    if (last_service_state_)
        line += fmt::format("; last minute {}", sla::to_string(*last_service_state_));
    notify::status(line);
}

}  // namespace slawatch::daemon
