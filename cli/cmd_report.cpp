// SPDX-License-Identifier: Apache-2.0
// `slawatch report`: one Service Month's figures (R6-R10) as a table, JSON, CSV
// or a self-contained HTML page (html_month.hpp).

#include "cli/commands.hpp"
#include "cli/evidence.hpp"
#include "cli/exit_codes.hpp"
#include "cli/failure_codes.hpp"
#include "cli/html_month.hpp"
#include "cli/store_cli.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>

namespace slawatch::cli {
namespace {

struct ReportOptions {
    StoreOptions store;
    std::string month;
    std::string format = "table";
};

struct Figures {
    const config::Config& config;
    sla::MonthReport r;
    sla::Money capped;                            // R9 after the 12-month cap
    std::vector<storage::FailureCount> failures;  // R4: why each minute counted
};

std::string to_json(const Figures& f) {
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
        "  \"failures_by_code\": {}\n"
        "}}\n",
        json_quote(f.config.contract.name), m.index, sla::format_date(m.first),
        sla::format_date(m.last), m.days(), r.total_minutes, r.elapsed_minutes,
        r.complete ? "true" : "false", r.up, r.unavailable, r.maintenance, r.local_network,
        r.customer, r.unknown, r.availability_text, f.config.contract.terms.standard.to_string(),
        r.standard_met ? "true" : "false", r.budget_minutes, r.unavailable, r.budget_left,
        r.projected ? "true" : "false", r.projected_unavailable, r.projected_percent,
        r.compensation_percent, f.capped.to_string(), r.compensation.to_string(), r.fee.to_string(),
        json_quote(r.currency), sla::format_date(r.claim.opens), sla::format_date(r.claim.deadline),
        probes, failures_json(f.config, f.failures));
}

std::string to_csv(const Figures& f) {
    const auto& r = f.r;
    std::string out =
        "service_month,start,end,total_minutes,elapsed_minutes,unavailable_minutes,"
        "maintenance_minutes,local_network_minutes,customer_minutes,unknown_minutes,"
        "availability_percent,standard_met,compensation_percent,compensation_amount,fee,"
        "currency,claim_opens,claim_deadline\n";
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                       sla::format_year_month(r.month.calendar_month()),
                       sla::format_date(r.month.first), sla::format_date(r.month.last),
                       r.total_minutes, r.elapsed_minutes, r.unavailable, r.maintenance,
                       r.local_network, r.customer, r.unknown, r.availability_text,
                       r.standard_met ? "true" : "false", r.compensation_percent,
                       f.capped.to_string(), r.fee.to_string(), r.currency,
                       sla::format_date(r.claim.opens), sla::format_date(r.claim.deadline));
    return out;
}

std::string to_table(const Figures& f) {
    const auto& r = f.r;
    const auto& m = r.month;
    std::string out;
    out += fmt::format("{}: Service Month {} ({} to {}, {} days){}\n", f.config.contract.name,
                       m.index, sla::format_date(m.first), sla::format_date(m.last), m.days(),
                       r.complete ? "" : ", still running");
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
    out += "\n  probe                 role      down   up      unknown  excluded\n";
    for (const auto& p : r.probes) {
        const auto* probe = f.config.find_probe(p.name);
        out += fmt::format(
            "  {:<21} {:<9} {:<6} {:<7} {:<8} {}\n", p.name,
            probe ? config::to_string(probe->role) : "", p.counts[sla::MinuteState::down],
            p.counts[sla::MinuteState::up], p.counts[sla::MinuteState::unknown],
            p.counts[sla::MinuteState::maintenance] + p.counts[sla::MinuteState::local_network] +
                p.counts[sla::MinuteState::customer]);
    }
    return out + failures_text(f.config, f.failures);
}

void run_report(const ReportOptions& o) {
    const auto config = load_config(o.store.config);
    const auto month = service_month_arg(config, o.month);
    auto store = open_store_for_figures(config, o.store);
    const auto now = now_ms();
    try {
        const auto& zone = config.contract.terms.zone;
        const Figures f{config, store->month_report(month, now),
                        capped_compensation(*store, config, month, now),
                        store->failures_by_code(zone.start_of_day(month.first),
                                                zone.start_of_day(sla::add_days(month.last, 1)))};
        if (o.format == "json") {
            std::cout << to_json(f);
        } else if (o.format == "html") {
            // The same figures, plus the month's minutes and incidents to draw.
            const auto from = zone.start_of_day(month.first);
            const auto to =
                std::min(zone.start_of_day(sla::add_days(month.last, 1)), sla::minute_of_ms(now));
            std::cout << html::month_page({config, f.r, f.capped, f.failures,
                                           html::month_minutes(*store, zone, month, now),
                                           incidents(down_minutes(*store, from, to))});
        } else if (o.format == "csv") {
            std::cout << to_csv(f);
        } else {
            std::cout << to_table(f);
        }
    } catch (const storage::StoreError& e) {
        throw CommandError(exit_failure, std::string("slawatch: ") + e.what());
    }
}

}  // namespace

void register_report(CLI::App& app) {
    auto options = std::make_shared<ReportOptions>();
    auto* cmd = app.add_subcommand("report",
                                   "Figures of one Service Month: availability, "
                                   "compensation, claim window");
    add_store_options(*cmd, options->store);
    cmd->add_option("--month", options->month, "Calendar month YYYY-MM (contract time zone)")
        ->required();
    cmd->add_option("--format", options->format, "table, json, csv or html")
        ->check(CLI::IsMember({"table", "json", "csv", "html"}));
    cmd->callback([options] { run_report(*options); });
}

}  // namespace slawatch::cli
