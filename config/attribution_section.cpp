// SPDX-License-Identifier: Apache-2.0
// [attribution]: the operator moves an API error code to the other class, with
// a written reason (R4). Only exact codes; the built-in table is sla/attribution.cpp.
//
//   [attribution.provider]
//   "FailedOperation.RecordNotFound" = "our probed MNPId exists; the backend lost it"
//   [attribution.customer]
//   "InternalError.SomeQuota" = "ticket 1234: Tencent says this is our quota"

#include "config/section.hpp"
#include "config/sections.hpp"
#include "text/escape.hpp"

#include <fmt/format.h>

namespace slawatch::config::detail {

namespace {

// "InternalError", "FailedOperation.RecordNotFound": letters and digits in
// dot-separated parts, each starting with a letter.
bool valid_code(std::string_view code) {
    if (code.empty() || code.size() > 128) return false;
    bool part_start = true;
    for (const char c : code) {
        const bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        const bool digit = c >= '0' && c <= '9';
        if (c == '.') {
            if (part_start) return false;
            part_start = true;
        } else if (part_start ? letter : letter || digit) {
            part_start = false;
        } else {
            return false;
        }
    }
    return !part_start;
}

void read_class(Section& s, std::string_view key, sla::Attribution to, Context& ctx, Config& out) {
    const toml::table* table = s.subtable(key);
    if (!table) return;
    const std::string name = s.name(key);
    for (auto&& [code_key, value] : *table) {
        const std::string code(code_key.str());
        const std::string where = name + "." + code;
        if (!valid_code(code)) {
            ctx.diag.error(code_key.source(), fmt::format("{}: bad error code {} (expected e.g. "
                                                          "\"FailedOperation.RecordNotFound\")",
                                                          name, text::quote_field(code, '\'')));
            continue;
        }
        if (value.is_table()) {
            // `FailedOperation.X = ...` unquoted is a dotted key: a table.
            ctx.diag.error(code_key.source(), fmt::format("{}: write the code in quotes, e.g. "
                                                          "\"{}.Sub\" = \"reason\"",
                                                          name, code));
            continue;
        }
        const auto* reason = value.as_string();
        if (!reason || reason->get().find_first_not_of(" \t") == std::string::npos) {
            ctx.diag.error(value,
                           where + ": expected the reason for the move (a non-empty string)");
            continue;
        }
        const auto builtin = sla::attribute_code(code);
        if (sla::attribution(builtin.outcome) == to) {
            ctx.diag.error(
                code_key.source(),
                fmt::format("{}: '{}' is already the {}'s ({}, SLA {}); an override "
                            "only moves a code to the other class",
                            name, code, key, sla::to_string(builtin.outcome), builtin.clause));
            continue;
        }
        out.attribution.push_back({code, to, reason->get()});
    }
}

}  // namespace

void read_attribution(const toml::node& node, Context& ctx, Config& out) {
    const toml::table* table = table_of(node, "attribution", ctx.diag);
    if (!table) return;
    Section s(*table, "attribution", ctx.diag);
    read_class(s, "customer", sla::Attribution::customer, ctx, out);
    read_class(s, "provider", sla::Attribution::provider, ctx, out);
    s.finish();
}

}  // namespace slawatch::config::detail
