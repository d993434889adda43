// SPDX-License-Identifier: Apache-2.0
#include "daemon/metrics.hpp"

#include <fmt/format.h>

namespace slawatch::daemon {

void Histogram::observe(double seconds) {
    ++count;
    sum += seconds;
    for (std::size_t i = 0; i < phase_buckets.size(); ++i) {
        if (seconds <= phase_buckets[i]) {
            ++buckets[i];
            return;
        }
    }
    // Above the last bucket: only +Inf (== count) holds it.
}

std::string escape_label(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

void Metrics::record_result(const std::string& probe, const sla::Sample& s) {
    auto& p = probes_[probe];
    ++p.outcomes[static_cast<std::size_t>(s.outcome)];
    // Phase timings are cumulative from the start; a phase's duration is the
    // step from the previous phase that was reached.
    const std::array<std::int32_t, 4> ends{s.phases.dns_us, s.phases.connect_us, s.phases.tls_us,
                                           s.phases.first_byte_us};
    std::int32_t previous = 0;
    for (std::size_t i = 0; i < ends.size(); ++i) {
        if (ends[i] < 0) continue;
        p.phases[i].observe(static_cast<double>(std::max(0, ends[i] - previous)) / 1e6);
        previous = ends[i];
    }
    if (s.phases.total_us >= 0) p.phases[4].observe(static_cast<double>(s.phases.total_us) / 1e6);
}

void Metrics::record_minute(const std::string& probe, sla::MinuteState state) {
    ++minutes_[probe][static_cast<std::size_t>(state)];
}

std::string Metrics::render(const std::string& version) const {
    std::string out;
    auto it = std::back_inserter(out);

    fmt::format_to(it, "# HELP slawatch_build_info slawatch version.\n"
                       "# TYPE slawatch_build_info gauge\n"
                       "slawatch_build_info{{version=\"{}\"}} 1\n",
                   escape_label(version));

    out += "# HELP slawatch_probe_results_total Probe runs by outcome.\n"
           "# TYPE slawatch_probe_results_total counter\n";
    for (const auto& [name, p] : probes_)
        for (int o = 0; o < sla::outcome_count; ++o)
            fmt::format_to(it, "slawatch_probe_results_total{{probe=\"{}\",outcome=\"{}\"}} {}\n",
                           escape_label(name), sla::to_string(static_cast<sla::Outcome>(o)),
                           p.outcomes[static_cast<std::size_t>(o)]);

    out += "# HELP slawatch_probe_phase_seconds Duration of each probe phase.\n"
           "# TYPE slawatch_probe_phase_seconds histogram\n";
    for (const auto& [name, p] : probes_) {
        const auto label = escape_label(name);
        for (std::size_t ph = 0; ph < phase_names.size(); ++ph) {
            const auto& h = p.phases[ph];
            std::uint64_t cumulative = 0;
            for (std::size_t b = 0; b < phase_buckets.size(); ++b) {
                cumulative += h.buckets[b];
                fmt::format_to(it,
                               "slawatch_probe_phase_seconds_bucket{{probe=\"{}\",phase=\"{}\","
                               "le=\"{}\"}} {}\n",
                               label, phase_names[ph], phase_buckets[b], cumulative);
            }
            fmt::format_to(it,
                           "slawatch_probe_phase_seconds_bucket{{probe=\"{0}\",phase=\"{1}\","
                           "le=\"+Inf\"}} {2}\n"
                           "slawatch_probe_phase_seconds_sum{{probe=\"{0}\",phase=\"{1}\"}} {3}\n"
                           "slawatch_probe_phase_seconds_count{{probe=\"{0}\",phase=\"{1}\"}} {2}\n",
                           label, phase_names[ph], h.count, h.sum);
        }
    }

    out += "# HELP slawatch_minutes_total Finalized minutes by state since the daemon started.\n"
           "# TYPE slawatch_minutes_total counter\n";
    for (const auto& [name, counts] : minutes_)
        for (int st = 0; st < sla::minute_state_count; ++st)
            fmt::format_to(it, "slawatch_minutes_total{{probe=\"{}\",state=\"{}\"}} {}\n",
                           escape_label(name), sla::to_string(static_cast<sla::MinuteState>(st)),
                           counts[static_cast<std::size_t>(st)]);

    if (month_) {
        fmt::format_to(it,
                       "# HELP slawatch_service_month_availability_percent Availability of the "
                       "current Service Month so far (R8).\n"
                       "# TYPE slawatch_service_month_availability_percent gauge\n"
                       "slawatch_service_month_availability_percent {}\n"
                       "# HELP slawatch_error_budget_minutes Unavailable minutes the current "
                       "Service Month may have and still meet the standard.\n"
                       "# TYPE slawatch_error_budget_minutes gauge\n"
                       "slawatch_error_budget_minutes {}\n"
                       "# HELP slawatch_error_budget_remaining_minutes Error budget left.\n"
                       "# TYPE slawatch_error_budget_remaining_minutes gauge\n"
                       "slawatch_error_budget_remaining_minutes {}\n",
                       month_->availability_percent, month_->budget_minutes, month_->budget_left);
    }
    if (finalized_until_) {
        fmt::format_to(it,
                       "# HELP slawatch_last_finalized_minute_timestamp_seconds Start of the last "
                       "finalized minute.\n"
                       "# TYPE slawatch_last_finalized_minute_timestamp_seconds gauge\n"
                       "slawatch_last_finalized_minute_timestamp_seconds {}\n",
                       (*finalized_until_ - 1) * 60);
    }
    fmt::format_to(it,
                   "# HELP slawatch_result_buffer_dropped_total Probe results dropped because "
                   "the store failed and the buffer was full.\n"
                   "# TYPE slawatch_result_buffer_dropped_total counter\n"
                   "slawatch_result_buffer_dropped_total {}\n"
                   "# HELP slawatch_store_errors_total Failed writes to the store.\n"
                   "# TYPE slawatch_store_errors_total counter\n"
                   "slawatch_store_errors_total {}\n",
                   dropped_, store_errors_);
    return out;
}

}  // namespace slawatch::daemon
