// SPDX-License-Identifier: Apache-2.0
// `slawatch claim`: the R11 claim package of one Service Month: the user and
// order IDs, the month's figures, and every unavailable minute with its
// evidence. R12: outcomes, statuses, API codes and request ids only.

#include "cli/claim_evidence.hpp"
#include "cli/commands.hpp"
#include "cli/evidence.hpp"
#include "cli/exit_codes.hpp"
#include "cli/failure_codes.hpp"
#include "cli/first_run.hpp"
#include "cli/html_claim.hpp"
#include "cli/quorum_inputs.hpp"
#include "cli/quorum_month.hpp"
#include "cli/store_cli.hpp"

#include <fmt/format.h>

namespace slawatch::cli {
namespace {

struct ClaimOptions {
    StoreOptions store;
    std::vector<std::string> dbs;  // --db: one, or with --quorum two or more
    int k = 0;                     // --quorum K; 0: one database
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

// The IDs and the month's figures.
std::string summary_markdown(const config::Config& c, const sla::MonthReport& r,
                             const sla::Money& amount) {
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
                       r.compensation_percent, r.fee.to_string(), r.currency, amount.to_string(),
                       r.currency);
    out += fmt::format("- Claim window: {} to {} (inclusive)\n\n", sla::format_date(r.claim.opens),
                       sla::format_date(r.claim.deadline));
    return out;
}

// One row per cited call of each down minute.
std::string minutes_markdown(const std::vector<DownMinute>& minutes, const sla::TimeZone& zone) {
    std::string out =
        "| minute | probes down | sent | probe | outcome | HTTP status | error code | request id "
        "|\n";
    out += "|---|---|---|---|---|---|---|---|\n";
    for (const auto& m : minutes) {
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
    return out;
}

std::string to_markdown(const Package& p) {
    const auto& zone = p.config.contract.terms.zone;
    std::string out = summary_markdown(p.config, p.r, p.amount);
    out += fmt::format("## Unavailable minutes ({})\n\n", p.minutes.size());
    out += p.minutes.empty() ? "None.\n" : minutes_markdown(p.minutes, zone);
    return out + failures_markdown(p.config, p.failures) + evidence_markdown(p.evidence, zone);
}

// A down minute's probes and their cited calls: "\"probes\": [...], \"evidence\": [...]".
std::string minute_fields_json(const DownMinute& m, const sla::TimeZone& zone,
                               std::string_view indent) {
    std::string probes;
    for (const auto& name : m.probes) probes += (probes.empty() ? "" : ", ") + json_quote(name);
    std::string evidence;
    for (const auto& res : m.results) {
        const auto& s = res.sample;
        evidence += fmt::format(
            "{}\n{}  {{\"sent\": \"{}\", \"probe\": {}, \"outcome\": \"{}\", "
            "\"http_status\": "
            "{}, \"error_code\": {}, \"request_id\": {}}}",
            evidence.empty() ? "" : ",", indent, zone.format_millis(s.sent_ms),
            json_quote(res.probe), sla::to_string(s.outcome),
            s.http_status ? std::to_string(s.http_status) : "null",
            s.error_code.empty() ? "null" : json_quote(s.error_code),
            s.request_id.empty() ? "null" : json_quote(s.request_id));
    }
    return fmt::format("\"probes\": [{}], \"evidence\": [{}\n{}]", probes, evidence, indent);
}

// The claim's JSON object; `unavailable`, `failures` and `evidence` are JSON
// text, `more_fields` (",\n  \"key\": ...") goes last.
std::string claim_json(const config::Config& c, const sla::MonthReport& r, const sla::Money& amount,
                       const std::string& unavailable, const std::string& failures,
                       const std::string& evidence, const std::string& more_fields) {
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
        "  \"unavailable\": [{}\n  ],\n  \"failures_by_code\": {},\n  \"evidence\": {}{}\n}}\n",
        json_quote(c.contract.name), json_quote(c.contract.user_id),
        json_quote(c.contract.order_id), r.month.index, sla::format_date(r.month.first),
        sla::format_date(r.month.last), r.month.days(), r.complete ? "true" : "false",
        r.total_minutes, r.unavailable, r.maintenance, r.local_network, r.customer, r.unknown,
        r.availability_text, r.standard_met ? "true" : "false", r.compensation_percent,
        amount.to_string(), r.fee.to_string(), json_quote(r.currency),
        sla::format_date(r.claim.opens), sla::format_date(r.claim.deadline), unavailable, failures,
        evidence, more_fields);
}

std::string to_json(const Package& p) {
    const auto& zone = p.config.contract.terms.zone;
    std::string minutes;
    for (const auto& m : p.minutes) {
        minutes += fmt::format("{}\n    {{\"minute\": \"{}\", {}}}", minutes.empty() ? "" : ",",
                               zone.format_minute(m.minute), minute_fields_json(m, zone, "    "));
    }
    return claim_json(p.config, p.r, p.amount, minutes, failures_json(p.config, p.failures),
                      evidence_json(p.evidence, zone), "");
}

// claim --quorum: the vantage points that saw each unavailable minute down,
// each citing its own failed calls and their proofs in its own evidence log.
struct VantageCitations {
    const VantageInput& input;
    std::vector<DownMinute> minutes;  // its down minutes the quorum counted down
    ClaimEvidence evidence;
};

struct QuorumPackage {
    const config::Config& config;
    const QuorumMonth& q;
    std::vector<VantageCitations> vantages;
};

// The vantage points that saw `minute` down, by name.
std::vector<std::string> seen_down(const QuorumPackage& p, sla::EpochMinute minute) {
    std::vector<std::string> names;
    for (const auto& v : p.vantages)
        for (const auto& m : v.minutes)
            if (m.minute == minute) names.push_back(v.input.name);
    return names;
}

std::vector<sla::EpochMinute> quorum_down(const QuorumMonth& q) {
    std::vector<sla::EpochMinute> out;
    for (std::size_t i = 0; i < q.combined.size(); ++i)
        if (q.combined[i] == sla::MinuteState::down)
            out.push_back(q.from + static_cast<sla::EpochMinute>(i));
    return out;
}

std::string quorum_markdown(const QuorumPackage& p) {
    const auto& zone = p.config.contract.terms.zone;
    std::string out = summary_markdown(p.config, p.q.report, p.q.capped);
    out += fmt::format(
        "## Vantage points\n\nA minute counts as unavailable when at least {} of these {} "
        "independent vantage points, each with its own network, probes and evidence log, saw it "
        "down (SLA 4.2: no single network's fault can explain it).\n\n",
        p.q.k, p.vantages.size());
    out +=
        "| vantage point | its own unavailable minutes | its own unknown minutes | "
        "availability % |\n|---|---|---|---|\n";
    for (std::size_t i = 0; i < p.vantages.size(); ++i) {
        const auto& r = p.q.vantage_reports[i];
        out += fmt::format("| {} | {} | {} | {} |\n", p.vantages[i].input.name, r.unavailable,
                           r.unknown, r.availability_text);
    }
    const auto down = quorum_down(p.q);
    out += fmt::format("\n## Unavailable minutes ({})\n\n", down.size());
    if (down.empty()) out += "None.\n";
    if (!down.empty()) out += "| minute | seen down by |\n|---|---|\n";
    for (const auto m : down) {
        std::string names;
        for (const auto& n : seen_down(p, m)) names += (names.empty() ? "" : ", ") + n;
        out += fmt::format("| {} | {} |\n", zone.format_minute(m), names);
    }
    for (const auto& v : p.vantages) {
        out += fmt::format("\n## Vantage point {}: its failed calls\n\n", v.input.name);
        out += v.minutes.empty() ? "None.\n" : minutes_markdown(v.minutes, zone);
        auto evidence = evidence_markdown(v.evidence, zone);
        const std::string heading = "## Evidence integrity";
        if (const auto at = evidence.find(heading); at != std::string::npos)
            evidence.insert(at + heading.size(), " of vantage point " + v.input.name);
        out += evidence;
    }
    return out;
}

std::string quorum_json(const QuorumPackage& p) {
    const auto& zone = p.config.contract.terms.zone;
    std::string minutes;
    for (const auto m : quorum_down(p.q)) {
        std::string cited;
        for (const auto& v : p.vantages)
            for (const auto& dm : v.minutes)
                if (dm.minute == m)
                    cited += fmt::format("{}\n      {{\"vantage\": {}, {}}}",
                                         cited.empty() ? "" : ",", json_quote(v.input.name),
                                         minute_fields_json(dm, zone, "      "));
        minutes += fmt::format("{}\n    {{\"minute\": \"{}\", \"vantages\": [{}\n    ]}}",
                               minutes.empty() ? "" : ",", zone.format_minute(m), cited);
    }
    std::string evidence;
    std::string vantages;
    for (std::size_t i = 0; i < p.vantages.size(); ++i) {
        const auto& v = p.vantages[i];
        const auto& r = p.q.vantage_reports[i];
        evidence += fmt::format("{}\n  {}: {}", i == 0 ? "" : ",", json_quote(v.input.name),
                                evidence_json(v.evidence, zone));
        vantages += fmt::format(
            "{}\n      {{\"name\": {}, \"db\": {}, \"unavailable_minutes\": {}, "
            "\"unknown_minutes\": {}, \"availability_percent\": {}}}",
            i == 0 ? "" : ",", json_quote(v.input.name), json_quote(v.input.db.string()),
            r.unavailable, r.unknown, r.availability_text);
    }
    return claim_json(
        p.config, p.q.report, p.q.capped, minutes, "[]", "{" + evidence + "\n  }",
        fmt::format(",\n  \"quorum\": {{\"k\": {}, \"vantages\": [{}\n  ]}}", p.q.k, vantages));
}

void run_claim_quorum(const ClaimOptions& o, const config::Config& config,
                      const sla::ServiceMonth& month) {
    if (o.format == "html")
        throw CommandError(exit_usage,
                           "slawatch: claim --quorum writes markdown or json; --format html is "
                           "not available with --quorum");
    const auto inputs = open_vantages(config, o.dbs, o.k);
    const auto& zone = config.contract.terms.zone;
    const auto now = now_ms();
    try {
        const auto q = quorum_month(config, inputs, o.k, month, now);
        QuorumPackage p{config, q, {}};
        const auto month_end = zone.start_of_day(sla::add_days(month.last, 1));
        for (std::size_t i = 0; i < inputs.size(); ++i) {
            VantageCitations v{inputs[i], {}, {}};
            for (auto& m : down_minutes(*inputs[i].store, q.from, q.to)) {
                if (q.combined[static_cast<std::size_t>(m.minute - q.from)] ==
                    sla::MinuteState::down)
                    v.minutes.push_back(std::move(m));
            }
            v.evidence =
                claim_evidence(*inputs[i].store, v.minutes, q.from * 60'000, month_end * 60'000);
            p.vantages.push_back(std::move(v));
        }
        write_output(o.format == "json" ? quorum_json(p) : quorum_markdown(p), o.output);
    } catch (const storage::StoreError& e) {
        throw CommandError(exit_failure, std::string("slawatch: ") + e.what());
    }
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
    if (o.k != 0) return run_claim_quorum(o, config, month);
    if (o.dbs.size() > 1)
        throw CommandError(exit_usage,
                           "slawatch: several --db need --quorum K (the claim across vantage "
                           "points); one database needs none");
    StoreOptions store_options{o.store.config, o.dbs.empty() ? std::string() : o.dbs.front()};
    const auto& zone = config.contract.terms.zone;
    auto store = open_store_for_figures(config, store_options);
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
    add_config_option(*cmd, options->store.config);
    cmd->add_option("--db", options->dbs,
                    "Database file (default: storage.path of the config); with --quorum, one "
                    "vantage point's shipped copy, repeated for each");
    cmd->add_option("--quorum", options->k,
                    "K: the claim across the vantage points of the --db files; a minute is "
                    "unavailable when at least K of them saw it down")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--month", options->month, "Calendar month YYYY-MM (contract time zone)")
        ->required();
    cmd->add_option("--format", options->format, "markdown, json or html (not with --quorum)")
        ->check(CLI::IsMember({"markdown", "json", "html"}));
    cmd->add_option("--output", options->output, "Write to this file instead of stdout");
    cmd->callback([options] { run_claim(*options); });
}

}  // namespace slawatch::cli
