// SPDX-License-Identifier: Apache-2.0
// `slawatch status`: the current Service Month so far.

#include "alerts/outbox.hpp"
#include "cli/commands.hpp"
#include "cli/common/exit_codes.hpp"
#include "cli/common/first_run.hpp"
#include "cli/common/output.hpp"
#include "cli/common/store_cli.hpp"
#include "cli/evidence/evidence_status.hpp"
#include "cli/report/month_figures.hpp"
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

// What `status` shows, gathered once and printed in either format.
struct StatusView {
    const config::Config& config;
    const sla::ServiceMonth& month;
    sla::MonthReport r;
    std::string vantage;  // the database's own: whose evidence these figures are
    std::optional<sla::EpochMinute> finalized;
    std::string last_final;  // the last finalized minute, formatted
    std::optional<std::string> stalled;
    std::string coverage;  // percent of the elapsed minutes with evidence
    const storage::EvidenceStatus& evidence;
};

std::string coverage_percent(const sla::MonthReport& r) {
    if (r.elapsed_minutes <= 0) return "100.00";
    return fmt::format("{:.2f}", 100.0 * static_cast<double>(r.elapsed_minutes - r.unknown) /
                                     static_cast<double>(r.elapsed_minutes));
}

std::string status_json(const StatusView& v) {
    const auto& r = v.r;
    const auto& m = v.month;
    return fmt::format(
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
        json_quote(v.config.contract.name), json_quote(v.vantage), m.index,
        sla::format_date(m.first), sla::format_date(m.last), m.days(), r.total_minutes,
        r.elapsed_minutes, r.unavailable, r.maintenance, r.local_network, r.customer, r.unknown,
        v.coverage, r.availability_text, r.standard_met ? "true" : "false", r.budget_minutes,
        r.unavailable, r.budget_left, r.projected ? "true" : "false", r.projected_unavailable,
        r.projected_percent, v.finalized ? json_quote(v.last_final) : "null",
        v.stalled ? "false" : "true", v.stalled ? json_quote(*v.stalled) : "null",
        evidence_status_json(v.evidence, v.config.contract.terms.zone));
}

std::string status_text(const StatusView& v) {
    const auto& r = v.r;
    const auto& m = v.month;
    const auto& terms = v.config.contract.terms;
    std::string out;
    out +=
        fmt::format("{}: Service Month {} ({} to {}), {} of {} minutes elapsed\n",
                    text::escape_text(v.config.contract.name), m.index, sla::format_date(m.first),
                    sla::format_date(m.last), r.elapsed_minutes, r.total_minutes);
    out += fmt::format("  vantage point  {}\n", text::escape_text(v.vantage));
    out += fmt::format("  availability   {} % so far (standard {} %: {})\n", r.availability_text,
                       terms.standard.to_string(), r.standard_met ? "met" : "NOT met");
    out += fmt::format("  error budget   {} of {} minutes used, {} left\n", r.unavailable,
                       r.budget_minutes, r.budget_left);
    out += "  projected      " + projection_text(r) + "\n";
    out += fmt::format("  excluded       {} maintenance, {} local network, {} customer\n",
                       r.maintenance, r.local_network, r.customer);
    out += fmt::format("  coverage       {} % ({} unknown minutes)\n", v.coverage, r.unknown);
    out += fmt::format("  finalized to   {}\n", v.finalized ? v.last_final : "nothing yet");
    if (v.stalled) out += "  WARNING        " + *v.stalled + "\n";
    return out + evidence_status_text(v.evidence, terms.zone, "  ");
}

// A hook that keeps failing shows in the text output (docs/alerts.md); an
// outbox that cannot be read is a line of its own, not a failure of `status`.
std::string alert_lines(const config::Config& config, const std::filesystem::path& db) {
    if (config.alerts.empty()) return {};
    std::string out;
    try {
        alerts::Outbox outbox(db, true);
        for (const auto& line : alerts::hook_summaries(outbox, config.alerts))
            out += "  alert          " + text::escape_text(line) + "\n";
    } catch (const storage::StoreError& e) {
        out += fmt::format("  alerts         cannot read the outbox: {}\n",
                           text::escape_text(e.what()));
    }
    return out;
}

// The Service Month `now` lies in, or CommandError(2) saying why there is
// none and where the term's figures are.
sla::ServiceMonth current_month(const config::Config& config, sla::EpochMillis now) {
    const auto& terms = config.contract.terms;
    const auto today = terms.zone.local_date(sla::minute_of_ms(now));
    const auto month = sla::service_month_of(terms.months(), today);
    if (month) return *month;
    throw CommandError(
        exit_usage,
        fmt::format("{}\ntoday ({}) is outside the contract term ({} to {}); `slawatch report "
                    "--month YYYY-MM` shows a month of the term",
                    term_warning(config, now).value_or(""), sla::format_date(today),
                    sla::format_date(terms.start), sla::format_date(terms.end)));
}

void run_status(const StatusOptions& o) {
    const auto config = load_config(o.store.config);
    const auto now = now_ms();
    const auto month = current_month(config, now);
    // The month so far: results not yet under a signed checkpoint count, and
    // the output says how many (the daemon signs at least hourly).
    const auto opened = open_verified_store(config, o.store, now, UnsignedTail::counted);
    const auto& store = *opened.store;
    const auto r = opened.figures->month_report(month, now);
    const auto finalized = store.finalized_until();
    const auto db = db_path(config, o.store);
    const StatusView v{
        config,
        month,
        r,
        store.vantage().value_or(config.vantage.name),
        finalized,
        finalized ? config.contract.terms.zone.format_minute(*finalized - 1) : std::string(),
        finalizing_warning(finalized, now, db),
        coverage_percent(r),
        opened.figures->status()};
    if (o.format == "json") {
        std::cout << status_json(v);
        return;
    }
    std::cout << status_text(v) + alert_lines(config, db);
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
