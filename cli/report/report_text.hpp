// SPDX-License-Identifier: Apache-2.0
#pragma once
// One Service Month's figures as `report` prints them (table and JSON), shared
// with `quorum`, which prints the same figures for the combined minutes.

#include "config/config.hpp"
#include "sla/month_report.hpp"
#include "storage/store.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace slawatch::cli {

struct ReportFigures {
    const config::Config& config;
    sla::MonthReport r;
    sla::Money capped;                            // R9 after the 12-month cap
    std::vector<storage::FailureCount> failures;  // R4: why each minute counted
};

// The JSON object of `report --format json`; `more_fields` (",\n  \"key\": ...")
// is added after its last field.
std::string report_json(const ReportFigures& f, std::string_view more_fields = {});

// The table of `report` (its default format); without `per_host` the probe
// and failure tables are left out (`quorum`: they are each host's own).
std::string report_table(const ReportFigures& f, bool per_host = true);

}  // namespace slawatch::cli
