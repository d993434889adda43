// SPDX-License-Identifier: Apache-2.0
// [[alert]]: hooks told about alert events, run as a program (exec) or sent
// as an HTTP POST (webhook). See docs/alerts.md.

#include "config/section.hpp"
#include "config/sections.hpp"
#include "text/escape.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace slawatch::config {

namespace {

// The event types of alerts/event.hpp (config does not depend on alerts).
constexpr std::array<std::string_view, 10> event_types{"incident_opened",
                                                       "incident_resolved",
                                                       "budget",
                                                       "tier",
                                                       "claim_window",
                                                       "monitor_health",
                                                       "test",
                                                       "evidence_checkpoint",
                                                       "evidence_rewritten",
                                                       "evidence_timestamp_failing"};

}  // namespace

bool Alert::takes(std::string_view event_type) const {
    return events.empty() || std::find(events.begin(), events.end(), event_type) != events.end();
}

std::string_view to_string(AlertKind k) {
    switch (k) {
        case AlertKind::webhook:
            return "webhook";
        case AlertKind::alertmanager:
            return "alertmanager";
        case AlertKind::exec:
            break;
    }
    return "exec";
}

namespace detail {

namespace {

constexpr std::chrono::minutes max_timeout{5};

// R12: a secret in the config text would end up in backups and diffs.
void reject_secrets(Section& s, Diagnostics& diag) {
    for (std::string_view key : {"secret", "token", "password", "key", "hmac_key", "api_key"}) {
        if (const toml::node* node = s.table().get(key)) {
            s.accept(key);
            diag.error(*node, s.name(key) +
                                  ": secrets must not be written in the config; put it in a file "
                                  "readable only by slawatch and set 'secret_file'");
        }
    }
}

// A non-empty array of strings, or nullopt after reporting.
std::optional<std::vector<std::string>> strings(Section& s, std::string_view key) {
    const toml::array* list = s.array(key);
    if (!list) return std::nullopt;
    std::vector<std::string> out;
    for (const toml::node& item : *list) {
        const auto* str = item.as_string();
        if (!str || str->get().empty()) {
            s.diag().error(item, s.name(key) + ": expected non-empty strings, got " +
                                     std::string(str ? "an empty string" : type_name(item)));
            return std::nullopt;
        }
        out.push_back(str->get());
    }
    return out;
}

// An array of integers in [min, max], or nullopt after reporting.
std::optional<std::vector<int>> integers(Section& s, std::string_view key, int min, int max) {
    const toml::array* list = s.array(key);
    if (!list) return std::nullopt;
    std::vector<int> out;
    for (const toml::node& item : *list) {
        const auto* n = item.as_integer();
        if (!n || n->get() < min || n->get() > max) {
            s.diag().error(item, s.name(key) + ": expected integers from " + std::to_string(min) +
                                     " to " + std::to_string(max));
            return std::nullopt;
        }
        out.push_back(static_cast<int>(n->get()));
    }
    return out;
}

void read_events(Section& s, Alert& a) {
    auto events = strings(s, "events");
    if (!events) return;
    const toml::array& list = *s.table().get("events")->as_array();
    for (std::size_t i = 0; i < events->size(); ++i) {
        const auto& e = (*events)[i];
        if (std::find(event_types.begin(), event_types.end(), e) != event_types.end()) continue;
        std::string expected;
        for (auto t : event_types) expected += (expected.empty() ? "" : ", ") + std::string(t);
        s.diag().error(*list.get(i), "alert.events: unknown event type " +
                                         text::quote_field(e, '\'') + " (expected one of " +
                                         expected + ")");
        return;
    }
    a.events = std::move(*events);
}

void read_command(Section& s, Context& ctx, Alert& a) {
    if (!s.has("command")) return s.missing("command");
    auto argv = strings(s, "command");
    if (!argv) return;
    if (argv->empty()) {
        ctx.diag.error(*s.table().get("command"),
                       "alert.command: expected the program and its arguments, got []");
        return;
    }
    // A relative program path is relative to the config file; a bare name is looked up in PATH.
    if ((*argv)[0].find('/') != std::string::npos) (*argv)[0] = ctx.resolve((*argv)[0]);
    a.command = std::move(*argv);
}

// The URL itself may carry a token (chat webhooks): it is not echoed.
void read_url(Section& s, Alert& a) {
    if (read_http_url(s, "url", true, false)) a.url = *s.table().get("url")->value<std::string>();
}

void read_duration(Section& s, std::string_view key, std::chrono::milliseconds max,
                   std::chrono::milliseconds& out) {
    auto d = s.duration(key);
    if (!d) return;
    if (d->count() <= 0 || *d > max) {
        s.diag().error(*s.table().get(key), s.name(key) + ": must be above 0 and at most " +
                                                std::to_string(max.count() / 1000) + "s");
        return;
    }
    out = *d;
}

// alertmanager: `labels = { team = "ops" }`, Alertmanager's label rules.
void read_labels(Section& s, Alert& a) {
    const toml::table* t = s.subtable("labels");
    if (!t) return;
    for (const auto& [key, value] : *t) {
        const std::string name(key.str());
        const bool valid_name =
            !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0])) &&
            name.find_first_not_of(
                "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") ==
                std::string::npos &&
            !name.starts_with("__");
        const auto* str = value.as_string();
        if (!valid_name) {
            s.diag().error(value, "alert.labels: bad label name " + text::quote_field(name, '\'') +
                                      " (use [a-zA-Z_][a-zA-Z0-9_]*, not starting with __)");
        } else if (!str || str->get().empty()) {
            s.diag().error(value, "alert.labels." + name + ": expected a non-empty string");
        } else {
            a.labels.emplace_back(name, str->get());
        }
    }
}

