// SPDX-License-Identifier: Apache-2.0
// What the daemon tells people: one log line per state change of a probe or
// of the service, the systemd status line, and /metrics and /healthz, which
// are answered on the probe loop from a snapshot, never waiting on the store.

#include "daemon/daemon_impl.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace slawatch::daemon {

// Storage thread: one log line per state change of a probe or of the service.
void Daemon::on_minute(const storage::MinuteRow& row) {
    std::string last;
    std::string month;
    if (row.probe == "service") {
        // The minute's own Service Month: the quorum rules sum a month by it.
        const auto& terms = storage_config_.contract.terms;
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
    const auto when = storage_config_.contract.terms.zone.format_minute(row.minute);
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

// Storage thread: the systemd status line.
void Daemon::update_status() {
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

// Probe loop: the metrics listener's answers.
HttpReply Daemon::serve(const std::string& target) {
    if (target == "/metrics") {
        const auto writer = writer_.counts();
        std::string body;
        {
            std::lock_guard lock(shared_.mutex);
            shared_.metrics.set_writer(writer.dropped, writer.errors);
            body = shared_.metrics.render(options_.version) + shared_.alert_metrics;
        }
        body += storage_metrics();
        return {200, "text/plain; version=0.0.4; charset=utf-8", std::move(body)};
    }
    if (target == "/healthz") {
        // Answering at all proves the probe loop runs; the store must work too.
        {
            std::lock_guard lock(shared_.mutex);
            if (!shared_.store_lost.empty())
                return {503, "text/plain; charset=utf-8",
                        "database lost: " + shared_.store_lost + "\n"};
        }
        if (storage_.busy_for() >= storage_stall_after)
            return {503, "text/plain; charset=utf-8", "storage blocked\n"};
        bool store_ok = false;
        {
            std::lock_guard lock(shared_.mutex);
            store_ok = shared_.store_ok;
        }
        if (writer_.healthy() && store_ok) return {200, "text/plain; charset=utf-8", "ok\n"};
        return {503, "text/plain; charset=utf-8", "storage failing\n"};
    }
    return {404, "text/plain; charset=utf-8", "not found\n"};
}

// The writer's buffer and the storage thread, for alerting on storage trouble.
std::string Daemon::storage_metrics() const {
    const auto w = writer_.counts();
    const auto busy = storage_.busy_for();
    std::string constant;
    {
        std::lock_guard lock(shared_.mutex);
        constant = shared_.metrics.constant_labels();
    }
    std::string out;
    Exposition e(out, constant);
    e.family("slawatch_result_buffer_results", "gauge",
             "Probe results waiting to be written to the store.");
    e.sample("slawatch_result_buffer_results", "", static_cast<double>(w.buffered));
    e.family("slawatch_result_buffer_capacity", "gauge",
             "Probe results the buffer holds before it drops the oldest.");
    e.sample("slawatch_result_buffer_capacity", "", static_cast<double>(w.capacity));
    e.family("slawatch_result_buffer_peak_results", "gauge",
             "The most probe results ever buffered.");
    e.sample("slawatch_result_buffer_peak_results", "", static_cast<double>(w.peak));
    e.family("slawatch_results_written_total", "counter", "Probe results written to the store.");
    e.sample("slawatch_results_written_total", "", static_cast<double>(w.written));
    e.family("slawatch_storage_busy_seconds", "gauge",
             "How long the storage job running now has run (0 when idle).");
    e.sample("slawatch_storage_busy_seconds", "", static_cast<double>(busy.count()) / 1000.0);
    return out;
}

}  // namespace slawatch::daemon
