// SPDX-License-Identifier: Apache-2.0
// `slawatch status`: the current Service Month so far.

#include "alerts/outbox.hpp"
#include "cli/commands.hpp"
#include "cli/evidence_status.hpp"
#include "cli/exit_codes.hpp"
#include "cli/first_run.hpp"
#include "cli/store_cli.hpp"
#include "text/escape.hpp"

#include <fmt/format.h>

#include <iostream>

namespace slawatch::cli {
namespace {

// The daemon finalizes each minute about 10 s after it ends; 3 minutes behind
// means it is not running (or is stuck).
constexpr sla::EpochMinute stalled_after_minutes = 3;

std::optional<std::string> finalizing_warning(std::optional<sla::EpochMinute> finalized_until,
                                              sla::EpochMillis now,
                                              const std::filesystem::path& db) {
    const auto current = sla::minute_of_ms(now);
    const bool behind = !finalized_until || current - *finalized_until > stalled_after_minutes;
    if (!behind) return std::nullopt;
    const auto holder = storage::WriterLock::holder(db);
    const std::string daemon = holder ? fmt::format("{} (PID {}) holds the database",
                                                    text::escape_text(holder->role), holder->pid)
                                      : std::string("no `slawatch run` holds the database");
    if (!finalized_until) return fmt::format("no minute has been finalized yet; {}", daemon);
    return fmt::format("the monitor has not finalized a minute for {} minutes; {}",
                       current - *finalized_until, daemon);
}

struct StatusOptions {
    StoreOptions store;
    std::string format = "text";
};

void run_status(const StatusOptions& o) {
    const auto config = load_config(o.store.config);
    const auto& terms = config.contract.terms;
    const auto now = now_ms();
    const auto today = terms.zone.local_date(sla::minute_of_ms(now));
    const auto month = sla::service_month_of(terms.months(), today);
    if (!month) {
        // No current Service Month to show: say why, and where the term's figures are.
        throw CommandError(
            exit_usage,
            fmt::format("{}\ntoday ({}) is outside the contract term ({} to {}); `slawatch report "
                        "--month YYYY-MM` shows a month of the term",
                        term_warning(config, now).value_or(""), sla::format_date(today),
                        sla::format_date(terms.start), sla::format_date(terms.end)));
    }
    // The month so far: results not yet under a signed checkpoint count, and
    // the output says how many (the daemon signs at least hourly).
    const auto opened = open_verified_store(config, o.store, now, UnsignedTail::counted);
    const auto& store = opened.store;
    sla::MonthReport r;
    std::optional<sla::EpochMinute> finalized;
    std::string vantage;
    try {
        r = opened.figures->month_report(*month, now);
        finalized = store->finalized_until();
        // The database's own vantage point: whose evidence these figures are.
        vantage = store->vantage().value_or(config.vantage.name);
    } catch (const storage::StoreError& e) {
        throw CommandError(store_exit_code(e), std::string("slawatch: ") + e.what());
    }
    const auto last_final = finalized ? terms.zone.format_minute(*finalized - 1) : std::string();
    const auto stalled = finalizing_warning(finalized, now, db_path(config, o.store));
    const auto coverage =
        r.elapsed_minutes > 0
            ? fmt::format("{:.2f}", 100.0 * static_cast<double>(r.elapsed_minutes - r.unknown) /
                                        static_cast<double>(r.elapsed_minutes))
            : std::string("100.00");
    if (o.format == "json") {
        std::cout << fmt::format(
            "{{\"contract\": {}, \"vantage\": {}, \"service_month\": {{\"index\": {}, "
            "\"start\": \"{}\", \"end\": \"{}\", \"days\": {}}}, \"total_minutes\": {}, "
            "\"elapsed_minutes\": {}, "
            "\"unavailable_minutes\": {}, \"excluded_minutes\": {{\"maintenance\": {}, "
            "\"local_network\": {}, \"customer\": {}}}, \"unknown_minutes\": {}, "
            "\"coverage_percent\": {}, \"availability_percent\": {}, \"standard_met\": {}, "
            "\"budget\": {{\"minutes\": {}, \"used\": {}, \"left\": {}}}, "
            "\"projected\": {{\"available\": {}, \"unavailable_minutes\": {}, \"percent\": {}}}, "
            "\"last_finalized_minute\": {}, \"finalizing\": {}, \"warning\": {}, "
            "\"evidence\": {}}}\n",
            json_quote(config.contract.name), json_quote(vantage), month->index,
            sla::format_date(month->first), sla::format_date(month->last), month->days(),
            r.total_minutes, r.elapsed_minutes, r.unavailable, r.maintenance, r.local_network,
            r.customer, r.unknown, coverage, r.availability_text, r.standard_met ? "true" : "false",
            r.budget_minutes, r.unavailable, r.budget_left, r.projected ? "true" : "false",
            r.projected_unavailable, r.projected_percent,
            finalized ? json_quote(last_final) : "null", stalled ? "false" : "true",
            stalled ? json_quote(*stalled) : "null",
            evidence_status_json(opened.figures->status(), terms.zone));
        return;
    }
    std::string out;
    out += fmt::format("{}: Service Month {} ({} to {}), {} of {} minutes elapsed\n",
                       text::escape_text(config.contract.name), month->index,
                       sla::format_date(month->first), sla::format_date(month->last),
                       r.elapsed_minutes, r.total_minutes);
    out += fmt::format("  vantage point  {}\n", text::escape_text(vantage));
    out += fmt::format("  availability   {} % so far (standard {} %: {})\n", r.availability_text,
                       terms.standard.to_string(), r.standard_met ? "met" : "NOT met");
    out += fmt::format("  error budget   {} of {} minutes used, {} left\n", r.unavailable,
                       r.budget_minutes, r.budget_left);
    out += "  projected      " + projection_text(r) + "\n";
    out += fmt::format("  excluded       {} maintenance, {} local network, {} customer\n",
                       r.maintenance, r.local_network, r.customer);
    out += fmt::format("  coverage       {} % ({} unknown minutes)\n", coverage, r.unknown);
    out += fmt::format("  finalized to   {}\n", finalized ? last_final : "nothing yet");
    if (stalled) out += "  WARNING        " + *stalled + "\n";
    out += evidence_status_text(opened.figures->status(), terms.zone, "  ");
    // A hook that keeps failing shows here (docs/alerts.md).
    if (!config.alerts.empty()) {
        try {
            alerts::Outbox outbox(db_path(config, o.store), true);
            for (const auto& line : alerts::hook_summaries(outbox, config.alerts))
                out += "  alert          " + text::escape_text(line) + "\n";
        } catch (const storage::StoreError& e) {
            out += fmt::format("  alerts         cannot read the outbox: {}\n",
                               text::escape_text(e.what()));
        }
    }
    std::cout << out;
}

}  // namespace

void register_status(CLI::App& app) {
    auto options = std::make_shared<StatusOptions>();
    auto* cmd = app.add_subcommand(
        "status", "The current Service Month so far: availability, error budget, projected tier");
    add_store_options(*cmd, options->store);
    cmd->add_option("--format", options->format, "text or json")
        ->check(CLI::IsMember({"text", "json"}));
    cmd->callback([options] { run_status(*options); });
}

}  // namespace slawatch::cli
