// SPDX-License-Identifier: Apache-2.0
// `slawatch check-config`: validates a config and shows what it means: the term's
// Service Months with their error budgets and claim windows, and the probes.

#include "alerts/hook.hpp"
#include "cli/commands.hpp"
#include "cli/common/config_file.hpp"
#include "cli/common/exit_codes.hpp"
#include "cli/common/first_run.hpp"
#include "cli/report/failure_codes.hpp"
#include "config/config.hpp"
#include "daemon/checkpointer.hpp"
#include "probes/probe.hpp"
#include "sla/availability.hpp"
#include "sla/claim_window.hpp"
#include "sla/clock.hpp"
#include "storage/evidence/signing.hpp"
#include "text/escape.hpp"

#include <fmt/format.h>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>

namespace slawatch::cli {

namespace {
using sla::now_ms;

struct CheckConfigOptions {
    std::string config;
    std::string format = "text";
};

std::string target_of(const config::Probe& p) {
    if (p.kind == config::ProbeKind::http) return p.http.method + " " + p.http.url;
    return p.tc.endpoint + " " + p.tc.action;
}

// One row per Service Month of the term (R6, R7, R8 budget, R9 fee, R10 claim window).
struct MonthRow {
    sla::ServiceMonth month;
    std::int64_t budget = 0;
    sla::Money fee;
    sla::ClaimWindow claim;
};

std::vector<MonthRow> month_rows(const sla::ContractTerms& terms) {
    std::vector<MonthRow> rows;
    for (const auto& m : terms.months()) {
        rows.push_back({m, sla::error_budget_minutes(m.total_minutes(), terms.standard),
                        terms.fee_for(m),
                        sla::claim_window(m.last, terms.calendar, terms.claim_after_business_days,
                                          terms.claim_within_days)});
    }
    return rows;
}

void print_text(const config::Config& c, std::ostream& out) {
    const auto& terms = c.contract.terms;
    const auto rows = month_rows(terms);
    out << c.file.string() << ": OK\n";
    out << fmt::format("contract  {} ({})\n", text::escape_text(c.contract.name),
                       terms.zone.name());
    out << fmt::format("term      {} to {}, {} Service Months\n", sla::format_date(terms.start),
                       sla::format_date(terms.end), rows.size());
    out << fmt::format("standard  {} %, monthly fee {} {}\n", terms.standard.to_string(),
                       terms.monthly_fee.to_string(), terms.currency);
    out << fmt::format("monitor   {} probes a minute, min_samples {}, policy {}\n\n",
                       c.monitor.probes_per_minute, c.monitor.min_samples,
                       c.monitor.policy == sla::Policy::all ? "all" : "any");

    out << fmt::format("{:>3}  {:<10}  {:<10}  {:>4}  {:>7}  {:>6}  {:>12}  {:<11}  {}\n", "#",
                       "first", "last", "days", "minutes", "budget", "fee", "claim opens",
                       "claim deadline");
    for (const auto& r : rows) {
        out << fmt::format("{:>3}  {:<10}  {:<10}  {:>4}  {:>7}  {:>6}  {:>12}  {:<11}  {}\n",
                           r.month.index, sla::format_date(r.month.first),
                           sla::format_date(r.month.last), r.month.days(), r.month.total_minutes(),
                           r.budget, r.fee.to_string(), sla::format_date(r.claim.opens),
                           sla::format_date(r.claim.deadline));
    }

    std::size_t name_width = 4;
    for (const auto& p : c.probes) name_width = std::max(name_width, p.name.size());
    out << fmt::format("\n{:<{}}  {:<7}  {:<12}  {}\n", "name", name_width, "role", "kind",
                       "target");
    for (const auto& p : c.probes) {
        out << fmt::format("{:<{}}  {:<7}  {:<12}  {}\n", p.name, name_width,
                           config::to_string(p.role), config::to_string(p.kind), target_of(p));
    }
    out << fmt::format("\n{} maintenance window(s); storage {}\n", c.maintenance.size(),
                       c.storage.path.string());
    if (c.evidence.tsa.empty()) out << "time-stamps: none (no [[evidence.tsa]])\n";
    for (const auto& t : c.evidence.tsa)
        out << fmt::format("time-stamp authority {} (CA bundle {})\n", text::escape_text(t.url),
                           text::escape_text(t.ca_file));
    out << attribution_text(c);
}

void print_json(const config::Config& c, std::ostream& out) {
    const auto& terms = c.contract.terms;
    boost::json::array months;
    for (const auto& r : month_rows(terms)) {
        months.push_back(boost::json::object{
            {"index", r.month.index},
            {"start", sla::format_date(r.month.first)},
            {"end", sla::format_date(r.month.last)},
            {"days", r.month.days()},
            {"total_minutes", r.month.total_minutes()},
            {"budget_minutes", r.budget},
            {"fee", r.fee.to_string()},
            {"claim",
             {{"opens", sla::format_date(r.claim.opens)},
              {"deadline", sla::format_date(r.claim.deadline)}}},
        });
    }
    boost::json::array probes;
    for (const auto& p : c.probes) {
        probes.push_back(boost::json::object{{"name", p.name},
                                             {"role", config::to_string(p.role)},
                                             {"kind", config::to_string(p.kind)},
                                             {"target", target_of(p)},
                                             {"timeout_ms", p.timeout.count()}});
    }
    boost::json::array tsas;
    for (const auto& t : c.evidence.tsa)
        tsas.push_back(boost::json::object{{"url", t.url}, {"ca_file", t.ca_file}});
    const boost::json::object doc{
        {"contract", c.contract.name},
        {"timezone", terms.zone.name()},
        {"term", {{"start", sla::format_date(terms.start)}, {"end", sla::format_date(terms.end)}}},
        {"standard", terms.standard.to_string()},
        {"currency", terms.currency},
        {"service_months", std::move(months)},
        {"probes", std::move(probes)},
        {"maintenance_windows", c.maintenance.size()},
        {"attribution", attribution_json(c)},
        {"timestamp_authorities", std::move(tsas)},
    };
    out << text::inert_json(boost::json::serialize(doc)) << "\n";
}

// What `run` sets up at start beyond the file: secret, CA and key files, hook
// secrets. They depend on the machine and the user (systemd credentials exist only
// while the service runs), so they are warnings here and errors for `run`.
std::vector<std::string> environment_problems(const config::Config& c) {
    std::vector<std::string> out;
    const auto warn = [&](const std::string& what) {
        out.push_back(fmt::format("{}: warning: {} (`slawatch run` refuses to start like this)",
                                  c.file.string(), what));
    };
    boost::asio::io_context io;
    for (const auto& p : c.probes) {
        try {
            probes::make_probe(io.get_executor(), p);
        } catch (const probes::ProbeSetupError& e) {
            warn(e.what());
        }
    }
    try {
        daemon::Checkpointer checkpointer(c);
    } catch (const storage::evidence::KeyError& e) {
        warn(e.what());
    }
    for (const auto& a : c.alerts) {
        try {
            alerts::make_hook(io.get_executor(), a);
        } catch (const alerts::HookSetupError& e) {
            warn(e.what());
        }
    }
    return out;
}

void run_check_config(const CheckConfigOptions& opt) {
    const auto config = load_config(opt.config);
    if (auto w = term_warning(config, now_ms())) std::cerr << *w << "\n";
    for (const auto& w : environment_problems(config)) std::cerr << w << "\n";
    if (opt.format == "json")
        print_json(config, std::cout);
    else
        print_text(config, std::cout);
}

}  // namespace

void register_check_config(CLI::App& app) {
    auto opt = std::make_shared<CheckConfigOptions>();
    auto* cmd =
        app.add_subcommand("check-config",
                           "Validate a config file; show the term's Service Months, error budgets, "
                           "claim windows and the probes. Exit 2 with file:line:col per problem.");
    add_config_option(*cmd, opt->config);
    cmd->add_option("--format", opt->format, "Output format: text or json")
        ->check(CLI::IsMember({"text", "json"}));
    cmd->callback([opt] { run_check_config(*opt); });
}

}  // namespace slawatch::cli
