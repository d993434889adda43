// SPDX-License-Identifier: Apache-2.0
// Shared plumbing of the data commands.

#include "cli/store_cli.hpp"

#include "cli/first_run.hpp"

#include "cli/exit_codes.hpp"
#include "sla/compensation.hpp"

#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <iostream>

namespace slawatch::cli {

void add_store_options(CLI::App& cmd, StoreOptions& options) {
    add_config_option(cmd, options.config);
    cmd.add_option("--db", options.db,
                   "Database file (default: storage.path of the config); refused (exit 2) unless a "
                   "regular file with exactly slawatch's schema");
}

config::Config load_config(const std::string& file) {
    auto result = config::load(file);
    if (!result) {
        std::string message;
        for (const auto& e : result.errors) message += e + "\n";
        if (message.empty()) message = file + ": invalid config\n";
        throw CommandError(exit_usage, message);
    }
    return std::move(*result.config);
}

std::filesystem::path db_path(const config::Config& config, const StoreOptions& options) {
    if (!options.db.empty()) return options.db;
    if (config.storage.path.empty()) {
        throw CommandError(exit_usage,
                           config.file.string() + ": storage.path is not set; pass --db PATH");
    }
    return config.storage.path;
}

std::unique_ptr<storage::Store> open_store(const config::Config& config,
                                           const StoreOptions& options, storage::OpenMode mode) {
    try {
        return storage::Store::open(config, db_path(config, options), mode);
    } catch (const storage::StoreError& e) {
        throw CommandError(store_exit_code(e), std::string("slawatch: ") + e.what());
    }
}

int store_exit_code(const storage::StoreError& e) {
    const bool input = dynamic_cast<const storage::RefusedDatabase*>(&e) ||
                       dynamic_cast<const storage::MissingDatabase*>(&e);
    return input ? exit_usage : exit_failure;
}

void require_database(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        throw CommandError(exit_usage,
                           fmt::format("slawatch: no evidence database at {}", path.string()));
    }
}

storage::WriterLock acquire_writer_lock(const config::Config& config, const StoreOptions& options,
                                        std::string_view role) {
    try {
        return storage::WriterLock::acquire(db_path(config, options), role);
    } catch (const storage::WriterLockBusy& e) {
        throw CommandError(
            exit_failure,
            fmt::format("slawatch: {}; only one process may write it at a time{}", e.what(),
                        e.holder.role == "slawatch run"
                            ? " (stop the daemon first, or let it do the work)"
                            : ""));
    } catch (const storage::StoreError& e) {
        throw CommandError(store_exit_code(e), std::string("slawatch: ") + e.what());
    }
}

std::optional<std::pair<sla::EpochMinute, sla::EpochMinute>> rederive(
    const config::Config& config, const std::filesystem::path& db, std::string_view role) {
    const auto lock = storage::WriterLock::acquire(db, role);
    auto store = storage::Store::open(config, db, storage::OpenMode::read_write);
    if (!store->reconcile_config()) return std::nullopt;
    return store->derived_range();
}

namespace {

std::string stale_message(const config::Config& config, const std::filesystem::path& db,
                          bool outdated) {
    if (outdated) {
        return fmt::format(
            "slawatch: {} has an older schema and must be migrated before figures "
            "are printed from it.\n",
            db.string());
    }
    return fmt::format(
        "slawatch: the minutes in {} were derived under another configuration "
        "than {}; no figure is printed from them.\n",
        db.string(), config.file.string());
}

}  // namespace

