// SPDX-License-Identifier: Apache-2.0
#include "daemon/metrics.hpp"

#include "sla/clock.hpp"
#include "text/escape.hpp"

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

void Exposition::family(std::string_view name, std::string_view type, std::string_view help) {
    fmt::format_to(std::back_inserter(out_), "# HELP {0} {1}\n# TYPE {0} {2}\n", name, help, type);
}

std::string Exposition::joined(std::string_view labels) const {
    if (constant_.empty()) return std::string(labels);
    if (labels.empty()) return std::string(constant_);
    return fmt::format("{},{}", constant_, labels);
}

void Exposition::gauge(std::string_view name, std::string_view help, double value) {
    family(name, "gauge", help);
    sample(name, "", value);
}

void Exposition::sample(std::string_view name, std::string_view labels, double value) {
    const auto all = joined(labels);
    if (all.empty())
        fmt::format_to(std::back_inserter(out_), "{} {}\n", name, value);
    else
        fmt::format_to(std::back_inserter(out_), "{}{{{}}} {}\n", name, all, value);
}

void Exposition::sample_at(std::string_view name, std::string_view labels, double value,
                           std::int64_t timestamp_ms) {
    const auto all = joined(labels);
    if (all.empty())
        fmt::format_to(std::back_inserter(out_), "{} {} {}\n", name, value, timestamp_ms);
    else
        fmt::format_to(std::back_inserter(out_), "{}{{{}}} {} {}\n", name, all, value,
                       timestamp_ms);
}

void Exposition::histogram(std::string_view name, std::string_view plain_labels,
                           const Histogram& h) {
    const auto labels = joined(plain_labels);
    const std::string sep = labels.empty() ? "" : ",";
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b < phase_buckets.size(); ++b) {
        cumulative += h.buckets[b];
        fmt::format_to(std::back_inserter(out_), "{}_bucket{{{}{}le=\"{}\"}} {}\n", name, labels,
                       sep, phase_buckets[b], cumulative);
    }
    fmt::format_to(std::back_inserter(out_), "{}_bucket{{{}{}le=\"+Inf\"}} {}\n", name, labels, sep,
                   h.count);
    const auto braces = labels.empty() ? std::string() : fmt::format("{{{}}}", labels);
    fmt::format_to(std::back_inserter(out_), "{0}_sum{1} {2}\n{0}_count{1} {3}\n", name, braces,
                   h.sum, h.count);
}

Metrics::Metrics() : reload_success_seconds_(static_cast<double>(sla::now_ms()) / 1000.0) {}

void Metrics::record_result(const std::string& probe, const sla::Sample& s) {
    auto& p = probes_[probe];
    ++p.outcomes[static_cast<std::size_t>(s.outcome)];
    p.last_ok = s.outcome == sla::Outcome::ok;
    if (p.last_ok) p.last_success_seconds = static_cast<double>(s.sent_ms) / 1000.0;
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
    if (s.phases.total_us >= 0) p.duration.observe(static_cast<double>(s.phases.total_us) / 1e6);
}

void Metrics::set_vantage(const std::string& name) {
    constant_labels_ = fmt::format("vantage=\"{}\"", text::prometheus_label(name));
}

void Metrics::record_minute(const std::string& probe, sla::EpochMinute minute,
                            sla::MinuteState state, const std::string& month) {
    ++minutes_[probe][static_cast<std::size_t>(state)];
    if (probe == "service" && (!service_minute_ || service_minute_->minute <= minute))
        service_minute_ = ServiceMinute{minute, state, month};
}

void Metrics::set_month(const sla::ContractTerms& terms, const sla::MonthReport& current) {
    month_ = month_gauges(terms, current);
}

void Metrics::set_claim_months(const sla::ContractTerms& terms,
                               const std::vector<sla::MonthReport>& ended) {
    claims_.clear();
    for (const auto& r : ended) claims_.push_back(month_gauges(terms, r));
}

void Metrics::set_reload(bool ok, double unix_seconds) {
    reload_ok_ = ok;
    if (ok) reload_success_seconds_ = unix_seconds;
}

std::string Metrics::render(const std::string& version) const {
    std::string out;
    Exposition e(out, constant_labels_);
    e.family("slawatch_build_info", "gauge", "slawatch version.");
    e.sample("slawatch_build_info", fmt::format("version=\"{}\"", text::prometheus_label(version)),
             1);
    render_probes(e);
    render_minutes(e);
    render_month(e);
    render_daemon(e);
    render_process_metrics(e);
    return out;
}

