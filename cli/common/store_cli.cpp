// SPDX-License-Identifier: Apache-2.0
// Opening the database as the data commands do (store_cli.hpp).

#include "cli/common/store_cli.hpp"

#include "cli/common/exit_codes.hpp"

#include <fmt/format.h>

namespace slawatch::cli {

void add_store_options(CLI::App& cmd, StoreOptions& options) {
    add_config_option(cmd, options.config);
    cmd.add_option("--db", options.db,
                   "Database file (default: storage.path of the config); refused (exit 2) unless a "
                   "regular file with exactly slawatch's schema");
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
    return storage::Store::open(config, db_path(config, options), mode);
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
    }
}

std::optional<std::pair<sla::EpochMinute, sla::EpochMinute>> rederive(
    const config::Config& config, const std::filesystem::path& db, std::string_view role) {
    const auto lock = storage::WriterLock::acquire(db, role);
    auto store = storage::Store::open(config, db, storage::OpenMode::read_write);
    if (!store->reconcile_config()) return std::nullopt;
    return store->derived_range();
}

VerifiedStore open_verified_store(const config::Config& config, const StoreOptions& options,
                                  sla::EpochMillis now, UnsignedTail tail) {
    const auto db = db_path(config, options);
    require_database(db);
    VerifiedStore out;
    for (int attempt = 0;; ++attempt) {
        try {
            out.store = storage::Store::open(config, db, storage::OpenMode::read_only);
            break;
        } catch (const storage::SchemaOutdated& e) {
            // Read-only commands write only here, and only when no daemon does.
            if (attempt > 0) throw CommandError(exit_failure, std::string("slawatch: ") + e.what());
            try {
                rederive(config, db, "slawatch (migrating the schema)");
            } catch (const storage::WriterLockBusy& busy) {
                throw CommandError(
                    exit_usage,
                    fmt::format("slawatch: {}; {}: restart the daemon with this version, which "
                                "migrates it, then run this again",
                                e.what(), busy.what()));
            } catch (const storage::StoreError& failed) {
                throw CommandError(exit_usage,
                                   std::string("slawatch: ") + e.what() + ": " + failed.what());
            }
        }
    }
    try {
        // The verification and every figure read after it see one snapshot.
        out.store->hold_snapshot();
        storage::FigureOptions fo;
        fo.now = now;
        fo.exclude_unsigned_tail = tail == UnsignedTail::left_out;
        out.figures = out.store->verified_figures(fo);
    } catch (const storage::UnverifiedEvidence& e) {
        throw CommandError(exit_usage, std::string("slawatch: ") + e.what());
    }
    return out;
}

}  // namespace slawatch::cli
