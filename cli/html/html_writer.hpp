// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the HTML pages of `report` and `claim` share: escaping, one page
// skeleton with inline CSS (no scripts, nothing fetched: it works offline),
// the state colours and their legend, figures a test can read back from the
// DOM, and the incident table.

#include "cli/report/down_minutes.hpp"
#include "config/config.hpp"
#include "sla/month_report.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace slawatch::cli::html {

// `text` as HTML text or a quoted attribute value (text::escape_html: & < > " '
// as character references, control and bidirectional characters made visible).
std::string escape(std::string_view text);

// <!doctype html> up to and including <body>, with the shared CSS and the
// SVG patterns the heatmap uses.
std::string page_begin(std::string_view title, std::string_view page_id);
std::string page_end();

// A figure as text, carrying its machine value: data-figure="NAME"
// data-value="VALUE" (the HTML test compares these with the JSON output).
std::string figure(std::string_view name, std::string_view value, std::string_view shown);
std::string figure(std::string_view name, std::string_view value);
std::string figure(std::string_view name, std::int64_t value);

// The drawing states: the six minute states, then minutes not yet elapsed.
inline constexpr int future_state = sla::minute_state_count;
std::string_view state_class(int state);  // CSS class, "s-down"
std::string_view state_label(int state);  // "local network"
std::string_view state_fill(int state);   // url(#p-down) or a colour

// The legend: a swatch and the name of every state.
std::string legend();

// The month's figures as a definition list: availability against the
// standard, budget, tier and compensation, claim window (same MonthReport as
// the JSON output).
std::string figures_list(const config::Config& config, const sla::MonthReport& r,
                         const sla::Money& capped);

// The incident table: start, end, minutes, functions (the probes down), error
// codes with counts, request ids (the first `max_ids`, then how many more).
std::string incident_table(const std::vector<Incident>& incidents, const sla::TimeZone& zone,
                           std::size_t max_ids);

// "1234" -> "1,234" for people; data-value keeps the plain number.
std::string thousands(std::int64_t n);

}  // namespace slawatch::cli::html
