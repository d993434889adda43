// SPDX-License-Identifier: Apache-2.0
// [[probe]]: the functions measured (role "service") and the independent
// reference targets that tell a local network fault from the provider's (role "control", R4).

#include "config/probe_targets.hpp"
#include "config/section.hpp"
#include "config/sections.hpp"
#include "text/escape.hpp"

#include <algorithm>
#include <map>

namespace slawatch::config::detail {

namespace {

constexpr std::chrono::seconds max_timeout{60};

// R12: a secret in the config text would end up in backups and diffs.
void reject_secrets(Section& s, Diagnostics& diag) {
    static const std::pair<std::string_view, std::string_view> secrets[] = {
        {"secret_id", "secret_id_file"},
        {"secret_key", "secret_key_file"},
        {"secret", "secret_id_file' and 'secret_key_file"},
        {"token", "token_file"},
        {"password", "a *_file key"},
    };
    for (const auto& [key, instead] : secrets) {
        if (const toml::node* node = s.table().get(key)) {
            s.accept(key);
            diag.error(*node, s.name(key) +
                                  ": secrets must not be written in the config; put it in a file "
                                  "readable only by slawatch and set '" +
                                  std::string(instead) + "'");
        }
    }
}

bool valid_name(std::string_view name) {
    return !name.empty() && name.size() <= 64 &&
           name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") ==
               std::string_view::npos;
}

}  // namespace

void read_probes(const toml::node& node, Context& ctx, Config& out) {
    const toml::array* list = table_array(node, "probe", ctx.diag);
    if (!list) return;
    std::map<std::string, int, std::less<>> first_line;  // name -> line of its first use
    for (const toml::node& item : *list) {
        const toml::table* table = item.as_table();
        if (!table) {
            ctx.diag.error(item, "probe: expected a table, got " + std::string(type_name(item)));
            continue;
        }
        Section s(*table, "probe", ctx.diag);
        Probe p;
        p.where = ctx.diag.location(table->source());

        if (auto name = s.string("name", true)) {
            const toml::node& where = *table->get("name");
            if (!valid_name(*name)) {
                ctx.diag.error(where, "probe.name: bad name " + text::quote_field(*name, '\'') +
                                          " (use 1 to 64 of a-z, 0-9 and _)");
            } else if (*name == "service") {
                // The store keeps the service's own minutes under this name.
                ctx.diag.error(where,
                               "probe.name: 'service' is reserved for the service's "
                               "minutes; choose another name");
            } else if (auto it = first_line.find(*name); it != first_line.end()) {
                ctx.diag.error(where, "probe.name: duplicate probe name " +
                                          text::quote_field(*name, '\'') + " (first used on line " +
                                          std::to_string(it->second) + ")");
            } else {
                first_line.emplace(*name, static_cast<int>(where.source().begin.line));
            }
            p.name = *name;
        }
        if (auto role = s.choice("role", {"service", "control"}, "role"))
            p.role = *role == "control" ? ProbeRole::control : ProbeRole::service;
        if (auto timeout = s.duration("timeout")) {
            if (timeout->count() <= 0 || *timeout > max_timeout)
                ctx.diag.error(
                    *table->get("timeout"),
                    "probe.timeout: must be above 0 and at most 60s, got " +
                        text::quote_field(*table->get("timeout")->value<std::string>(), '\''));
            else
                p.timeout = *timeout;
        }
        reject_secrets(s, ctx.diag);
        read_proxy(s, p.proxy);

        const auto kind = s.choice("kind", {"http", "tencentcloud", "download"}, "kind");
        if (!kind && !s.has("kind")) s.missing("kind");
        if (!kind) {
            accept_all_target_keys(s);  // unknown kind: its keys cannot be judged
        } else if (*kind == "http") {
            p.kind = ProbeKind::http;
            read_http_target(s, ctx, p.http);
        } else {
            p.kind = *kind == "download" ? ProbeKind::download : ProbeKind::tencentcloud;
            read_tencentcloud_target(s, ctx, p.kind == ProbeKind::download, p.tc);
        }
        s.finish(kind ? " for a probe of kind " + text::quote_field(*kind, '\'') : std::string());
        out.probes.push_back(std::move(p));
    }
}

void check_probes_present(const Config& config, Context& ctx) {
    // A probe whose role is unreadable still counts as a service probe (the default).
    const bool any_service =
        std::any_of(config.probes.begin(), config.probes.end(),
                    [](const Probe& p) { return p.role == ProbeRole::service; });
    if (!any_service)
        ctx.diag.error_at_start(
            "no service probe configured: add a [[probe]] with role = \"service\"");
}

}  // namespace slawatch::config::detail
