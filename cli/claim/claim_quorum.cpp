// SPDX-License-Identifier: Apache-2.0
// `claim --quorum`: the claim package from the minutes of several vantage
// points (claim_quorum.hpp).

#include "cli/claim/claim_quorum.hpp"
#include "cli/common/output.hpp"

#include "cli/claim/claim_evidence.hpp"
#include "cli/claim/claim_text.hpp"
#include "cli/common/exit_codes.hpp"
#include "cli/common/store_cli.hpp"
#include "cli/quorum/quorum_inputs.hpp"
#include "cli/quorum/quorum_month.hpp"
#include "cli/report/down_minutes.hpp"
#include "text/escape.hpp"

#include <fmt/format.h>

namespace slawatch::cli {
namespace {

// The vantage points that saw each unavailable minute down, each citing its
// own failed calls and their proofs in its own evidence log.
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
        "availability % | evidence |\n|---|---|---|---|---|\n";
    for (std::size_t i = 0; i < p.vantages.size(); ++i) {
        const auto& r = p.q.vantage_reports[i];
        out +=
            fmt::format("| {} | {} | {} | {} | {} |\n",
                        text::escape_markdown(p.vantages[i].input.name), r.unavailable, r.unknown,
                        r.availability_text, vantage_evidence_text(p.vantages[i].input));
    }
    const auto down = quorum_down(p.q);
    out += fmt::format("\n## Unavailable minutes ({})\n\n", down.size());
    if (down.empty()) out += "None.\n";
    if (!down.empty()) out += "| minute | seen down by |\n|---|---|\n";
    for (const auto m : down) {
        std::string names;
        for (const auto& n : seen_down(p, m))
            names += (names.empty() ? "" : ", ") + text::escape_markdown(n);
        out += fmt::format("| {} | {} |\n", zone.format_minute(m), names);
    }
    for (const auto& v : p.vantages) {
        out += fmt::format("\n## Vantage point {}: its failed calls\n\n",
                           text::escape_markdown(v.input.name));
        out += v.minutes.empty() ? "None.\n" : minutes_markdown(v.minutes, zone);
        auto evidence = evidence_markdown(v.evidence, zone);
        const std::string heading = "## Evidence integrity";
        if (const auto at = evidence.find(heading); at != std::string::npos)
            evidence.insert(at + heading.size(),
                            " of vantage point " + text::escape_markdown(v.input.name));
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
            "\"unknown_minutes\": {}, \"availability_percent\": {}, {}}}",
            i == 0 ? "" : ",", json_quote(v.input.name), json_quote(v.input.db.string()),
            r.unavailable, r.unknown, r.availability_text, vantage_evidence_fields(v.input));
    }
    return claim_json(
        p.config, p.q.report, p.q.capped, minutes, "[]", "{" + evidence + "\n  }",
        fmt::format(",\n  \"quorum\": {{\"k\": {}, \"vantages\": [{}\n  ]}}", p.q.k, vantages));
}

}  // namespace

std::string quorum_claim(const config::Config& config, const sla::ServiceMonth& month,
                         const std::vector<std::string>& dbs, const QuorumInputOptions& options,
                         std::string_view format) {
    const auto k = options.k;
    if (format == "html")
        throw CommandError(exit_usage,
                           "slawatch: claim --quorum writes markdown or json; --format html is "
                           "not available with --quorum");
    const auto& zone = config.contract.terms.zone;
    const auto now = now_ms();
    const auto inputs = open_vantages(config, dbs, options, now);
    const auto q = quorum_month(config, inputs, k, month, now);
    QuorumPackage p{config, q, {}};
    const auto month_end = zone.start_of_day(sla::add_days(month.last, 1));
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        VantageCitations v{inputs[i], {}, {}};
        for (auto& m : down_minutes(*inputs[i].figures, q.from, q.to)) {
            if (q.combined[static_cast<std::size_t>(m.minute - q.from)] == sla::MinuteState::down)
                v.minutes.push_back(std::move(m));
        }
        v.evidence =
            claim_evidence(*inputs[i].store, v.minutes, q.from * 60'000, month_end * 60'000);
        p.vantages.push_back(std::move(v));
    }
    return format == "json" ? quorum_json(p) : quorum_markdown(p);
}

}  // namespace slawatch::cli
