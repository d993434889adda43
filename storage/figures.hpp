// SPDX-License-Identifier: Apache-2.0
#pragma once
// What a command that prints figures reads: minute states, Service Month
// figures, failures per error code and the raw results behind them. The
// store's own derived tables give them to the daemon; VerifiedFigures
// (verified_figures.hpp) re-derives them from verified evidence for people.

#include "config/config.hpp"
#include "sla/month_report.hpp"
#include "sla/sample.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace slawatch::storage {

// One probe run, as the daemon and replay hand it over.
struct ProbeResult {
    std::string probe;  // a configured probe name
    sla::Sample sample;
};

// One derived minute row; probe == "service" for the service-level row.
struct MinuteRow {
    sla::EpochMinute minute = 0;
    std::string probe;
    sla::MinuteState state = sla::MinuteState::unknown;
    int samples = 0;
    int failures = 0;
};

// Failed results of one probe with one outcome and error code, over a range
// (`report` and `claim` list them so a reader sees why each minute counted).
struct FailureCount {
    std::string probe;
    sla::Outcome outcome = sla::Outcome::api_error;  // as counted: after [attribution]
    std::string error_code;                          // "" when the failure had none
    std::int64_t failures = 0;                       // probe results
    std::int64_t minutes = 0;                        // minutes with at least one of them
    std::int64_t down_minutes = 0;                   // of those, minutes the probe was down
    std::int64_t customer_minutes = 0;               // of those, minutes excluded as customer
};

class Figures {
public:
    virtual ~Figures() = default;

    // The figures of one Service Month as of `now` (ms since the epoch).
    virtual sla::MonthReport month_report(const sla::ServiceMonth& month,
                                          sla::EpochMillis now) const = 0;

    // Minute rows in [from, to), optionally of one probe ("service" for the
    // service row), ordered by minute then probe. Every minute of the service
    // row and of each configured probe is there: one with no stored row is
    // `unknown` with 0 samples (sparse storage).
    virtual std::vector<MinuteRow> minutes(sla::EpochMinute from, sla::EpochMinute to,
                                           std::optional<std::string> probe) const = 0;

    // Minute rows of one probe ("service" for the service row) counted by
    // state in [from, to); minutes without a row count as unknown.
    virtual sla::StateCounts count_states(const std::string& probe, sla::EpochMinute from,
                                          sla::EpochMinute to) const = 0;

    // Failed results sent in [from, to) per probe, outcome (as counted, R4)
    // and error code, most failures first. Only raw results still kept count.
    virtual std::vector<FailureCount> failures_by_code(sla::EpochMinute from,
                                                       sla::EpochMinute to) const = 0;

    // Stored raw results with sent time in [from, to), in time order. The
    // request id of a successful result is not kept (empty); successful
    // results of compacted minutes are only counts (not returned).
    virtual std::vector<ProbeResult> results(sla::EpochMillis from, sla::EpochMillis to) const = 0;
};

// R7, R8: a Service Month's figures as of `now` from figures.count_states(),
// for the service row and each configured probe. Minutes at or after `now`
// are not counted yet, and a DST month never counts more minutes than elapsed.
sla::MonthReport month_report_of(const Figures& figures, const config::Config& config,
                                 const sla::ServiceMonth& month, sla::EpochMillis now);

}  // namespace slawatch::storage
