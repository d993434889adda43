// SPDX-License-Identifier: Apache-2.0
// Failures per error code, and the effective attribution table (R4).

#include "cli/report/failure_codes.hpp"

#include "cli/html/html_writer.hpp"
#include "sla/attribution.hpp"
#include "text/escape.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <algorithm>

namespace slawatch::cli {
namespace {

// Who a counted failure is attributed to, and the clause that says so.
struct Why {
    std::string_view who;
    std::string clause;
    std::string reason;  // the override's reason, if any
};

Why why_of(const config::Config& config, const storage::FailureCount& f) {
    if (f.error_code.empty()) {
        // 4.2: the monitor's own egress proxy failed, not the provider.
        if (sla::attribution(f.outcome) == sla::Attribution::local) return {"local", "4.2", {}};
        const bool customer = sla::attribution(f.outcome) == sla::Attribution::customer;
        return {customer ? "customer" : "provider", customer ? "4.5" : "1.2", {}};
    }
    const auto a = sla::attribute_code(f.error_code, config.attribution);
    return {sla::attribution(a.outcome) == sla::Attribution::customer ? "customer" : "provider",
            std::string(a.clause.empty() ? sla::provider_clause : a.clause), std::string(a.reason)};
}

std::string_view class_name(sla::Outcome o) {
    if (sla::attribution(o) == sla::Attribution::local) return "local";
    return sla::attribution(o) == sla::Attribution::customer ? "customer" : "provider";
}

}  // namespace

std::string failures_text(const config::Config& config,
                          const std::vector<storage::FailureCount>& rows) {
    std::string out = "\n  failures by error code (why each minute counted)\n";
    if (rows.empty()) return out + "  none\n";
    out += fmt::format("  {:<21} {:<14} {:<44} {:<9} {:<6} {:>8} {:>7} {:>5}\n", "probe", "outcome",
                       "error code", "class", "SLA", "failures", "minutes", "down");
    for (const auto& f : rows) {
        const Why w = why_of(config, f);
        out += fmt::format("  {:<21} {:<14} {:<44} {:<9} {:<6} {:>8} {:>7} {:>5}\n",
                           text::escape_text(f.probe), sla::to_string(f.outcome),
                           f.error_code.empty() ? "-" : text::escape_text(f.error_code), w.who,
                           text::escape_text(w.clause), f.failures, f.minutes, f.down_minutes);
        if (!w.reason.empty())
            out += fmt::format("      moved by [attribution]: {}\n", text::escape_text(w.reason));
    }
    return out;
}

std::string failures_markdown(const config::Config& config,
                              const std::vector<storage::FailureCount>& rows) {
    std::string out = "\n## Failures by error code\n\n";
    if (rows.empty()) return out + "None.\n";
    out +=
        "| probe | outcome | error code | attributed to | SLA clause | failures | minutes | "
        "down minutes | note |\n|---|---|---|---|---|---|---|---|---|\n";
    for (const auto& f : rows) {
        const Why w = why_of(config, f);
        out += fmt::format(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", text::escape_markdown(f.probe),
            sla::to_string(f.outcome), text::escape_markdown(f.error_code), w.who,
            text::escape_markdown(w.clause), f.failures, f.minutes, f.down_minutes,
            w.reason.empty() ? ""
                             : "moved by \\[attribution\\]: " + text::escape_markdown(w.reason));
    }
    return out;
}

std::string failures_html(const config::Config& config,
                          const std::vector<storage::FailureCount>& rows) {
    if (rows.empty()) return "<p>None.</p>\n";
    std::string out =
        "<table class=\"failures\">\n<thead><tr><th>probe</th><th>outcome</th><th>error code</th>"
        "<th>attributed to</th><th>SLA clause</th><th class=\"num\">failures</th>"
        "<th class=\"num\">minutes</th><th class=\"num\">down minutes</th><th>note</th></tr>"
        "</thead>\n<tbody>\n";
    for (const auto& f : rows) {
        const Why w = why_of(config, f);
        out += fmt::format(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td>"
            "<td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
            html::escape(f.probe), sla::to_string(f.outcome), html::escape(f.error_code), w.who,
            html::escape(w.clause), f.failures, f.minutes, f.down_minutes,
            w.reason.empty() ? "" : "moved by [attribution]: " + html::escape(w.reason));
    }
    return out + "</tbody>\n</table>\n";
}

std::string failures_json(const config::Config& config,
                          const std::vector<storage::FailureCount>& rows) {
    boost::json::array out;
    for (const auto& f : rows) {
        const Why w = why_of(config, f);
        boost::json::object o{{"probe", f.probe},
                              {"outcome", sla::to_string(f.outcome)},
                              {"error_code", nullptr},
                              {"attributed_to", w.who},
                              {"clause", w.clause},
                              {"failures", f.failures},
                              {"minutes", f.minutes},
                              {"down_minutes", f.down_minutes},
                              {"customer_minutes", f.customer_minutes}};
        if (!f.error_code.empty()) o["error_code"] = f.error_code;
        if (!w.reason.empty()) o["override_reason"] = w.reason;
        out.push_back(std::move(o));
    }
    return text::inert_json(boost::json::serialize(out));
}

std::string attribution_text(const config::Config& config) {
    std::string out = "\nattribution of API error codes (R4; unknown codes: provider, SLA 1.2)\n";
    out += fmt::format("{:<62} {:<13} {:<9} {}\n", "code", "outcome", "class", "SLA");
    for (const auto& r : sla::code_rules()) {
        const std::string code = r.family ? std::string(r.code) + ".*" : std::string(r.code);
        const auto a = r.family ? sla::CodeAttribution{r.outcome, r.clause, r.code, {}, false}
                                : sla::attribute_code(r.code, config.attribution);
        out += fmt::format("{:<62} {:<13} {:<9} {}{}\n", code, sla::to_string(a.outcome),
                           class_name(a.outcome), a.clause, a.overridden ? "  (moved)" : "");
    }
    for (const auto& o : config.attribution) {
        const auto a = sla::attribute_code(o.code, config.attribution);
        out += fmt::format("override  {} -> {} ({}): {}\n", text::escape_text(o.code),
                           class_name(a.outcome), sla::to_string(a.outcome),
                           text::escape_text(o.reason));
    }
    return out;
}

boost::json::object attribution_json(const config::Config& config) {
    boost::json::array rules;
    for (const auto& r : sla::code_rules()) {
        const auto a = r.family ? sla::CodeAttribution{r.outcome, r.clause, r.code, {}, false}
                                : sla::attribute_code(r.code, config.attribution);
        boost::json::array lists;
        if (r.lists & sla::list_tcmpp) lists.emplace_back("tcmpp");
        if (r.lists & sla::list_tcsas) lists.emplace_back("tcsas");
        if (r.lists & sla::list_common) lists.emplace_back("common");
        rules.push_back(boost::json::object{{"code", r.code},
                                            {"family", r.family},
                                            {"outcome", sla::to_string(a.outcome)},
                                            {"class", class_name(a.outcome)},
                                            {"clause", a.clause},
                                            {"overridden", a.overridden},
                                            {"lists", std::move(lists)}});
    }
    boost::json::array overrides;
    for (const auto& o : config.attribution) {
        const auto a = sla::attribute_code(o.code, config.attribution);
        overrides.push_back(boost::json::object{{"code", o.code},
                                                {"class", class_name(a.outcome)},
                                                {"outcome", sla::to_string(a.outcome)},
                                                {"reason", o.reason}});
    }
    return boost::json::object{
        {"unknown_code",
         {{"class", "provider"}, {"outcome", "api_error"}, {"clause", sla::provider_clause}}},
        {"rules", std::move(rules)},
        {"overrides", std::move(overrides)}};
}

}  // namespace slawatch::cli
