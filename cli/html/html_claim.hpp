// SPDX-License-Identifier: Apache-2.0
#pragma once
// `claim --format html`: the R11 claim package as one self-contained page
// that prints to A4. A one-screen summary comes first (IDs, figures, the
// incidents with their durations), then the evidence: the calendar, every
// unavailable minute with its results (R12: outcomes, statuses, codes and
// request ids only), failures by code and the evidence integrity section.

#include "cli/claim/claim_evidence.hpp"
#include "cli/html/html_heatmap.hpp"
#include "cli/report/down_minutes.hpp"
#include "config/config.hpp"
#include "sla/month_report.hpp"

#include <string>
#include <vector>

namespace slawatch::cli::html {

struct ClaimPage {
    const config::Config& config;
    const sla::MonthReport& report;
    const sla::Money& amount;  // after the 12-month cap
    const std::vector<DownMinute>& minutes;
    const ClaimEvidence& evidence;
    const std::vector<storage::FailureCount>& failures;
    std::vector<DayMinutes> days;
};

std::string claim_page(const ClaimPage& p);

}  // namespace slawatch::cli::html
