// SPDX-License-Identifier: Apache-2.0
#pragma once
// One Service Month's minutes combined across vantage points (sla/quorum.hpp)
// and its figures, computed by the same make_month_report as `report`.

#include "cli/quorum/quorum_inputs.hpp"
#include "config/config.hpp"
#include "sla/month_report.hpp"

#include <vector>

namespace slawatch::cli {

struct QuorumMonth {
    int k = 0;
    sla::EpochMinute from = 0;  // the month's first minute
    sla::EpochMinute to = 0;    // the end of its elapsed minutes (exclusive)
    // Service minute states of [from, to): states[v] of vantage v, and combined.
    std::vector<std::vector<sla::MinuteState>> states;
    std::vector<sla::MinuteState> combined;
    sla::MonthReport report;                        // of the combined minutes
    sla::Money capped;                              // R9 after the 12-month cap
    std::vector<sla::MonthReport> vantage_reports;  // each vantage point's own figures
    std::vector<sla::EpochMinute> disagreements;    // observers gave different states

    sla::MinuteState state_of(std::size_t vantage, sla::EpochMinute minute) const {
        return states[vantage][static_cast<std::size_t>(minute - from)];
    }
};

// The month as of `now` over `inputs` (open_vantages) at quorum `k`; the
// shared config's maintenance windows excuse a minute the quorum saw down.
QuorumMonth quorum_month(const config::Config& config, const std::vector<VantageInput>& inputs,
                         int k, const sla::ServiceMonth& month, sla::EpochMillis now);

}  // namespace slawatch::cli
