// SPDX-License-Identifier: Apache-2.0
// `slawatch claim`: the R11 claim package of one Service Month: the user and
// order IDs, the month's figures, and every unavailable minute with its
// evidence. R12: outcomes, statuses, API codes and request ids only.

#include "cli/claim_evidence.hpp"
#include "cli/commands.hpp"
#include "cli/evidence.hpp"
#include "cli/exit_codes.hpp"
#include "cli/failure_codes.hpp"
#include "cli/html_claim.hpp"
#include "cli/store_cli.hpp"

#include <fmt/format.h>

namespace slawatch::cli {
namespace {

struct ClaimOptions {
    StoreOptions store;
    std::string month;
    std::string format = "markdown";
    std::string output;
};

struct Package {
    const config::Config& config;
    sla::MonthReport r;
    sla::Money amount;  // after the 12-month cap
    std::vector<DownMinute> minutes;
    ClaimEvidence evidence;                       // claim_evidence.hpp
    std::vector<storage::FailureCount> failures;  // R4: why each minute counted
};

std::string to_markdown(const Package& p) {
    const auto& c = p.config;
    const auto& r = p.r;
    const auto& zone = c.contract.terms.zone;
    std::string out;
    out += fmt::format("# SLA compensation claim: {}\n\n", c.contract.name);
    out += fmt::format("- User ID: {}\n- Order ID: {}\n", c.contract.user_id, c.contract.order_id);
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
                       r.compensation_percent, r.fee.to_string(), r.currency, p.amount.to_string(),
                       r.currency);
    out += fmt::format("- Claim window: {} to {} (inclusive)\n\n", sla::format_date(r.claim.opens),
                       sla::format_date(r.claim.deadline));
    out += fmt::format("## Unavailable minutes ({})\n\n", p.minutes.size());
    if (p.minutes.empty()) {
        return out + "None.\n" + failures_markdown(c, p.failures) +
               evidence_markdown(p.evidence, zone);
    }
    out +=
        "| minute | probes down | sent | probe | outcome | HTTP status | error code | request id "
        "|\n";
    out += "|---|---|---|---|---|---|---|---|\n";
    for (const auto& m : p.minutes) {
        std::string probes;
        for (const auto& name : m.probes) probes += (probes.empty() ? "" : ", ") + name;
        if (m.results.empty()) {
            out += fmt::format("| {} | {} | | | | | | |\n", zone.format_minute(m.minute), probes);
        }
        for (const auto& res : m.results) {
            const auto& s = res.sample;
            out += fmt::format(
                "| {} | {} | {} | {} | {} | {} | {} | {} |\n", zone.format_minute(m.minute), probes,
                zone.format_millis(s.sent_ms), res.probe, sla::to_string(s.outcome),
                s.http_status ? std::to_string(s.http_status) : "", s.error_code, s.request_id);
        }
    }
    return out + failures_markdown(c, p.failures) + evidence_markdown(p.evidence, zone);
}

std::string to_json(const Package& p) {
    const auto& c = p.config;
    const auto& r = p.r;
    const auto& zone = c.contract.terms.zone;
    std::string minutes;
    for (const auto& m : p.minutes) {
        std::string probes;
        for (const auto& name : m.probes) probes += (probes.empty() ? "" : ", ") + json_quote(name);
        std::string evidence;
        for (const auto& res : m.results) {
            const auto& s = res.sample;
            evidence += fmt::format(
                "{}\n      {{\"sent\": \"{}\", \"probe\": {}, \"outcome\": \"{}\", "
                "\"http_status\": "
                "{}, \"error_code\": {}, \"request_id\": {}}}",
                evidence.empty() ? "" : ",", zone.format_millis(s.sent_ms), json_quote(res.probe),
                sla::to_string(s.outcome), s.http_status ? std::to_string(s.http_status) : "null",
                s.error_code.empty() ? "null" : json_quote(s.error_code),
                s.request_id.empty() ? "null" : json_quote(s.request_id));
        }
        minutes += fmt::format(
            "{}\n    {{\"minute\": \"{}\", \"probes\": [{}], \"evidence\": [{}\n    ]}}",
            minutes.empty() ? "" : ",", zone.format_minute(m.minute), probes, evidence);
    }
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
        "  \"unavailable\": [{}\n  ],\n  \"failures_by_code\": {},\n  \"evidence\": {}\n}}\n",
        json_quote(c.contract.name), json_quote(c.contract.user_id),
        json_quote(c.contract.order_id), r.month.index, sla::format_date(r.month.first),
        sla::format_date(r.month.last), r.month.days(), r.complete ? "true" : "false",
        r.total_minutes, r.unavailable, r.maintenance, r.local_network, r.customer, r.unknown,
        r.availability_text, r.standard_met ? "true" : "false", r.compensation_percent,
        p.amount.to_string(), r.fee.to_string(), json_quote(r.currency),
        sla::format_date(r.claim.opens), sla::format_date(r.claim.deadline), minutes,
        failures_json(c, p.failures), evidence_json(p.evidence, zone));
}

void run_claim(const ClaimOptions& o) {
    const auto config = load_config(o.store.config);
    // R11: a claim without the user ID and the order ID is not a claim.
    std::string missing;
    if (config.contract.user_id.empty()) missing += " contract.user_id";
    if (config.contract.order_id.empty()) missing += " contract.order_id";
    if (!missing.empty()) {
        throw CommandError(exit_usage, fmt::format("{}: a claim needs{} (SLA 3.3)",
                                                   config.file.string(), missing));
    }
    const auto month = service_month_arg(config, o.month);
    const auto& zone = config.contract.terms.zone;
    auto store = open_store_for_figures(config, o.store);
    const auto now = now_ms();
    try {
        const auto from = zone.start_of_day(month.first);
        const auto to =
            std::min(zone.start_of_day(sla::add_days(month.last, 1)), sla::minute_of_ms(now));
        Package p{config,
                  store->month_report(month, now),
                  capped_compensation(*store, config, month, now),
                  down_minutes(*store, from, to),
                  {},
                  store->failures_by_code(from, to)};
        p.evidence = claim_evidence(*store, p.minutes, from * 60'000,
                                    zone.start_of_day(sla::add_days(month.last, 1)) * 60'000);
        if (o.format == "html") {
            write_output(html::claim_page({config, p.r, p.amount, p.minutes, p.evidence, p.failures,
                                           html::month_minutes(*store, zone, month, now)}),
                         o.output);
        } else {
            write_output(o.format == "json" ? to_json(p) : to_markdown(p), o.output);
        }
    } catch (const storage::StoreError& e) {
        throw CommandError(exit_failure, std::string("slawatch: ") + e.what());
    }
}

}  // namespace

void register_claim(CLI::App& app) {
    auto options = std::make_shared<ClaimOptions>();
    auto* cmd = app.add_subcommand(
        "claim", "The claim package of a Service Month: IDs, figures and per-minute evidence");
    add_store_options(*cmd, options->store);
    cmd->add_option("--month", options->month, "Calendar month YYYY-MM (contract time zone)")
        ->required();
    cmd->add_option("--format", options->format, "markdown, json or html")
        ->check(CLI::IsMember({"markdown", "json", "html"}));
    cmd->add_option("--output", options->output, "Write to this file instead of stdout");
    cmd->callback([options] { run_claim(*options); });
}

}  // namespace slawatch::cli
