// SPDX-License-Identifier: Apache-2.0
#pragma once
// The daemon's Prometheus metrics, rendered in the text exposition format 0.0.4.
// Availability and budget come from the same sla::MonthReport as `report`.
// Names follow Prometheus conventions (base units, ratios 0-1, `_total` for
// counters), so `promtool check metrics` finds nothing; docs/metrics.md lists them.

#include "sla/contract.hpp"
#include "sla/minute_state.hpp"
#include "sla/month_report.hpp"
#include "sla/sample.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace slawatch::daemon {

inline constexpr std::array<double, 14> phase_buckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                      0.25,  0.5,    1,     2.5,  5,     10,   30};
// The steps of one run; their sum is the run's duration, exported on its own
// (slawatch_probe_duration_seconds) so no label value double-counts another.
inline constexpr std::array<const char*, 4> phase_names{"dns", "connect", "tls", "first_byte"};

struct Histogram {
    std::array<std::uint64_t, phase_buckets.size()> buckets{};  // non-cumulative
    std::uint64_t count = 0;
    double sum = 0;
    void observe(double seconds);
};

// Appends metric families to a string; HELP and TYPE once per family.
// `constant` labels (already rendered, e.g. R"(vantage="sh-1")") lead every
// sample's label set, so each series says which vantage point it is from.
class Exposition {
public:
    explicit Exposition(std::string& out, std::string_view constant = {})
        : out_(out), constant_(constant) {}
    void family(std::string_view name, std::string_view type, std::string_view help);
    // `labels` is already rendered, e.g. R"(probe="a")", or empty.
    void sample(std::string_view name, std::string_view labels, double value);
    // A family with one unlabelled sample: the common case of a gauge.
    void gauge(std::string_view name, std::string_view help, double value);
    // A sample with an explicit timestamp (Unix milliseconds): the instant it is about.
    void sample_at(std::string_view name, std::string_view labels, double value,
                   std::int64_t timestamp_ms);
    void histogram(std::string_view name, std::string_view labels, const Histogram& h);

private:
    std::string joined(std::string_view labels) const;
    std::string& out_;
    std::string_view constant_;
};

// The figures of one Service Month as gauges (month_metrics.cpp).
struct MonthGauges {
    sla::MonthReport report;
    double start_seconds = 0;           // local midnight of its first day
    double claim_opens_seconds = 0;     // local midnight of the window's first day
    double claim_deadline_seconds = 0;  // end of the deadline day (exclusive)
    double standard_ratio = 0;
};
MonthGauges month_gauges(const sla::ContractTerms& terms, const sla::MonthReport& report);

class Metrics {
public:
    // Process start: the config the daemon starts with counts as the first
    // successful load, as in Prometheus itself.
    Metrics();

    // Counts one probe run and its phase durations.
    void record_result(const std::string& probe, const sla::Sample& sample);
    // The vantage point every series is labelled with (`vantage="<name>"`).
    void set_vantage(const std::string& name);
    // The rendered constant labels, for families rendered elsewhere.
    const std::string& constant_labels() const { return constant_labels_; }
    // Counts one finalized minute row ("service" for the service row).
    // `month` is the Service Month ("YYYY-MM") the minute lies in, "" outside the term.
    void record_minute(const std::string& probe, sla::EpochMinute minute, sla::MinuteState state,
                       const std::string& month = {});
    // The running Service Month (none outside the term).
    void set_month(const sla::ContractTerms& terms, const sla::MonthReport& current);
    void clear_month() { month_.reset(); }
    // The ended Service Months whose claim window has not closed yet (R10).
    void set_claim_months(const sla::ContractTerms& terms,
                          const std::vector<sla::MonthReport>& ended);
    void set_finalized_until(sla::EpochMinute end) { finalized_until_ = end; }
    void set_writer(std::uint64_t dropped, std::uint64_t store_errors) {
        dropped_ = dropped;
        store_errors_ = store_errors;
    }
    // Successful results folded into per-minute counts by compaction.
    void add_compacted(std::uint64_t results) { compacted_ += results; }
    // A config reload (SIGHUP) was taken (`ok`) or rejected at `unix_seconds`.
    void set_reload(bool ok, double unix_seconds);

    std::string render(const std::string& version) const;

private:
    struct ProbeCounters {
        std::array<std::uint64_t, sla::outcome_count> outcomes{};
        std::array<Histogram, phase_names.size()> phases;
        Histogram duration;
        bool last_ok = false;
        std::optional<double> last_success_seconds;
    };
    void render_probes(Exposition& e) const;
    void render_minutes(Exposition& e) const;
    void render_month(Exposition& e) const;
    static void render_current_month(Exposition& e, const MonthGauges& g);
    void render_claim_windows(Exposition& e) const;
    void render_daemon(Exposition& e) const;
    std::map<std::string, ProbeCounters> probes_;
    std::map<std::string, std::array<std::uint64_t, sla::minute_state_count>> minutes_;
    // The service state of the latest finalized minute: the quorum rules line
    // vantage points up by this minute (docs/vantage.md).
    struct ServiceMinute {
        sla::EpochMinute minute = 0;
        sla::MinuteState state = sla::MinuteState::unknown;
        std::string month;
    };
    std::optional<ServiceMinute> service_minute_;
    std::string constant_labels_;
    std::optional<MonthGauges> month_;
    std::vector<MonthGauges> claims_;  // ended months, oldest first
    std::optional<sla::EpochMinute> finalized_until_;
    std::uint64_t dropped_ = 0;
    std::uint64_t store_errors_ = 0;
    std::uint64_t compacted_ = 0;
    bool reload_ok_ = true;
    double reload_success_seconds_ = 0;
};

// process_* metrics from /proc/self (process_metrics.cpp), as client libraries
// export them; they carry the exposition's constant labels too.
void render_process_metrics(Exposition& e);

}  // namespace slawatch::daemon
