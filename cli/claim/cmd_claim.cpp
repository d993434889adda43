// SPDX-License-Identifier: Apache-2.0
// `slawatch claim`: the R11 claim package of one Service Month: the user and
// order IDs, the month's figures, and every unavailable minute with its
// evidence. R12: outcomes, statuses, API codes and request ids only.

#include "cli/claim/claim_evidence.hpp"
#include "cli/claim/claim_quorum.hpp"
#include "cli/claim/claim_text.hpp"
#include "cli/claim/claim_timestamps.hpp"
#include "cli/commands.hpp"
#include "cli/common/args.hpp"
#include "cli/common/config_file.hpp"
#include "cli/common/exit_codes.hpp"
#include "cli/common/output.hpp"
#include "cli/common/store_cli.hpp"
#include "cli/evidence/evidence_status.hpp"
#include "cli/html/html_claim.hpp"
#include "cli/report/down_minutes.hpp"
#include "cli/report/failure_codes.hpp"
#include "cli/report/month_figures.hpp"

#include <fmt/format.h>

namespace slawatch::cli {
namespace {

struct ClaimOptions {
    StoreOptions store;
    std::vector<std::string> dbs;  // --db: one, or with --quorum two or more
    QuorumInputOptions quorum;     // --quorum K (0: one database), --allow-unsigned
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
    const storage::EvidenceStatus& verified;      // what the figures rest on
    std::vector<ClaimTimestamp> timestamps;       // claim_timestamps.hpp
};

std::string to_markdown(const Package& p) {
    const auto& zone = p.config.contract.terms.zone;
    std::string out = summary_markdown(p.config, p.r, p.amount);
    out += fmt::format("## Unavailable minutes ({})\n\n", p.minutes.size());
    out += p.minutes.empty() ? "None.\n" : minutes_markdown(p.minutes, zone);
    out += failures_markdown(p.config, p.failures) + evidence_markdown(p.evidence, zone);
    out += timestamps_markdown(p.timestamps, p.config, zone);
    return out + "\nThe figures above are derived from this evidence alone, after it verified:\n" +
           evidence_status_text(p.verified, zone, "- ");
}

std::string to_json(const Package& p) {
    const auto& zone = p.config.contract.terms.zone;
    std::string minutes;
    for (const auto& m : p.minutes) {
        minutes += fmt::format("{}\n    {{\"minute\": \"{}\", {}}}", minutes.empty() ? "" : ",",
                               zone.format_minute(m.minute), minute_fields_json(m, zone, "    "));
    }
    return claim_json(p.config, p.r, p.amount, minutes, failures_json(p.config, p.failures),
                      evidence_json(p.evidence, zone),
                      ",\n  \"verified_evidence\": " + evidence_status_json(p.verified, zone) +
                          ",\n  \"timestamps\": " + timestamps_json(p.timestamps, zone));
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
    if (o.quorum.k != 0)
        return write_output(quorum_claim(config, month, o.dbs, o.quorum, o.format), o.output);
    if (o.dbs.size() > 1)
        throw CommandError(exit_usage,
                           "slawatch: several --db need --quorum K (the claim across vantage "
                           "points); one database needs none");
    StoreOptions store_options{o.store.config, o.dbs.empty() ? std::string() : o.dbs.front()};
    const auto& zone = config.contract.terms.zone;
    const auto now = now_ms();
    const auto opened = open_verified_store(config, store_options, now);
    const auto& store = opened.figures;
    const auto from = zone.start_of_day(month.first);
    const auto to =
        std::min(zone.start_of_day(sla::add_days(month.last, 1)), sla::minute_of_ms(now));
    Package p{config,
              store->month_report(month, now),
              capped_compensation(*store, config, month, now),
              down_minutes(*store, from, to),
              {},
              store->failures_by_code(from, to),
              store->status(),
              {}};
    p.evidence = claim_evidence(*opened.store, p.minutes, from * 60'000,
                                zone.start_of_day(sla::add_days(month.last, 1)) * 60'000);
    p.timestamps = claim_timestamps(*opened.store, p.evidence.checkpoints, config);
    if (o.format == "html") {
        write_output(html::claim_page({config, p.r, p.amount, p.minutes, p.evidence, p.failures,
                                       html::month_minutes(*store, zone, month, now)}),
                     o.output);
    } else {
        write_output(o.format == "json" ? to_json(p) : to_markdown(p), o.output);
    }
}

}  // namespace

void register_claim(CLI::App& app) {
    auto options = std::make_shared<ClaimOptions>();
    auto* cmd = app.add_subcommand(
        "claim", "The claim package of a Service Month: IDs, figures and per-minute evidence");
    add_config_option(*cmd, options->store.config);
    cmd->add_option("--db", options->dbs,
                    "Database file (default: storage.path of the config); with --quorum, one "
                    "vantage point's shipped copy, repeated for each");
    cmd->add_option("--quorum", options->quorum.k,
                    "K: the claim across the vantage points of the --db files; a minute is "
                    "unavailable when at least K of them saw it down")
        ->check(CLI::PositiveNumber);
    cmd->add_flag("--allow-unsigned", options->quorum.allow_unsigned,
                  "With --quorum: count a database with no signed checkpoint (marked unsigned); "
                  "without it such a database is refused");
    cmd->add_option("--month", options->month, "Calendar month YYYY-MM (contract time zone)")
        ->required();
    cmd->add_option("--format", options->format, "markdown, json or html (not with --quorum)")
        ->check(CLI::IsMember({"markdown", "json", "html"}));
    cmd->add_option("--output", options->output,
                    "Write to this file (mode 0600) instead of stdout");
    cmd->callback([options] { run_claim(*options); });
}

}  // namespace slawatch::cli
