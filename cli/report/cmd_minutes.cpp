// SPDX-License-Identifier: Apache-2.0
// `slawatch minutes`: per-minute states of every probe and the service row.

#include "cli/commands.hpp"
#include "cli/common/args.hpp"
#include "cli/common/exit_codes.hpp"
#include "cli/common/output.hpp"
#include "cli/common/store_cli.hpp"
#include "text/escape.hpp"

#include <fmt/format.h>

#include <iostream>
#include <map>

namespace slawatch::cli {
namespace {

struct MinutesOptions {
    StoreOptions store;
    std::string from;
    std::string to;
    std::string probe;
    std::string format = "csv";
};

// The first minute starting at or after `ms`.
sla::EpochMinute minute_at_or_after(sla::EpochMillis ms) {
    return sla::minute_of_ms(ms + 59'999);
}

void run_minutes(const MinutesOptions& o) {
    const auto config = load_config(o.store.config);
    const auto from = minute_at_or_after(time_arg(o.from, "--from"));
    const auto to = minute_at_or_after(time_arg(o.to, "--to"));
    if (to < from) throw CommandError(exit_usage, "--to lies before --from");
    if (to - from > 366LL * 1440) throw CommandError(exit_usage, "at most 366 days at a time");
    std::vector<std::string> names;
    if (!o.probe.empty()) {
        if (o.probe != "service" && !config.find_probe(o.probe)) {
            throw CommandError(
                exit_usage, fmt::format("--probe: unknown probe {}", text::quote_field(o.probe)));
        }
        names.push_back(o.probe);
    } else {
        names.push_back("service");
        for (const auto& p : config.probes) names.push_back(p.name);
    }
    const auto opened = open_verified_store(config, o.store, now_ms());
    const auto& store = opened.figures;
    const auto stored = store->minutes(
        from, to, o.probe.empty() ? std::nullopt : std::optional<std::string>(o.probe));
    std::map<std::pair<sla::EpochMinute, std::string>, const storage::MinuteRow*> by_key;
    for (const auto& r : stored) by_key[{r.minute, r.probe}] = &r;

    const auto& zone = config.contract.terms.zone;
    const bool json = o.format == "json";
    std::string out = json ? "[" : "minute,probe,state,samples,failures\n";
    bool first = true;
    for (auto m = from; m < to; ++m) {
        for (const auto& name : names) {
            // Minutes never derived have no evidence: unknown (R3).
            storage::MinuteRow row{m, name, sla::MinuteState::unknown, 0, 0};
            if (auto it = by_key.find({m, name}); it != by_key.end()) row = *it->second;
            if (json) {
                out += fmt::format(
                    "{}\n  {{\"minute\": \"{}\", \"probe\": {}, \"state\": \"{}\", \"samples\": "
                    "{}, "
                    "\"failures\": {}}}",
                    first ? "" : ",", zone.format_minute(m), json_quote(name),
                    sla::to_string(row.state), row.samples, row.failures);
            } else {
                out += fmt::format("{},{},{},{},{}\n", zone.format_minute(m), text::csv_field(name),
                                   sla::to_string(row.state), row.samples, row.failures);
            }
            first = false;
            if (out.size() > (1 << 20)) {
                std::cout << out;
                out.clear();
            }
        }
    }
    if (json) out += first ? "]\n" : "\n]\n";
    std::cout << out << std::flush;
}

}  // namespace

void register_minutes(CLI::App& app) {
    auto options = std::make_shared<MinutesOptions>();
    auto* cmd = app.add_subcommand("minutes", "Per-minute states in [from, to)");
    add_store_options(*cmd, options->store);
    cmd->add_option("--from", options->from, "Start, RFC 3339")->required();
    cmd->add_option("--to", options->to, "End (exclusive), RFC 3339")->required();
    cmd->add_option("--probe", options->probe, "One probe (\"service\" for the service row)");
    cmd->add_option("--format", options->format, "csv or json")
        ->check(CLI::IsMember({"csv", "json"}));
    cmd->callback([options] { run_minutes(*options); });
}

}  // namespace slawatch::cli
