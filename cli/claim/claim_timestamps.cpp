// SPDX-License-Identifier: Apache-2.0
// The time-stamp tokens of a claim, and the openssl commands that check them.

#include "cli/claim/claim_timestamps.hpp"

#include "cli/common/output.hpp"
#include "text/base64.hpp"

#include <fmt/format.h>

#include <map>
#include <set>

namespace slawatch::cli {

namespace {

// "tsa1-ca.pem": a TSA's place in the config, else after them.
std::string ca_name(const std::string& url, const config::Config& config,
                    std::map<std::string, std::string>& names) {
    if (auto it = names.find(url); it != names.end()) return it->second;
    std::size_t index = config.evidence.tsa.size() + names.size() + 1;
    for (std::size_t i = 0; i < config.evidence.tsa.size(); ++i)
        if (config.evidence.tsa[i].url == url) index = i + 1;
    return names[url] = fmt::format("tsa{}-ca.pem", index);
}

std::vector<std::string> commands(const ClaimTimestamp& t, std::size_t n) {
    const auto note = fmt::format("checkpoint-{}.note", t.checkpoint.id);
    const auto token = fmt::format("checkpoint-{}.{}.tsr", t.checkpoint.id, n);
    return {fmt::format("echo {} | base64 -d > {}", text::base64_encode(t.note), note),
            fmt::format("echo {} | base64 -d > {}", text::base64_encode(t.token.token), token),
            fmt::format("openssl ts -verify -data {} -in {} -token_in -CAfile {}", note, token,
                        t.ca_name)};
}

}  // namespace

std::vector<ClaimTimestamp> claim_timestamps(const storage::ResultStore& store,
                                             const std::vector<storage::Checkpoint>& checkpoints,
                                             const config::Config& config) {
    const auto& log = store.evidence();
    std::map<std::int64_t, const storage::Checkpoint*> by_id;
    for (const auto& c : checkpoints) by_id.emplace(c.id, &c);
    std::map<std::string, std::string> names;
    std::vector<ClaimTimestamp> out;
    for (auto& token : log.timestamps()) {
        const auto it = by_id.find(token.checkpoint);
        if (it == by_id.end()) continue;
        ClaimTimestamp t{*it->second, log.note(*it->second), std::move(token), {}, {}};
        if (t.note.empty()) continue;
        t.ca_name = ca_name(t.token.tsa, config, names);
        t.commands = commands(t, out.size() + 1);
        out.push_back(std::move(t));
    }
    return out;
}

std::string timestamps_markdown(const std::vector<ClaimTimestamp>& ts, const config::Config& config,
                                const sla::TimeZone& zone) {
    if (ts.empty()) return {};  // no TSA configured, or none answered yet
    std::string out = fmt::format("\n## Time-stamps ({})\n\n", ts.size());
    out +=
        "RFC 3161 tokens from Time Stamping Authorities: each proves that the checkpoint's note "
        "existed at its time (genTime). To check one with openssl alone, put the TSA's CA bundle "
        "in an empty directory under the name given and run its commands there; "
        "`Verification: OK` is the answer.\n\n";
    std::set<std::string> listed;
    for (const auto& t : ts) {
        if (!listed.insert(t.ca_name).second) continue;
        std::string configured;
        for (const auto& c : config.evidence.tsa)
            if (c.url == t.token.tsa) configured = " (configured here: `" + c.ca_file + "`)";
        out += fmt::format("- `{}`: the CA bundle of {}{}\n", t.ca_name, t.token.tsa, configured);
    }
    for (const auto& t : ts) {
        out += fmt::format(
            "\n### Checkpoint #{} ({} leaves, {}) by {}\n\ngenTime {}; token (base64 DER):\n\n"
            "```\n{}\n```\n\nCheck:\n\n```sh\n",
            t.checkpoint.id, t.checkpoint.tree_size, zone.format_millis(t.checkpoint.time_ms),
            t.token.tsa, zone.format_millis(t.token.gen_time_ms),
            text::base64_encode(t.token.token));
        for (const auto& c : t.commands) out += c + "\n";
        out += "```\n";
    }
    return out;
}

std::string timestamps_json(const std::vector<ClaimTimestamp>& ts, const sla::TimeZone& zone) {
    std::string out;
    for (const auto& t : ts) {
        std::string cmds;
        for (const auto& c : t.commands) cmds += (cmds.empty() ? "" : ", ") + json_quote(c);
        out += fmt::format(
            "{}\n    {{\"checkpoint\": {}, \"tree_size\": {}, \"checkpoint_time\": \"{}\", "
            "\"tsa\": {}, \"gen_time\": \"{}\", \"gen_time_ms\": {}, \"token\": \"{}\", "
            "\"note\": {}, \"ca_file_name\": {}, \"commands\": [{}]}}",
            out.empty() ? "" : ",", t.checkpoint.id, t.checkpoint.tree_size,
            zone.format_millis(t.checkpoint.time_ms), json_quote(t.token.tsa),
            zone.format_millis(t.token.gen_time_ms), t.token.gen_time_ms,
            text::base64_encode(t.token.token), json_quote(t.note), json_quote(t.ca_name), cmds);
    }
    return "[" + out + (out.empty() ? "]" : "\n  ]");
}

}  // namespace slawatch::cli
