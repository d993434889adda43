// SPDX-License-Identifier: Apache-2.0
// `slawatch maintenance add|list|remove`: announced maintenance windows kept
// in the database (R4 / SLA 4.1); changes re-derive the minutes they cover.

#include "cli/commands.hpp"
#include "cli/common/args.hpp"
#include "cli/common/exit_codes.hpp"
#include "cli/common/output.hpp"
#include "cli/common/store_cli.hpp"
#include "text/escape.hpp"

#include <fmt/format.h>

#include <iostream>

namespace slawatch::cli {
namespace {

struct MaintenanceOptions {
    StoreOptions add_store, list_store, remove_store;
    std::string start, end, announced, reason;
    std::string format = "table";
    std::int64_t id = 0;
};

sla::EpochSeconds seconds_arg(std::string_view text, std::string_view option) {
    const auto ms = time_arg(text, option);
    return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

void run_add(const MaintenanceOptions& o) {
    const auto config = load_config(o.add_store.config);
    sla::MaintenanceWindow w;
    w.start = seconds_arg(o.start, "--start");
    w.end = seconds_arg(o.end, "--end");
    w.announced = seconds_arg(o.announced, "--announced");
    w.reason = o.reason;
    if (w.end <= w.start) throw CommandError(exit_usage, "--end must lie after --start");
    const auto lock = acquire_writer_lock(config, o.add_store, "slawatch maintenance add");
    auto store = open_store(config, o.add_store, storage::OpenMode::read_write);
    // Re-derived under this config, or the window's minutes would mix two configs.
    store->reconcile_config();
    const auto id = store->add_maintenance(w, now_ms());
    std::cout << fmt::format("added maintenance window {}{}\n", id,
                             w.announced_in_advance()
                                 ? ""
                                 : " (announced after its start: it does not excuse minutes, R4)");
}

void run_list(const MaintenanceOptions& o) {
    const auto config = load_config(o.list_store.config);
    const auto& zone = config.contract.terms.zone;
    auto store = open_store(config, o.list_store, storage::OpenMode::read_only);
    const auto records = store->list_maintenance();
    auto fmt_s = [&](sla::EpochSeconds s) { return zone.format_millis(s * 1000); };
    std::string out;
    if (o.format == "json") {
        out = "[";
        bool first = true;
        auto add = [&](std::string id, const sla::MaintenanceWindow& w, std::string_view source) {
            out += fmt::format(
                "{}\n  {{\"id\": {}, \"source\": \"{}\", \"start\": \"{}\", \"end\": \"{}\", "
                "\"announced\": \"{}\", \"excuses\": {}, \"reason\": {}}}",
                first ? "" : ",", id, source, fmt_s(w.start), fmt_s(w.end), fmt_s(w.announced),
                w.announced_in_advance() ? "true" : "false", json_quote(w.reason));
            first = false;
        };
        for (const auto& w : config.maintenance) add("null", w, "config");
        for (const auto& r : records) add(std::to_string(r.id), r.window, "database");
        out += first ? "]\n" : "\n]\n";
    } else {
        out =
            "id      start                      end                        announced"
            "                  reason\n";
        auto add = [&](std::string id, const sla::MaintenanceWindow& w) {
            out += fmt::format("{:<7} {:<26} {:<26} {:<26} {}{}\n", id, fmt_s(w.start),
                               fmt_s(w.end), fmt_s(w.announced), text::escape_text(w.reason),
                               w.announced_in_advance() ? "" : " [unannounced: not excluded]");
        };
        for (const auto& w : config.maintenance) add("config", w);
        for (const auto& r : records) add(std::to_string(r.id), r.window);
    }
    std::cout << out;
}

void run_remove(const MaintenanceOptions& o) {
    const auto config = load_config(o.remove_store.config);
    const auto lock = acquire_writer_lock(config, o.remove_store, "slawatch maintenance remove");
    auto store = open_store(config, o.remove_store, storage::OpenMode::read_write);
    store->reconcile_config();
    if (!store->remove_maintenance(o.id)) {
        throw CommandError(exit_usage, fmt::format("no maintenance window with id {}", o.id));
    }
    std::cout << fmt::format("removed maintenance window {}\n", o.id);
}

}  // namespace

void register_maintenance(CLI::App& app) {
    auto o = std::make_shared<MaintenanceOptions>();
    auto* cmd = app.add_subcommand("maintenance", "Announced maintenance windows (SLA 4.1)");
    cmd->require_subcommand(1);

    auto* add = cmd->add_subcommand("add", "Add a window; re-derives the minutes it covers");
    add_store_options(*add, o->add_store);
    add->add_option("--start", o->start, "Start, RFC 3339")->required();
    add->add_option("--end", o->end, "End (exclusive), RFC 3339")->required();
    add->add_option("--announced", o->announced, "When the notice arrived, RFC 3339")->required();
    add->add_option("--reason", o->reason, "Free text");
    add->callback([o] { run_add(*o); });

    auto* list = cmd->add_subcommand("list", "List the windows (config and database)");
    add_store_options(*list, o->list_store);
    list->add_option("--format", o->format, "table or json")
        ->check(CLI::IsMember({"table", "json"}));
    list->callback([o] { run_list(*o); });

    auto* remove = cmd->add_subcommand("remove", "Remove a database window by id");
    add_store_options(*remove, o->remove_store);
    remove->add_option("--id", o->id, "The id shown by list")->required();
    remove->callback([o] { run_remove(*o); });
}

}  // namespace slawatch::cli
