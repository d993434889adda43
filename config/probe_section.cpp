// SPDX-License-Identifier: Apache-2.0
// [[probe]]: the functions measured (role "service") and the independent
// reference targets that tell a local network fault from the provider's (role "control", R4).

#include "config/probe_targets.hpp"
#include "config/section.hpp"
#include "config/sections.hpp"
#include "text/escape.hpp"

#include <algorithm>

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

// The probe's target keys, those of its kind; those of another kind are left unknown.
void read_kind(Section& s, Context& ctx, Probe& p) {
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
}

Probe read_probe(Section& s, Context& ctx, TableNames& names) {
    Probe p;
    p.where = ctx.diag.location(s.table().source());
    if (auto name = names.read(s)) p.name = *name;
    if (auto role = s.choice("role", {"service", "control"}, "role"))
        p.role = *role == "control" ? ProbeRole::control : ProbeRole::service;
    if (auto timeout = s.duration("timeout")) {
        const toml::node& where = *s.table().get("timeout");
        if (timeout->count() <= 0 || *timeout > max_timeout)
            ctx.diag.error(where, "probe.timeout: must be above 0 and at most 60s, got " +
                                      text::quote_field(*where.value<std::string>(), '\''));
        else
            p.timeout = *timeout;
    }
    reject_secrets(s, ctx.diag);
    read_proxy(s, p.proxy);
    read_kind(s, ctx, p);
    return p;
}

}  // namespace

void read_probes(const toml::node& node, Context& ctx, Config& out) {
    const toml::array* list = table_array(node, "probe", ctx.diag);
    if (!list) return;
    // The store keeps the service's own minutes under the name "service".
    TableNames names("service", "the service's minutes");
    read_tables(*list, "probe", ctx.diag,
                [&](Section& s) { out.probes.push_back(read_probe(s, ctx, names)); });
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
