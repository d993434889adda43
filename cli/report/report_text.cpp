// SPDX-License-Identifier: Apache-2.0
// The month figures as `report` prints them (report_text.hpp).

#include "cli/report/report_text.hpp"
#include "cli/common/output.hpp"
#include "cli/report/month_figures.hpp"

#include "cli/report/failure_codes.hpp"
#include "text/escape.hpp"

#include <fmt/format.h>

namespace slawatch::cli {

std::string report_json(const ReportFigures& f, std::string_view more_fields) {
    const auto& r = f.r;
    const auto& m = r.month;
    std::string probes;
    for (const auto& p : r.probes) {
        const auto* probe = f.config.find_probe(p.name);
        if (!probes.empty()) probes += ", ";
        probes += fmt::format(
            "{{\"name\": {}, \"role\": {}, \"down_minutes\": {}, \"up_minutes\": {}, "
            "\"unknown_minutes\": {}, \"excluded_minutes\": {}}}",
            json_quote(p.name), json_quote(probe ? config::to_string(probe->role) : "service"),
            p.counts[sla::MinuteState::down], p.counts[sla::MinuteState::up],
            p.counts[sla::MinuteState::unknown],
            p.counts[sla::MinuteState::maintenance] + p.counts[sla::MinuteState::local_network] +
                p.counts[sla::MinuteState::customer]);
    }
    return fmt::format(
        "{{\n"
        "  \"contract\": {},\n"
        "  \"service_month\": {{\"index\": {}, \"start\": \"{}\", \"end\": \"{}\", \"days\": "
        "{}}},\n"
        "  \"total_minutes\": {},\n"
        "  \"elapsed_minutes\": {},\n"
        "  \"complete\": {},\n"
        "  \"up_minutes\": {},\n"
        "  \"unavailable_minutes\": {},\n"
        "  \"excluded_minutes\": {{\"maintenance\": {}, \"local_network\": {}, \"customer\": "
        "{}}},\n"
        "  \"unknown_minutes\": {},\n"
        "  \"availability_percent\": {},\n"
        "  \"standard_percent\": {},\n"
        "  \"standard_met\": {},\n"
        "  \"budget\": {{\"minutes\": {}, \"used\": {}, \"left\": {}}},\n"
        "  \"projected\": {{\"available\": {}, \"unavailable_minutes\": {}, \"percent\": {}}},\n"
        "  \"compensation\": {{\"percent\": {}, \"amount\": \"{}\", \"amount_before_cap\": \"{}\", "
        "\"fee\": \"{}\", \"currency\": {}}},\n"
        "  \"claim\": {{\"opens\": \"{}\", \"deadline\": \"{}\"}},\n"
        "  \"probes\": [{}],\n"
        "  \"failures_by_code\": {}{}\n"
        "}}\n",
        json_quote(f.config.contract.name), m.index, sla::format_date(m.first),
        sla::format_date(m.last), m.days(), r.total_minutes, r.elapsed_minutes,
        r.complete ? "true" : "false", r.up, r.unavailable, r.maintenance, r.local_network,
        r.customer, r.unknown, r.availability_text, f.config.contract.terms.standard.to_string(),
        r.standard_met ? "true" : "false", r.budget_minutes, r.unavailable, r.budget_left,
        r.projected ? "true" : "false", r.projected_unavailable, r.projected_percent,
        r.compensation_percent, f.capped.to_string(), r.compensation.to_string(), r.fee.to_string(),
        json_quote(r.currency), sla::format_date(r.claim.opens), sla::format_date(r.claim.deadline),
        probes, failures_json(f.config, f.failures), more_fields);
}

std::string report_table(const ReportFigures& f, bool per_host) {
    const auto& r = f.r;
    const auto& m = r.month;
    std::string out;
    out +=
        fmt::format("{}: Service Month {} ({} to {}, {} days){}\n",
                    text::escape_text(f.config.contract.name), m.index, sla::format_date(m.first),
                    sla::format_date(m.last), m.days(), r.complete ? "" : ", still running");
    out += fmt::format("  total minutes        {}\n", r.total_minutes);
    if (!r.complete) out += fmt::format("  elapsed minutes      {}\n", r.elapsed_minutes);
    out += fmt::format("  unavailable minutes  {}\n", r.unavailable);
    out += fmt::format("  excluded minutes     {} maintenance, {} local network, {} customer\n",
                       r.maintenance, r.local_network, r.customer);
    out += fmt::format("  unknown minutes      {} (no evidence: not counted)\n", r.unknown);
    out += fmt::format("  availability         {} % (standard {} %: {})\n", r.availability_text,
                       f.config.contract.terms.standard.to_string(),
                       r.standard_met ? "met" : "NOT met");
    out += fmt::format("  error budget         {} minutes, {} left\n", r.budget_minutes,
                       r.budget_left);
    if (!r.complete) out += "  projected            " + projection_text(r) + "\n";
    out += fmt::format("  compensation         {} % = {} {} of fee {} {}\n", r.compensation_percent,
                       f.capped.to_string(), r.currency, r.fee.to_string(), r.currency);
    out += fmt::format("  claim window         {} to {}\n", sla::format_date(r.claim.opens),
                       sla::format_date(r.claim.deadline));
    // Probes and failures are a host's own; the quorum's figures have none.
    if (!per_host) return out;
    out += "\n  probe                 role      down   up      unknown  excluded\n";
    for (const auto& p : r.probes) {
        const auto* probe = f.config.find_probe(p.name);
        out += fmt::format(
            "  {:<21} {:<9} {:<6} {:<7} {:<8} {}\n", text::escape_text(p.name),
            probe ? config::to_string(probe->role) : "", p.counts[sla::MinuteState::down],
            p.counts[sla::MinuteState::up], p.counts[sla::MinuteState::unknown],
            p.counts[sla::MinuteState::maintenance] + p.counts[sla::MinuteState::local_network] +
                p.counts[sla::MinuteState::customer]);
    }
    return out + failures_text(f.config, f.failures);
}

}  // namespace slawatch::cli
