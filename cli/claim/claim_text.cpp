// SPDX-License-Identifier: Apache-2.0
// The shared parts of a claim package (claim_text.hpp).

#include "cli/claim/claim_text.hpp"
#include "cli/common/output.hpp"

#include "text/escape.hpp"

#include <fmt/format.h>

namespace slawatch::cli {

// The IDs and the month's figures.
std::string summary_markdown(const config::Config& c, const sla::MonthReport& r,
                             const sla::Money& amount) {
    std::string out;
    out += fmt::format("# SLA compensation claim: {}\n\n", text::escape_markdown(c.contract.name));
    out += fmt::format("- User ID: {}\n- Order ID: {}\n", text::escape_markdown(c.contract.user_id),
                       text::escape_markdown(c.contract.order_id));
    out += fmt::format("- Service Month {}: {} to {} ({} days, {} minutes){}\n", r.month.index,
                       sla::format_date(r.month.first), sla::format_date(r.month.last),
                       r.month.days(), r.total_minutes, r.complete ? "" : " - NOT YET ENDED");
    out += fmt::format("- Unavailable minutes: {}\n", r.unavailable);
    out += fmt::format("- Excluded minutes: {} maintenance, {} local network, {} customer\n",
                       r.maintenance, r.local_network, r.customer);
    out += fmt::format("- Minutes without evidence (unknown, not counted): {}\n", r.unknown);
    out += fmt::format("- Availability: {} % (standard {} %: {})\n", r.availability_text,
                       c.contract.terms.standard.to_string(), r.standard_met ? "met" : "not met");
    out += fmt::format("- Compensation: {} % of the month's fee {} {} = {} {}\n",
                       r.compensation_percent, r.fee.to_string(), r.currency, amount.to_string(),
                       r.currency);
    out += fmt::format("- Claim window: {} to {} (inclusive)\n\n", sla::format_date(r.claim.opens),
                       sla::format_date(r.claim.deadline));
    return out;
}

// One row per cited call of each down minute.
std::string minutes_markdown(const std::vector<DownMinute>& minutes, const sla::TimeZone& zone) {
    std::string out =
        "| minute | probes down | sent | probe | outcome | HTTP status | error code | request id "
        "|\n";
    out += "|---|---|---|---|---|---|---|---|\n";
    for (const auto& m : minutes) {
        std::string probes;
        for (const auto& name : m.probes)
            probes += (probes.empty() ? "" : ", ") + text::escape_markdown(name);
        if (m.results.empty()) {
            out += fmt::format("| {} | {} | | | | | | |\n", zone.format_minute(m.minute), probes);
        }
        for (const auto& res : m.results) {
            const auto& s = res.sample;
            out += fmt::format(
                "| {} | {} | {} | {} | {} | {} | {} | {} |\n", zone.format_minute(m.minute), probes,
                zone.format_millis(s.sent_ms), text::escape_markdown(res.probe),
                sla::to_string(s.outcome), s.http_status ? std::to_string(s.http_status) : "",
                text::escape_markdown(s.error_code), text::escape_markdown(s.request_id));
        }
    }
    return out;
}

std::string minute_fields_json(const DownMinute& m, const sla::TimeZone& zone,
                               std::string_view indent) {
    std::string probes;
    for (const auto& name : m.probes) probes += (probes.empty() ? "" : ", ") + json_quote(name);
    std::string evidence;
    for (const auto& res : m.results) {
        const auto& s = res.sample;
        evidence += fmt::format(
            "{}\n{}  {{\"sent\": \"{}\", \"probe\": {}, \"outcome\": \"{}\", "
            "\"http_status\": "
            "{}, \"error_code\": {}, \"request_id\": {}}}",
            evidence.empty() ? "" : ",", indent, zone.format_millis(s.sent_ms),
            json_quote(res.probe), sla::to_string(s.outcome),
            s.http_status ? std::to_string(s.http_status) : "null",
            s.error_code.empty() ? "null" : json_quote(s.error_code),
            s.request_id.empty() ? "null" : json_quote(s.request_id));
    }
    return fmt::format("\"probes\": [{}], \"evidence\": [{}\n{}]", probes, evidence, indent);
}

std::string claim_json(const config::Config& c, const sla::MonthReport& r, const sla::Money& amount,
                       const std::string& unavailable, const std::string& failures,
                       const std::string& evidence, const std::string& more_fields) {
    return fmt::format(
        "{{\n  \"contract\": {},\n  \"user_id\": {},\n  \"order_id\": {},\n"
        "  \"service_month\": {{\"index\": {}, \"start\": \"{}\", \"end\": \"{}\", \"days\": "
        "{}}},\n"
        "  \"complete\": {},\n  \"total_minutes\": {},\n  \"unavailable_minutes\": {},\n"
        "  \"excluded_minutes\": {{\"maintenance\": {}, \"local_network\": {}, \"customer\": "
        "{}}},\n"
        "  \"unknown_minutes\": {},\n  \"availability_percent\": {},\n  \"standard_met\": {},\n"
        "  \"compensation\": {{\"percent\": {}, \"amount\": \"{}\", \"fee\": \"{}\", \"currency\": "
        "{}}},\n"
        "  \"claim\": {{\"opens\": \"{}\", \"deadline\": \"{}\"}},\n"
        "  \"unavailable\": [{}\n  ],\n  \"failures_by_code\": {},\n  \"evidence\": {}{}\n}}\n",
        json_quote(c.contract.name), json_quote(c.contract.user_id),
        json_quote(c.contract.order_id), r.month.index, sla::format_date(r.month.first),
        sla::format_date(r.month.last), r.month.days(), r.complete ? "true" : "false",
        r.total_minutes, r.unavailable, r.maintenance, r.local_network, r.customer, r.unknown,
        r.availability_text, r.standard_met ? "true" : "false", r.compensation_percent,
        amount.to_string(), r.fee.to_string(), json_quote(r.currency),
        sla::format_date(r.claim.opens), sla::format_date(r.claim.deadline), unavailable, failures,
        evidence, more_fields);
}

}  // namespace slawatch::cli