// Per probe: outcomes, the last run, and the phase timings.
void Metrics::render_probes(Exposition& e) const {
    e.family("slawatch_probe_results_total", "counter", "Probe runs by outcome.");
    for (const auto& [name, p] : probes_)
        for (int o = 0; o < sla::outcome_count; ++o)
            e.sample("slawatch_probe_results_total",
                     fmt::format("probe=\"{}\",outcome=\"{}\"", text::prometheus_label(name),
                                 sla::to_string(static_cast<sla::Outcome>(o))),
                     static_cast<double>(p.outcomes[static_cast<std::size_t>(o)]));

    e.family("slawatch_probe_success", "gauge", "1 if the probe's last run succeeded, else 0.");
    for (const auto& [name, p] : probes_)
        e.sample("slawatch_probe_success",
                 fmt::format("probe=\"{}\"", text::prometheus_label(name)), p.last_ok ? 1 : 0);
    e.family("slawatch_probe_last_success_timestamp_seconds", "gauge",
             "When the probe's last successful run was sent.");
    for (const auto& [name, p] : probes_)
        if (p.last_success_seconds)
            e.sample("slawatch_probe_last_success_timestamp_seconds",
                     fmt::format("probe=\"{}\"", text::prometheus_label(name)),
                     *p.last_success_seconds);

    e.family("slawatch_probe_phase_seconds", "histogram",
             "Duration of each step of a probe run (dns, connect, tls, first_byte).");
    for (const auto& [name, p] : probes_)
        for (std::size_t ph = 0; ph < phase_names.size(); ++ph)
            e.histogram("slawatch_probe_phase_seconds",
                        fmt::format("probe=\"{}\",phase=\"{}\"", text::prometheus_label(name),
                                    phase_names[ph]),
                        p.phases[ph]);
    e.family("slawatch_probe_duration_seconds", "histogram", "Duration of a whole probe run.");
    for (const auto& [name, p] : probes_)
        e.histogram("slawatch_probe_duration_seconds",
                    fmt::format("probe=\"{}\"", text::prometheus_label(name)), p.duration);
}

// Finalized minutes: time by state, and the service's last minute.
void Metrics::render_minutes(Exposition& e) const {
    // A finalized minute adds 60 s to its state: rate() of one state over the
    // sum of all states is the share of time in that state.
    e.family("slawatch_state_seconds_total", "counter",
             "Seconds of finalized minutes by probe (or \"service\") and state since the "
             "daemon started, 60 per minute.");
    for (const auto& [name, counts] : minutes_)
        for (int st = 0; st < sla::minute_state_count; ++st)
            e.sample("slawatch_state_seconds_total",
                     fmt::format("probe=\"{}\",state=\"{}\"", text::prometheus_label(name),
                                 sla::to_string(static_cast<sla::MinuteState>(st))),
                     60.0 * static_cast<double>(counts[static_cast<std::size_t>(st)]));

    // One-hot, stamped with the minute's start: every vantage point's sample
    // for minute M sits at the same instant, so PromQL evaluated at M (or
    // `offset` back to it) compares the same minute across vantage points,
    // however late each one finalized it. `month` is the minute's own Service
    // Month, so month sums never take a minute from the month before
    // (docs/vantage.md).
    if (service_minute_) {
        e.family("slawatch_service_minute_state", "gauge",
                 "1 for the service state of the last finalized minute, 0 for the other "
                 "states; the sample's timestamp is the minute's start, label month its "
                 "Service Month.");
        const auto& m = *service_minute_;
        const auto month = m.month.empty()
                               ? std::string()
                               : fmt::format("month=\"{}\",", text::prometheus_label(m.month));
        for (int st = 0; st < sla::minute_state_count; ++st)
            e.sample_at("slawatch_service_minute_state",
                        fmt::format("{}state=\"{}\"", month,
                                    sla::to_string(static_cast<sla::MinuteState>(st))),
                        static_cast<int>(m.state) == st ? 1 : 0, m.minute * 60'000);
    }
}

// The daemon's own health: finalization, config reloads, the result buffer, compaction.
void Metrics::render_daemon(Exposition& e) const {
    if (finalized_until_) {
        e.gauge("slawatch_last_finalized_minute_timestamp_seconds",
                "Start of the last finalized minute.",
                static_cast<double>((*finalized_until_ - 1) * 60));
    }
    e.gauge("slawatch_config_last_reload_successful",
            "1 if the last config load (start or SIGHUP) was taken, 0 if it was rejected.",
            reload_ok_ ? 1 : 0);
    e.gauge("slawatch_config_last_reload_success_timestamp_seconds",
            "When a config was last loaded successfully.", reload_success_seconds_);

    e.family("slawatch_result_buffer_dropped_total", "counter",
             "Probe results dropped because the store failed and the buffer was full.");
    e.sample("slawatch_result_buffer_dropped_total", "", static_cast<double>(dropped_));
    e.family("slawatch_store_errors_total", "counter", "Failed writes to the store.");
    e.sample("slawatch_store_errors_total", "", static_cast<double>(store_errors_));
    e.family("slawatch_compacted_results_total", "counter",
             "Successful probe results folded into per-minute counts by compaction.");
    e.sample("slawatch_compacted_results_total", "", static_cast<double>(compacted_));
}

}  // namespace slawatch::daemon
