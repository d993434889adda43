// SPDX-License-Identifier: Apache-2.0
#pragma once
// `report --format html`: one self-contained page of a Service Month, drawn
// from the same MonthReport as `report --format json`.

#include "cli/html/html_heatmap.hpp"
#include "cli/report/down_minutes.hpp"
#include "config/config.hpp"
#include "sla/month_report.hpp"

#include <string>
#include <vector>

namespace slawatch::cli::html {

struct MonthPage {
    const config::Config& config;
    const sla::MonthReport& report;
    const sla::Money& capped;  // R9 after the 12-month cap
    const std::vector<storage::FailureCount>& failures;
    std::vector<DayMinutes> days;
    std::vector<Incident> incidents;
    // Sections added after the figures (`quorum`: its vantage points), HTML.
    std::string more_sections;
    // The probe and failure tables: one host's own (not `quorum`'s).
    bool per_host = true;
};

std::string month_page(const MonthPage& p);

// The per-probe table (role, down, up, unknown, excluded minutes).
std::string probe_table(const config::Config& config, const sla::MonthReport& r);

// "Service Month 3: 2026-05-17 to 2026-06-16 (31 days)" with data-figure attributes.
std::string month_line(const sla::MonthReport& r);

}  // namespace slawatch::cli::html
