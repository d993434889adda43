// SPDX-License-Identifier: Apache-2.0
// `slawatch alerts list|test`: the events alerting has stored and their
// delivery per hook; a test event sent through one hook now.

#include "alerts/event.hpp"
#include "alerts/hook.hpp"
#include "alerts/outbox.hpp"
#include "cli/commands.hpp"
#include "cli/common/config_file.hpp"
#include "cli/common/exit_codes.hpp"
#include "cli/common/store_cli.hpp"
#include "text/escape.hpp"

#include <fmt/format.h>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <iostream>

namespace slawatch::cli {
namespace {
namespace json = boost::json;

struct ListOptions {
    StoreOptions store;
    int limit = 20;
    std::string format = "table";
};

struct TestOptions {
    std::string config;
    std::string name;
};

std::string delivery_text(const alerts::Delivery& d, const sla::TimeZone& zone) {
    if (d.state == "delivered")
        return fmt::format("{}: delivered{}", d.hook,
                           d.delivered_ms ? " " + zone.format_millis(*d.delivered_ms) : "");
    auto line = fmt::format("{}: {} after {} attempt{}", d.hook, d.state, d.attempts,
                            d.attempts == 1 ? "" : "s");
    if (!d.last_error.empty()) line += " (" + text::escape_text(d.last_error) + ")";
    if (d.state == "pending" && d.attempts > 0)
        line += ", next " + zone.format_millis(d.next_attempt_ms);
    return line;
}

void run_list(const ListOptions& o) {
    const auto config = load_config(o.store.config);
    const auto& zone = config.contract.terms.zone;
    require_database(db_path(config, o.store));
    alerts::Outbox outbox(db_path(config, o.store), true);
    const auto events = outbox.recent(static_cast<std::size_t>(o.limit));
    if (o.format == "json") {
        json::array out;
        for (const auto& e : events) {
            json::object item;
            item["id"] = e.id;
            item["type"] = e.type;
            item["created"] = zone.format_millis(e.created_ms);
            boost::system::error_code ec;
            auto body = json::parse(e.body, ec);
            item["event"] = ec ? json::value(e.body) : std::move(body);
            json::array deliveries;
            for (const auto& d : e.deliveries) {
                json::object x;
                x["hook"] = d.hook;
                x["state"] = d.state;
                x["attempts"] = d.attempts;
                x["last_error"] =
                    d.last_error.empty() ? json::value(nullptr) : json::value(d.last_error);
                x["delivered"] = d.delivered_ms ? json::value(zone.format_millis(*d.delivered_ms))
                                                : json::value(nullptr);
                x["next_attempt"] = d.state == "pending"
                                        ? json::value(zone.format_millis(d.next_attempt_ms))
                                        : json::value(nullptr);
                deliveries.push_back(std::move(x));
            }
            item["deliveries"] = std::move(deliveries);
            out.push_back(std::move(item));
        }
        std::cout << text::inert_json(json::serialize(out)) << "\n";
        return;
    }
    if (events.empty()) {
        std::cout << "no alert events stored\n";
        return;
    }
    for (const auto& e : events) {
        std::string summary;
        boost::system::error_code ec;
        auto body = json::parse(e.body, ec);
        if (!ec && body.is_object() && body.as_object().contains("summary") &&
            body.at("summary").is_string())
            summary = body.at("summary").as_string().c_str();
        std::cout << fmt::format("{}  {:<17} {}\n", zone.format_millis(e.created_ms),
                                 text::escape_text(e.type), text::escape_text(e.id));
        if (!summary.empty()) std::cout << "    " << text::escape_text(summary) << "\n";
        if (e.deliveries.empty()) std::cout << "    (no hook takes it)\n";
        for (const auto& d : e.deliveries) std::cout << "    -> " << delivery_text(d, zone) << "\n";
    }
}

void run_test(const TestOptions& o) {
    const auto config = load_config(o.config);
    const auto it = std::find_if(config.alerts.begin(), config.alerts.end(),
                                 [&](const config::Alert& a) { return a.name == o.name; });
    if (it == config.alerts.end())
        throw CommandError(exit_usage,
                           fmt::format("{}: no [[alert]] named {}", config.file.string(),
                                       text::quote_field(o.name)));
    const auto now = now_ms();
    auto event = alerts::make_event(
        alerts::EventType::test, fmt::format("test:{}", now), now, config.contract.terms.zone,
        config.contract.name, config.vantage.name,
        fmt::format("test event from `slawatch alerts test` for alert {}", it->name));
    alerts::Delivery d;
    d.id = event.id;
    d.hook = it->name;
    d.type = std::string(alerts::to_string(event.type));
    d.created_ms = now;
    d.body = event.json();

    boost::asio::io_context io;
    std::unique_ptr<alerts::Hook> hook;
    try {
        hook = alerts::make_hook(io.get_executor(), *it);
    } catch (const alerts::HookSetupError& e) {
        throw CommandError(exit_usage, fmt::format("{}: {}", config.file.string(), e.what()));
    }
    std::optional<alerts::Attempt> result;
    hook->deliver(d, [&](alerts::Attempt a) { result = std::move(a); });
    io.run();
    if (!result) throw CommandError(exit_failure, "alert " + it->name + ": no result");
    if (!result->delivered)
        throw CommandError(exit_failure, fmt::format("alert {}: NOT delivered: {}", it->name,
                                                     text::escape_text(result->detail)));
    std::cout << fmt::format("alert {}: delivered ({})\n", it->name,
                             text::escape_text(result->detail));
}

}  // namespace

void register_alerts(CLI::App& app) {
    auto* cmd = app.add_subcommand("alerts", "Alert events and their delivery to the hooks");
    cmd->require_subcommand(1);

    auto list = std::make_shared<ListOptions>();
    auto* l = cmd->add_subcommand("list", "Recent alert events and their delivery state per hook");
    add_store_options(*l, list->store);
    l->add_option("--limit", list->limit, "How many events, newest first (default 20)")
        ->check(CLI::Range(1, 100000));
    l->add_option("--format", list->format, "table or json")
        ->check(CLI::IsMember({"table", "json"}));
    l->callback([list] { run_list(*list); });

    auto test = std::make_shared<TestOptions>();
    auto* t = cmd->add_subcommand("test",
                                  "Send a test event through one hook now; exit 0 when delivered");
    add_config_option(*t, test->config);
    t->add_option("--name", test->name, "The [[alert]] name")->required();
    t->callback([test] { run_test(*test); });
}

}  // namespace slawatch::cli
