// SPDX-License-Identifier: Apache-2.0
// `slawatch report`: one Service Month's figures (R6-R10) as a table, JSON, CSV
// or a self-contained HTML page (report_output.hpp).

#include "cli/commands.hpp"
#include "cli/common/args.hpp"
#include "cli/common/store_cli.hpp"
#include "cli/report/report_output.hpp"

#include <iostream>

namespace slawatch::cli {
namespace {

struct ReportOptions {
    StoreOptions store;
    std::string month;
    std::string format = "table";
};

void run_report(const ReportOptions& o) {
    const auto config = load_config(o.store.config);
    const auto month = service_month_arg(config, o.month);
    const auto now = now_ms();
    const auto opened = open_verified_store(config, o.store, now);
    std::cout << report_output(config, *opened.figures, month, now, o.format);
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
