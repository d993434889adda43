// SPDX-License-Identifier: Apache-2.0
#pragma once
// The parts of a claim package (R11) that `claim` and `claim --quorum` both
// write: the summary in Markdown, the table of cited calls, and the JSON object.

#include "cli/report/down_minutes.hpp"
#include "config/config.hpp"
#include "sla/month_report.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace slawatch::cli {

// The title, the user and order IDs and the month's figures.
std::string summary_markdown(const config::Config& c, const sla::MonthReport& r,
                             const sla::Money& amount);

// One row per cited call of each down minute (R12: outcome, status, codes, request ids).
std::string minutes_markdown(const std::vector<DownMinute>& minutes, const sla::TimeZone& zone);

// A down minute's probes and cited calls: "\"probes\": [...], \"evidence\": [...]",
// the calls' lines indented by `indent`.
std::string minute_fields_json(const DownMinute& m, const sla::TimeZone& zone,
                               std::string_view indent);

// The claim's JSON object; `unavailable`, `failures` and `evidence` are JSON
// text, `more_fields` (",\n  \"key\": ...") goes last.
std::string claim_json(const config::Config& c, const sla::MonthReport& r, const sla::Money& amount,
                       const std::string& unavailable, const std::string& failures,
                       const std::string& evidence, const std::string& more_fields);

}  // namespace slawatch::cli
