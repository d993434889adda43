// SPDX-License-Identifier: Apache-2.0
#pragma once
// The daemon's Prometheus metrics, rendered in the text exposition format 0.0.4.
// Availability and budget come from the same sla::MonthReport as `report`.

#include "sla/minute_state.hpp"
#include "sla/month_report.hpp"
#include "sla/sample.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace slawatch::daemon {

inline constexpr std::array<double, 14> phase_buckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                       0.25,  0.5,    1,     2.5,  5,     10,   30};
inline constexpr std::array<const char*, 5> phase_names{"dns", "connect", "tls", "first_byte",
                                                        "total"};

struct Histogram {
    std::array<std::uint64_t, phase_buckets.size()> buckets{};  // non-cumulative
    std::uint64_t count = 0;
    double sum = 0;
    void observe(double seconds);
};

class Metrics {
public:
    // Counts one probe run and its phase durations.
    void record_result(const std::string& probe, const sla::Sample& sample);
    // Counts one finalized minute row ("service" for the service row).
    void record_minute(const std::string& probe, sla::MinuteState state);
    void set_month(const sla::MonthReport& report) { month_ = report; }
    void set_finalized_until(sla::EpochMinute end) { finalized_until_ = end; }
    void set_writer(std::uint64_t dropped, std::uint64_t store_errors) {
        dropped_ = dropped;
        store_errors_ = store_errors;
    }

    std::string render(const std::string& version) const;

private:
    struct ProbeCounters {
        std::array<std::uint64_t, sla::outcome_count> outcomes{};
        std::array<Histogram, phase_names.size()> phases;
    };
    std::map<std::string, ProbeCounters> probes_;
    std::map<std::string, std::array<std::uint64_t, sla::minute_state_count>> minutes_;
    std::optional<sla::MonthReport> month_;
    std::optional<sla::EpochMinute> finalized_until_;
    std::uint64_t dropped_ = 0;
    std::uint64_t store_errors_ = 0;
};

// A label value escaped for the exposition format (\\, \", \n).
std::string escape_label(std::string_view value);

}  // namespace slawatch::daemon
