// SPDX-License-Identifier: Apache-2.0
// `slawatch quorum`: one Service Month across several vantage points. Each
// host's evidence database (a shipped copy) is verified, then a minute is down
// when at least K of them saw it down (sla/quorum.hpp), and the month's
// figures are `report`'s for the combined minutes (docs/vantage.md).

#include "cli/commands.hpp"
#include "cli/evidence.hpp"
#include "cli/exit_codes.hpp"
#include "cli/first_run.hpp"
#include "cli/html_month.hpp"
#include "cli/html_writer.hpp"
#include "cli/quorum_inputs.hpp"
#include "cli/quorum_month.hpp"
#include "cli/report_text.hpp"
#include "cli/store_cli.hpp"
#include "text/escape.hpp"

#include <fmt/format.h>

#include <iostream>

namespace slawatch::cli {
namespace {

struct QuorumOptions {
    std::string config;
    std::string month;
    QuorumInputOptions inputs;
    std::vector<std::string> dbs;
    std::string format = "text";
};

// The disagreements text output lists; JSON and HTML list them all.
constexpr std::size_t listed_disagreements = 20;

struct QuorumView {
    const config::Config& config;
    const std::vector<VantageInput>& inputs;
    const QuorumMonth& q;
};

std::string vantages_json(const QuorumView& v) {
    std::string out;
    for (std::size_t i = 0; i < v.inputs.size(); ++i) {
        const auto& r = v.q.vantage_reports[i];
        out += fmt::format(
            "{}\n      {{\"name\": {}, \"db\": {}, \"unavailable_minutes\": {}, "
            "\"unknown_minutes\": {}, \"availability_percent\": {}, \"verified_leaves\": {}, "
            "{}}}",
            i == 0 ? "" : ",", json_quote(v.inputs[i].name), json_quote(v.inputs[i].db.string()),
            r.unavailable, r.unknown, r.availability_text, v.inputs[i].verified_leaves(),
            vantage_evidence_fields(v.inputs[i]));
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
        "<th class=\"num\">availability %</th><th>evidence</th></tr></thead>\n<tbody>\n",
        html::figure("quorum_k", v.q.k), v.inputs.size());
    for (std::size_t i = 0; i < v.inputs.size(); ++i) {
        const auto& r = v.q.vantage_reports[i];
        out += fmt::format(
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
            "<td class=\"num\">{}</td><td>{}</td></tr>\n",
            html::escape(v.inputs[i].name), html::escape(v.inputs[i].db.string()), r.unavailable,
            r.unknown, r.availability_text, html::escape(vantage_evidence_text(v.inputs[i])));
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

void run_quorum(const QuorumOptions& o) {
    const auto config = load_config(o.config);
    const auto month = service_month_arg(config, o.month);
    const auto now = now_ms();
    const auto inputs = open_vantages(config, o.dbs, o.inputs, now);
    try {
        const auto q = quorum_month(config, inputs, o.inputs.k, month, now);
        const QuorumView v{config, inputs, q};
        const ReportFigures f{config, q.report, q.capped, {}};
        if (o.format == "json") {
            std::cout << to_json(v, f);
        } else if (o.format == "html") {
            std::cout << html::month_page(month_page(v, f, month, now));
        } else {
            std::cout << to_text(v, f);
        }
    } catch (const storage::StoreError& e) {
        throw CommandError(store_exit_code(e), std::string("slawatch: ") + e.what());
    }
}

}  // namespace

void register_quorum(CLI::App& app) {
    auto options = std::make_shared<QuorumOptions>();
    auto* cmd = app.add_subcommand(
        "quorum",
        "Figures of one Service Month across several vantage points: a minute is down when at "
        "least K of them saw it down");
    add_config_option(*cmd, options->config);
    cmd->add_option("--month", options->month, "Calendar month YYYY-MM (contract time zone)")
        ->required();
    add_quorum_options(*cmd, options->dbs, options->inputs);
    cmd->add_option("--format", options->format, "text, json or html")
        ->check(CLI::IsMember({"text", "json", "html"}));
    cmd->footer(
        "Each --db is one vantage point's evidence database: a copy shipped from its host\n"
        "(slawatch backup, sqlite3 .backup or VACUUM INTO), read without being changed.\n"
        "Each is verified like `slawatch verify` first, and its minutes are re-derived from\n"
        "the verified results under this config (its stored minute rows are never read);\n"
        "results after its newest signed checkpoint are left out. A database without a\n"
        "signed checkpoint is refused unless --allow-unsigned; one evidence log counts\n"
        "once, whatever vantage name it carries. Per minute: down when at least K vantage\n"
        "points saw it down (an announced maintenance window of this config still excuses\n"
        "it); else up when at least K saw it up or excluded it (maintenance, customer);\n"
        "else unknown. A vantage point whose state is unknown or local_network proves\n"
        "nothing either way. With K <= n/2 both can hold: down wins.\n"
        "Exit 0 with the figures; 2 when an input is refused (names the database and why).");
    cmd->callback([options] { run_quorum(*options); });
}

}  // namespace slawatch::cli
