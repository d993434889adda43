// SPDX-License-Identifier: Apache-2.0
// `slawatch report`: one Service Month's figures (R6-R10) as a table, JSON, CSV
// or a self-contained HTML page (html_month.hpp).

#include "cli/commands.hpp"
#include "cli/evidence.hpp"
#include "cli/evidence_status.hpp"
#include "cli/exit_codes.hpp"
#include "cli/failure_codes.hpp"
#include "cli/html_month.hpp"
#include "cli/report_text.hpp"
#include "cli/store_cli.hpp"
#include "text/escape.hpp"

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

using Figures = ReportFigures;

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
                       f.capped.to_string(), r.fee.to_string(), text::csv_field(r.currency),
                       sla::format_date(r.claim.opens), sla::format_date(r.claim.deadline));
    return out;
}

void run_report(const ReportOptions& o) {
    const auto config = load_config(o.store.config);
    const auto month = service_month_arg(config, o.month);
    const auto now = now_ms();
    const auto opened = open_verified_store(config, o.store, now);
    const auto& store = opened.figures;
    try {
        const auto& zone = config.contract.terms.zone;
        const Figures f{config, store->month_report(month, now),
                        capped_compensation(*store, config, month, now),
                        store->failures_by_code(zone.start_of_day(month.first),
                                                zone.start_of_day(sla::add_days(month.last, 1)))};
        const auto& evidence = store->status();
        if (o.format == "json") {
            std::cout << report_json(f,
                                     ",\n  \"evidence\": " + evidence_status_json(evidence, zone));
        } else if (o.format == "html") {
            // The same figures, plus the month's minutes and incidents to draw.
            const auto from = zone.start_of_day(month.first);
            const auto to =
                std::min(zone.start_of_day(sla::add_days(month.last, 1)), sla::minute_of_ms(now));
            std::cout << html::month_page({config,
                                           f.r,
                                           f.capped,
                                           f.failures,
                                           html::month_minutes(*store, zone, month, now),
                                           incidents(down_minutes(*store, from, to)),
                                           {},
                                           true});
        } else if (o.format == "csv") {
            std::cout << to_csv(f);
        } else {
            std::cout << report_table(f) << evidence_status_text(evidence, zone);
        }
    } catch (const storage::StoreError& e) {
        throw CommandError(store_exit_code(e), std::string("slawatch: ") + e.what());
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
