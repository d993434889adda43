// SPDX-License-Identifier: Apache-2.0
// `slawatch incidents`: runs of consecutive unavailable (down) service minutes.

#include "cli/commands.hpp"
#include "cli/common/args.hpp"
#include "cli/common/exit_codes.hpp"
#include "cli/common/output.hpp"
#include "cli/common/store_cli.hpp"
#include "cli/report/down_minutes.hpp"
#include "text/escape.hpp"

#include <fmt/format.h>

#include <iostream>

namespace slawatch::cli {
namespace {

struct IncidentsOptions {
    StoreOptions store;
    std::string from;
    std::string to;
    std::string month;
    std::string format = "table";
};

std::string outcome_text(const std::map<std::string, int>& counts, const char* sep) {
    std::string out;
    for (const auto& [outcome, n] : counts) {
        if (!out.empty()) out += sep;
        out += fmt::format("{} x{}", text::escape_text(outcome), n);
    }
    return out;
}

void run_incidents(const IncidentsOptions& o) {
    const auto config = load_config(o.store.config);
    const auto& zone = config.contract.terms.zone;
    sla::EpochMinute from = 0;
    sla::EpochMinute to = 0;
    if (!o.month.empty()) {
        if (!o.from.empty() || !o.to.empty()) {
            throw CommandError(exit_usage, "give either --month or --from/--to, not both");
        }
        const auto month = service_month_arg(config, o.month);
        from = zone.start_of_day(month.first);
        to = zone.start_of_day(sla::add_days(month.last, 1));
    } else if (!o.from.empty() && !o.to.empty()) {
        from = sla::minute_of_ms(time_arg(o.from, "--from") + 59'999);
        to = sla::minute_of_ms(time_arg(o.to, "--to") + 59'999);
        if (to < from) throw CommandError(exit_usage, "--to lies before --from");
    } else {
        throw CommandError(exit_usage, "give --month YYYY-MM or both --from and --to");
    }
    const auto opened = open_verified_store(config, o.store, now_ms());
    const auto& store = opened.figures;
    const auto found = incidents(down_minutes(*store, from, to));
    std::string out;
    if (o.format == "json") {
        out = "[";
        for (std::size_t i = 0; i < found.size(); ++i) {
            const auto& inc = found[i];
            std::string probes;
            for (const auto& p : inc.probes) probes += (probes.empty() ? "" : ", ") + json_quote(p);
            std::string outcomes;
            for (const auto& [probe, counts] : inc.outcomes) {
                std::string c;
                for (const auto& [name, n] : counts) {
                    c += fmt::format("{}{}: {}", c.empty() ? "" : ", ", json_quote(name), n);
                }
                outcomes +=
                    fmt::format("{}{}: {{{}}}", outcomes.empty() ? "" : ", ", json_quote(probe), c);
            }
            out += fmt::format(
                "{}\n  {{\"start\": \"{}\", \"end\": \"{}\", \"duration_minutes\": {}, "
                "\"probes\": [{}], \"outcomes\": {{{}}}}}",
                i ? "," : "", zone.format_minute(inc.start), zone.format_minute(inc.end),
                inc.end - inc.start, probes, outcomes);
        }
        out += found.empty() ? "]\n" : "\n]\n";
    } else {
        std::int64_t total = 0;
        for (const auto& inc : found) {
            total += inc.end - inc.start;
            out += fmt::format("{} to {}  {} min\n", zone.format_minute(inc.start),
                               zone.format_minute(inc.end), inc.end - inc.start);
            for (const auto& p : inc.probes) {
                const auto it = inc.outcomes.find(p);
                out += fmt::format("    {:<20} {}\n", text::escape_text(p),
                                   it == inc.outcomes.end() ? "" : outcome_text(it->second, ", "));
            }
        }
        out += fmt::format("{} incidents, {} unavailable minutes\n", found.size(), total);
    }
    std::cout << out;
}

}  // namespace

void register_incidents(CLI::App& app) {
    auto options = std::make_shared<IncidentsOptions>();
    auto* cmd = app.add_subcommand("incidents",
                                   "Runs of unavailable service minutes with the failing probes");
    add_store_options(*cmd, options->store);
    cmd->add_option("--from", options->from, "Start, RFC 3339");
    cmd->add_option("--to", options->to, "End (exclusive), RFC 3339");
    cmd->add_option("--month", options->month, "A Service Month, YYYY-MM");
    cmd->add_option("--format", options->format, "table or json")
        ->check(CLI::IsMember({"table", "json"}));
    cmd->callback([options] { run_incidents(*options); });
}

}  // namespace slawatch::cli