// The keys of the alert's kind; those of another kind are left unknown.
void read_kind(Section& s, Context& ctx, Alert& a) {
    const auto kind = s.choice("kind", {"exec", "webhook", "alertmanager"}, "kind");
    if (!kind && !s.has("kind")) s.missing("kind");
    if (!kind) {
        for (std::string_view key :
             {"command", "url", "secret_file", "ca_file", "proxy", "labels", "resend_interval"})
            s.accept(key);
    } else if (*kind == "exec") {
        a.kind = AlertKind::exec;
        read_command(s, ctx, a);
    } else {
        a.kind = *kind == "webhook" ? AlertKind::webhook : AlertKind::alertmanager;
        read_url(s, a);
        if (auto f = s.string("ca_file")) a.ca_file = ctx.resolve(*f);
        read_proxy(s, a.proxy);
        if (a.kind == AlertKind::webhook) {
            if (auto f = s.string("secret_file")) a.secret_file = ctx.resolve(*f);
        } else {
            read_labels(s, a);
            read_duration(s, "resend_interval", std::chrono::hours(1), a.resend_interval);
        }
    }
    s.finish(kind ? " for an alert of kind " + text::quote_field(*kind, '\'') : std::string());
}

Alert read_alert(Section& s, Context& ctx, TableNames& names) {
    Alert a;
    a.where = ctx.diag.location(s.table().source());
    if (auto name = names.read(s)) a.name = *name;
    reject_secrets(s, ctx.diag);
    read_events(s, a);
    read_duration(s, "timeout", max_timeout, a.timeout);
    read_duration(s, "backoff", std::chrono::hours(1), a.backoff);
    read_duration(s, "max_backoff", std::chrono::hours(24), a.max_backoff);
    if (auto n = s.integer("max_attempts", 0, 1'000'000)) a.max_attempts = static_cast<int>(*n);
    if (auto t = integers(s, "budget_thresholds", 1, 1000)) a.budget_thresholds = *t;
    if (auto d = integers(s, "reminder_days", 0, 365)) a.reminder_days = *d;
    if (auto u = s.integer("unknown_threshold_minutes", 0, 44640)) a.unknown_threshold_minutes = *u;
    read_kind(s, ctx, a);
    return a;
}

}  // namespace

void read_alerts(const toml::node& node, Context& ctx, Config& out) {
    const toml::array* list = table_array(node, "alert", ctx.diag);
    if (!list) return;
    TableNames names;
    read_tables(*list, "alert", ctx.diag,
                [&](Section& s) { out.alerts.push_back(read_alert(s, ctx, names)); });
}

}  // namespace detail
}  // namespace slawatch::config
