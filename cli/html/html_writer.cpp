// SPDX-License-Identifier: Apache-2.0
// The shared parts of the HTML pages (html_writer.hpp).

#include "cli/html/html_writer.hpp"

#include "text/escape.hpp"

#include <fmt/format.h>

#include <array>
#include <map>
#include <set>

namespace slawatch::cli::html {
namespace {

// Okabe-Ito colours stay apart for the common colour-vision deficiencies;
// down and unknown also carry a pattern, and every state has a text label.
struct StateStyle {
    std::string_view css;
    std::string_view label;
    std::string_view fill;
};
constexpr std::array<StateStyle, future_state + 1> styles{{
    {"s-up", "up", "#009E73"},
    {"s-down", "down", "url(#p-down)"},
    {"s-unknown", "unknown", "url(#p-unknown)"},
    {"s-maintenance", "maintenance", "#56B4E9"},
    {"s-local", "local network", "#F0E442"},
    {"s-customer", "customer", "#CC79A7"},
    {"s-future", "not yet elapsed", "#F2F2F2"},
}};

constexpr std::string_view css = R"css(
:root { --ink: #1a1a1a; --muted: #5a5a5a; --line: #d0d0d0; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  color: var(--ink); background: #fff; margin: 0 auto; padding: 16px 24px; max-width: 1240px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 22px 0 8px; }
.sub { color: var(--muted); margin: 0 0 12px; }
.verdict { display: inline-block; padding: 2px 10px; border-radius: 4px; font-weight: 600; }
.verdict.met { background: #d8f0e8; border: 1px solid #009E73; }
.verdict.not-met { background: #fbe3d5; border: 1px solid #D55E00; }
dl.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr));
  gap: 6px 18px; margin: 8px 0; }
dl.figures div { border-left: 3px solid var(--line); padding: 2px 8px; }
dl.figures dt { color: var(--muted); font-size: 12px; }
dl.figures dd { margin: 0; font-size: 16px; font-weight: 600; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 8px 0; padding: 0; list-style: none; }
.legend li { display: flex; align-items: center; gap: 6px; }
.legend svg { width: 28px; height: 14px; border: 1px solid #888; }
.heatmap { display: grid; grid-template-columns: 8.5em 1fr 11em; gap: 2px 8px; align-items: center; }
.heatmap .day { font-variant-numeric: tabular-nums; white-space: nowrap; }
.heatmap .row { width: 100%; height: 18px; display: block; background: #fff; }
.heatmap .note { font-size: 12px; color: var(--muted); white-space: nowrap; }
.heatmap .axis { display: flex; justify-content: space-between; font-size: 11px; color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.minutes td:nth-child(-n+3), table.incidents td:nth-child(-n+2) { white-space: nowrap; }
td.ids { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 11px; word-break: break-all; }
pre { white-space: pre-wrap; word-break: break-all; font-size: 11px; background: #f7f7f7;
  padding: 8px; border: 1px solid var(--line); }
details > summary { cursor: pointer; color: #0072B2; }
.patterns { position: absolute; width: 0; height: 0; overflow: hidden; }
.summary { border: 2px solid var(--ink); padding: 10px 14px; border-radius: 6px; }
@page { size: A4; margin: 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  h2 { break-after: avoid; } tr, .heatmap > * { break-inside: avoid; }
  thead { display: table-header-group; }
  details > *:not(summary) { display: block; } details > summary { display: none; }
  .summary { break-after: page; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
)css";

// Shared by every inline SVG of the page (one document, one id space).
constexpr std::string_view patterns =
    R"svg(<svg class="patterns" aria-hidden="true" focusable="false">
<defs>
<pattern id="p-down" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">
<rect width="6" height="6" fill="#D55E00"/><rect width="2" height="6" fill="#7a2f00"/></pattern>
<pattern id="p-unknown" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(-45)">
<rect width="6" height="6" fill="#C8C8C8"/><rect width="1.5" height="6" fill="#8c8c8c"/></pattern>
</defs></svg>
)svg";

}  // namespace

std::string escape(std::string_view text) {
    return text::escape_html(text);
}

std::string page_begin(std::string_view title, std::string_view page_id) {
    return fmt::format(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"generator\" content=\"slawatch\">\n<title>{}</title>\n<style>{}</style>\n"
        "</head>\n<body>\n{}<main id=\"{}\">\n",
        escape(title), css, patterns, escape(page_id));
}

std::string page_end() {
    return "</main>\n</body>\n</html>\n";
}

std::string figure(std::string_view name, std::string_view value, std::string_view shown) {
    return fmt::format("<span data-figure=\"{}\" data-value=\"{}\">{}</span>", escape(name),
                       escape(value), escape(shown));
}

std::string figure(std::string_view name, std::string_view value) {
    return figure(name, value, value);
}

std::string figure(std::string_view name, std::int64_t value) {
    return figure(name, std::to_string(value), thousands(value));
}

std::string_view state_class(int state) {
    return styles.at(static_cast<std::size_t>(state)).css;
}
std::string_view state_label(int state) {
    return styles.at(static_cast<std::size_t>(state)).label;
}
std::string_view state_fill(int state) {
    return styles.at(static_cast<std::size_t>(state)).fill;
}

std::string legend() {
    std::string out = "<ul class=\"legend\" aria-label=\"Legend of minute states\">\n";
    for (int s = 0; s <= future_state; ++s) {
        out += fmt::format(
            "<li><svg viewBox=\"0 0 28 14\" role=\"img\" aria-label=\"{0}\"><title>{0}</title>"
            "<rect width=\"28\" height=\"14\" fill=\"{1}\"/></svg>{0}</li>\n",
            state_label(s), state_fill(s));
    }
    return out + "</ul>\n";
}

std::string thousands(std::int64_t n) {
    const auto digits = std::to_string(n < 0 ? -n : n);
    std::string out = n < 0 ? "-" : "";
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string figures_list(const config::Config& config, const sla::MonthReport& r,
                         const sla::Money& capped) {
    const auto standard = config.contract.terms.standard.to_string();
    auto item = [](std::string_view label, const std::string& value) {
        return fmt::format("<div><dt>{}</dt><dd>{}</dd></div>\n", escape(label), value);
    };
    std::string out = "<dl class=\"figures\">\n";
    out += item(
        "Availability",
        figure("availability_percent", r.availability_text, r.availability_text + " %") +
            fmt::format(" <span class=\"verdict {}\">{}</span>", r.standard_met ? "met" : "not-met",
                        figure("standard_met", r.standard_met ? "true" : "false",
                               r.standard_met ? "standard met" : "standard NOT met")));
    out += item("Standard", figure("standard_percent", standard, standard + " %"));
    out += item("Unavailable minutes (down)", figure("unavailable_minutes", r.unavailable));
    out += item("Error budget used", figure("budget_used", r.unavailable) + " of " +
                                         figure("budget_minutes", r.budget_minutes) + " min, " +
                                         figure("budget_left", r.budget_left) + " left");
    out += item("Excluded minutes",
                figure("excluded_maintenance", r.maintenance) + " maintenance, " +
                    figure("excluded_local_network", r.local_network) + " local network, " +
                    figure("excluded_customer", r.customer) + " customer");
    out += item("Unknown minutes (no evidence, not counted)", figure("unknown_minutes", r.unknown));
    out += item("Minutes", figure("total_minutes", r.total_minutes) + " in the month, " +
                               figure("elapsed_minutes", r.elapsed_minutes) + " elapsed");
    out += item("Compensation tier",
                figure("compensation_percent", std::to_string(r.compensation_percent),
                       std::to_string(r.compensation_percent) + " %") +
                    " of the month's fee");
    out += item("Compensation", figure("compensation_amount", capped.to_string()) + " " +
                                    figure("currency", r.currency) + " (fee " +
                                    figure("fee", r.fee.to_string()) + ")");
    if (!r.complete) {
        out += item("Projected to the month's end",
                    figure("projected_unavailable_minutes", r.projected_unavailable) +
                        " unavailable min, " +
                        figure("projected_percent", std::to_string(r.projected_percent),
                               std::to_string(r.projected_percent) + " %") +
                        " tier");
    }
    out += item("Claim window", figure("claim_opens", sla::format_date(r.claim.opens)) + " to " +
                                    figure("claim_deadline", sla::format_date(r.claim.deadline)) +
                                    " (inclusive)");
    return out + "</dl>\n";
}

std::string incident_table(const std::vector<Incident>& incidents, const sla::TimeZone& zone,
                           std::size_t max_ids) {
    std::int64_t total = 0;
    for (const auto& inc : incidents) total += inc.end - inc.start;
    std::string out =
        fmt::format("<p>{} incidents, {} unavailable minutes in all.</p>\n",
                    figure("incident_count", static_cast<std::int64_t>(incidents.size())),
                    figure("incident_minutes", total));
    if (incidents.empty()) return out;
    out +=
        "<table class=\"incidents\">\n<thead><tr><th>start</th><th>end</th>"
        "<th class=\"num\">minutes</th><th>functions (probes down)</th>"
        "<th>error codes (results)</th><th>RequestIds</th></tr></thead>\n<tbody>\n";
    for (const auto& inc : incidents) {
        std::string probes;
        for (const auto& p : inc.probes) probes += (probes.empty() ? "" : ", ") + escape(p);
        // Error code, else the outcome (a timeout has no code).
        std::map<std::string, int> codes;
        std::vector<std::string> ids;
        std::set<std::string> seen;
        for (const auto& m : inc.minutes) {
            for (const auto& res : m.results) {
                const auto& s = res.sample;
                if (s.outcome == sla::Outcome::ok) continue;
                ++codes[s.error_code.empty() ? std::string(sla::to_string(s.outcome))
                                             : s.error_code];
                if (!s.request_id.empty() && seen.insert(s.request_id).second) {
                    ids.push_back(s.request_id);
                }
            }
        }
        std::string code_text;
        for (const auto& [code, n] : codes) {
            code_text +=
                fmt::format("{}{} &times;{}", code_text.empty() ? "" : "<br>", escape(code), n);
        }
        std::string id_text;
        for (std::size_t i = 0; i < ids.size() && i < max_ids; ++i) {
            id_text += (i ? ", " : "") + escape(ids[i]);
        }
        if (ids.size() > max_ids) {
            id_text += fmt::format(" &hellip; and {} more", ids.size() - max_ids);
        }
        out += fmt::format(
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td>"
            "<td class=\"ids\">{}</td></tr>\n",
            escape(zone.format_minute(inc.start)), escape(zone.format_minute(inc.end)),
            inc.end - inc.start, probes, code_text, id_text);
    }
    return out + "</tbody>\n</table>\n";
}

}  // namespace slawatch::cli::html