std::unique_ptr<storage::Store> open_store_for_figures(const config::Config& config,
                                                       const StoreOptions& options) {
    const auto db = db_path(config, options);
    require_database(db);
    for (int attempt = 0;; ++attempt) {
        std::unique_ptr<storage::Store> store;
        bool current = false;
        bool outdated = false;
        try {
            store = storage::Store::open(config, db, storage::OpenMode::read_only);
            // The check and every figure read below see the same snapshot.
            store->hold_snapshot();
            current = store->derived_under_config();
        } catch (const storage::SchemaOutdated&) {
            outdated = true;  // the re-derivation below migrates it
        } catch (const storage::StoreError& e) {
            throw CommandError(store_exit_code(e), std::string("slawatch: ") + e.what());
        }
        if (current) return store;
        store.reset();
        if (attempt > 0) {
            // Another writer derived under yet another config meanwhile.
            throw CommandError(exit_usage, stale_message(config, db, outdated) +
                                               "  Another writer changed them while this command "
                                               "re-derived; try again.");
        }
        // Read-only commands write only here, and only when no daemon does.
        try {
            if (rederive(config, db, "slawatch (re-deriving minutes)")) {
                std::cerr << fmt::format(
                    "slawatch: the configuration changed since the minutes "
                    "were derived; re-derived them under {}\n",
                    config.file.string());
            }
        } catch (const storage::WriterLockBusy& e) {
            const auto pid = e.holder.pid > 0 ? std::to_string(e.holder.pid) : std::string("PID");
            const auto how =
                e.holder.role == "slawatch run"
                    ? fmt::format(
                          ", which re-derives them under its own config when it starts "
                          "or reloads (systemctl reload slawatch, or kill -HUP {});\n"
                          "  or stop it and run `slawatch rederive --config {} --db {}`.",
                          pid, config.file.string(), db.string())
                    : fmt::format(
                          "; try again when it has finished, or run `slawatch rederive "
                          "--config {} --db {}` then.",
                          config.file.string(), db.string());
            throw CommandError(exit_usage,
                               stale_message(config, db, outdated) + "  " + e.what() + how);
        } catch (const storage::RefusedDatabase& e) {
            throw CommandError(exit_usage, std::string("slawatch: ") + e.what());
        } catch (const storage::StoreError& e) {
            throw CommandError(
                exit_usage,
                stale_message(config, db, outdated) +
                    fmt::format("  Re-derive them with `slawatch rederive --config {} --db {}` "
                                "(or restart the daemon) as a user who may write the database; "
                                "this one could not: {}",
                                config.file.string(), db.string(), e.what()));
        }
    }
}

sla::ServiceMonth service_month_arg(const config::Config& config, std::string_view text) {
    const auto ym = sla::parse_year_month(text);
    if (!ym) {
        throw CommandError(exit_usage,
                           fmt::format("--month: bad month \"{}\" (expected YYYY-MM)", text));
    }
    const auto& terms = config.contract.terms;
    const auto month = sla::find_service_month(terms.months(), *ym);
    if (!month) {
        throw CommandError(exit_usage,
                           fmt::format("--month: {} is outside the contract term ({} to {})", text,
                                       sla::format_date(terms.start), sla::format_date(terms.end)));
    }
    return *month;
}

sla::EpochMillis time_arg(std::string_view text, std::string_view option) {
    const auto t = sla::parse_rfc3339(text);
    if (!t) {
        throw CommandError(exit_usage, fmt::format("{}: bad time \"{}\" (expected RFC 3339, e.g. "
                                                   "2026-06-01T00:00:00+08:00)",
                                                   option, text));
    }
    return *t;
}

std::string projection_text(const sla::MonthReport& r) {
    if (!r.projected)
        return fmt::format("not yet: {} of the {} observed minutes a projection needs",
                           r.elapsed_minutes - r.unknown, sla::projection_min_observed_minutes);
    return fmt::format("{} unavailable minutes by month end, {} % compensation",
                       r.projected_unavailable, r.projected_percent);
}

sla::Money capped_compensation(const storage::Store& store, const config::Config& config,
                               const sla::ServiceMonth& month, sla::EpochMillis now) {
    // R9 / SLA 5.1: the cap looks back over the months before this one.
    std::vector<sla::MonthCompensation> months;
    for (const auto& m : config.contract.terms.months()) {
        if (m.index > month.index) break;
        const auto r = store.month_report(m, now);
        months.push_back({m.calendar_month(), r.fee, r.compensation_percent, r.compensation});
    }
    sla::apply_liability_cap(months);
    return months.empty() ? sla::Money{} : months.back().amount;
}

std::string json_quote(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    out += fmt::format("\\u{:04x}", static_cast<int>(c));
                } else {
                    out += c;
                }
        }
    }
    return out + "\"";
}

void write_output(const std::string& text, const std::string& file) {
    if (file.empty() || file == "-") {
        std::cout << text << std::flush;
        return;
    }
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) throw CommandError(exit_failure, "slawatch: cannot write " + file);
}

}  // namespace slawatch::cli
