// SPDX-License-Identifier: Apache-2.0
// The text, JSON and HTML output of `quorum` (quorum_text.hpp).

#include "cli/quorum/quorum_text.hpp"
#include "cli/common/output.hpp"
#include "cli/quorum/quorum_witness.hpp"

#include "cli/html/html_month.hpp"
#include "cli/html/html_writer.hpp"
#include "cli/report/down_minutes.hpp"
#include "cli/report/report_text.hpp"
#include "text/escape.hpp"

#include <fmt/format.h>

namespace slawatch::cli {
namespace {

// The disagreements text output lists; JSON and HTML list them all.
constexpr std::size_t listed_disagreements = 20;

std::string vantages_json(const QuorumView& v) {
    std::string out;
    const auto w = witnessed(v.inputs);
    for (std::size_t i = 0; i < v.inputs.size(); ++i) {
        const auto& r = v.q.vantage_reports[i];
        out += fmt::format(
            "{}\n      {{\"name\": {}, \"db\": {}, \"unavailable_minutes\": {}, "
            "\"unknown_minutes\": {}, \"availability_percent\": {}, \"verified_leaves\": {}, "
            "{}, {}}}",
            i == 0 ? "" : ",", json_quote(v.inputs[i].name), json_quote(v.inputs[i].db.string()),
            r.unavailable, r.unknown, r.availability_text, v.inputs[i].verified_leaves(),
            vantage_evidence_fields(v.inputs[i]),
            witnessed_json(w[i], v.config.contract.terms.zone));
    }
    return out;
}

std::string disagreements_json(const QuorumView& v) {
    const auto& zone = v.config.contract.terms.zone;
    std::string out;
    for (const auto m : v.q.disagreements) {
        std::string states;
        for (std::size_t i = 0; i < v.inputs.size(); ++i)
            states += fmt::format("{}{}: \"{}\"", i == 0 ? "" : ", ", json_quote(v.inputs[i].name),
                                  sla::to_string(v.q.state_of(i, m)));
        out += fmt::format(
            "{}\n    {{\"minute\": \"{}\", \"states\": {{{}}}, \"quorum_state\": \"{}\"}}",
            out.empty() ? "" : ",", zone.format_minute(m), states,
            sla::to_string(v.q.combined[static_cast<std::size_t>(m - v.q.from)]));
    }
    return out;
}

std::string to_json(const QuorumView& v, const ReportFigures& f) {
    const auto disagreements = disagreements_json(v);
    return report_json(f, fmt::format(",\n  \"quorum\": {{\"k\": {}, \"vantages\": [{}\n  ]}},\n"
                                      "  \"disagreements\": [{}{}]",
                                      v.q.k, vantages_json(v), disagreements,
                                      disagreements.empty() ? "" : "\n  "));
}

std::string to_text(const QuorumView& v, const ReportFigures& f) {
    const auto& zone = v.config.contract.terms.zone;
    std::string out = report_table(f, false);
    out += fmt::format(
        "\n  quorum: a minute is down when at least {} of {} vantage points saw it down\n", v.q.k,
        v.inputs.size());
    out += "  vantage point         unavailable  unknown  availability  database\n";
    for (std::size_t i = 0; i < v.inputs.size(); ++i) {
        const auto& r = v.q.vantage_reports[i];
        out += fmt::format("  {:<21} {:<12} {:<8} {:<13} {}\n", text::escape_text(v.inputs[i].name),
                           r.unavailable, r.unknown, r.availability_text + " %",
                           text::escape_text(v.inputs[i].db.string()));
    }
    for (const auto& in : v.inputs)
        out += fmt::format("  {:<21} evidence {}\n", in.name, vantage_evidence_text(in));
    const auto w = witnessed(v.inputs);
    for (std::size_t i = 0; i < v.inputs.size(); ++i)
        out += fmt::format("  {:<21} witnesses: {}\n", v.inputs[i].name, witnessed_text(w[i]));
    out += fmt::format(
        "\n  disagreements: {} minute{} where the vantage points that observed "
        "it saw different states\n",
        v.q.disagreements.size(), v.q.disagreements.size() == 1 ? "" : "s");
    for (std::size_t d = 0; d < v.q.disagreements.size() && d < listed_disagreements; ++d) {
        const auto m = v.q.disagreements[d];
        std::string states;
        for (std::size_t i = 0; i < v.inputs.size(); ++i)
            states += fmt::format(" {}={}", text::escape_text(v.inputs[i].name),
                                  sla::to_string(v.q.state_of(i, m)));
        out += fmt::format("  {} {} -> {}\n", zone.format_minute(m), states,
                           sla::to_string(v.q.combined[static_cast<std::size_t>(m - v.q.from)]));
    }
    if (v.q.disagreements.size() > listed_disagreements)
        out += fmt::format("  ... and {} more (--format json lists them all)\n",
                           v.q.disagreements.size() - listed_disagreements);
    return out;
}

std::string vantage_sections(const QuorumView& v) {
    const auto& zone = v.config.contract.terms.zone;
    std::string out = fmt::format(
        "<section aria-labelledby=\"h-vantages\"><h2 id=\"h-vantages\">Vantage points</h2>\n"
        "<p class=\"sub\">A minute is down when at least {} of these {} vantage points saw it "
        "down; each row is that host's own figures.</p>\n"
        "<table class=\"vantages\">\n<thead><tr><th>vantage point</th><th>database</th>"
        "<th class=\"num\">unavailable</th><th class=\"num\">unknown</th>"
        "<th class=\"num\">availability %</th><th>evidence</th><th>witnesses</th></tr>"
        "</thead>\n<tbody>\n",
        html::figure("quorum_k", v.q.k), v.inputs.size());
    const auto w = witnessed(v.inputs);
    for (std::size_t i = 0; i < v.inputs.size(); ++i) {
        const auto& r = v.q.vantage_reports[i];
        out += fmt::format(
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
            "<td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>\n",
            html::escape(v.inputs[i].name), html::escape(v.inputs[i].db.string()), r.unavailable,
            r.unknown, r.availability_text, html::escape(vantage_evidence_text(v.inputs[i])),
            html::escape(witnessed_text(w[i])));
    }
    out += "</tbody>\n</table>\n";
    out += fmt::format(
        "<p>{} minutes where the vantage points that observed them disagreed.</p>\n",
        html::figure("disagreements", static_cast<std::int64_t>(v.q.disagreements.size())));
    if (!v.q.disagreements.empty()) {
        out += "<table class=\"disagreements\">\n<thead><tr><th>minute</th>";
        for (const auto& in : v.inputs) out += "<th>" + html::escape(in.name) + "</th>";
        out += "<th>quorum</th></tr></thead>\n<tbody>\n";
        for (const auto m : v.q.disagreements) {
            out += "<tr><td>" + html::escape(zone.format_minute(m)) + "</td>";
            for (std::size_t i = 0; i < v.inputs.size(); ++i)
                out += fmt::format("<td>{}</td>", sla::to_string(v.q.state_of(i, m)));
            out +=
                fmt::format("<td>{}</td></tr>\n",
                            sla::to_string(v.q.combined[static_cast<std::size_t>(m - v.q.from)]));
        }
        out += "</tbody>\n</table>\n";
    }
    return out + "</section>\n";
}

// The heatmap's days and the incidents, from the combined minutes.
html::MonthPage month_page(const QuorumView& v, const ReportFigures& f,
                           const sla::ServiceMonth& month, sla::EpochMillis now) {
    const auto& zone = v.config.contract.terms.zone;
    const auto now_minute = sla::minute_of_ms(now);
    std::vector<html::DayMinutes> days;
    std::vector<DownMinute> down;
    for (auto d = month.first; d <= month.last; d = sla::add_days(d, 1)) {
        const auto start = zone.start_of_day(d);
        const auto end = zone.start_of_day(sla::add_days(d, 1));
        html::DayMinutes day{d, start, {}};
        for (auto m = start; m < end; ++m) {
            if (m >= now_minute) {
                day.states.push_back(html::future_state);
            } else if (m >= v.q.from && m < v.q.to) {
                const auto s = v.q.combined[static_cast<std::size_t>(m - v.q.from)];
                day.states.push_back(static_cast<std::uint8_t>(s));
                if (s == sla::MinuteState::down) down.push_back({m, {}, {}});
            } else {
                day.states.push_back(static_cast<std::uint8_t>(sla::MinuteState::unknown));
            }
        }
        days.push_back(std::move(day));
    }
    return {v.config,
            f.r,
            f.capped,
            f.failures,
            std::move(days),
            incidents(std::move(down)),
            vantage_sections(v),
            false};
}

}  // namespace

std::string quorum_output(const QuorumView& v, const sla::ServiceMonth& month, sla::EpochMillis now,
                          std::string_view format) {
    const ReportFigures f{v.config, v.q.report, v.q.capped, {}};
    if (format == "json") return to_json(v, f);
    if (format == "html") return html::month_page(month_page(v, f, month, now));
    return to_text(v, f);
}

}  // namespace slawatch::cli
