// SPDX-License-Identifier: Apache-2.0
#pragma once
// How the data commands (replay, report, minutes, incidents, maintenance,
// claim, status, ...) reach the database: the --config and --db options, the
// store opened read-only or under the writer lock, and the verified figures
// people are shown.

#include "cli/common/config_file.hpp"
#include "config/config.hpp"
#include "sla/clock.hpp"
#include "storage/store.hpp"
#include "storage/verified_figures.hpp"
#include "storage/writer_lock.hpp"

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace slawatch::cli {

// The options every data command takes.
struct StoreOptions {
    std::string config;
    std::string db;  // overrides storage.path
};

// Adds --config (required) and --db to `cmd`.
void add_store_options(CLI::App& cmd, StoreOptions& options);

std::filesystem::path db_path(const config::Config& config, const StoreOptions& options);

// read_only: a missing database is storage::MissingDatabase and is never
// created. A refused database (storage::RefusedDatabase: not a regular file,
// a schema not slawatch's, too much work) and other storage failures are
// thrown as they are: cli::run() prints them and exits with store_exit_code.
std::unique_ptr<storage::Store> open_store(const config::Config& config,
                                           const StoreOptions& options, storage::OpenMode mode);

// CommandError(2) "no evidence database at PATH" unless the file exists.
void require_database(const std::filesystem::path& path);

// The exit code of a storage failure: 2 (bad input) for a database refused
// as input or missing, 1 for anything else (cli::run() applies it to every
// storage::StoreError a command ends with).
int store_exit_code(const storage::StoreError& e);

// The single-writer lock for a command that writes (replay, maintenance
// add/remove, rederive), or CommandError(1) naming the holder's PID; other
// storage failures are thrown as they are.
storage::WriterLock acquire_writer_lock(const config::Config& config, const StoreOptions& options,
                                        std::string_view role);

// Re-derives, under `config`, what was derived under another config, holding
// the writer lock meanwhile. Returns the range of stored minutes it
// re-derived, or nothing when they already matched. Throws
// storage::WriterLockBusy while another process writes the database.
std::optional<std::pair<sla::EpochMinute, sla::EpochMinute>> rederive(
    const config::Config& config, const std::filesystem::path& db, std::string_view role);

// Whether results after the newest signed checkpoint count (FigureOptions).
enum class UnsignedTail {
    left_out,  // figures that may leave this host: report, claim, minutes, incidents, quorum
    counted,   // the month so far on the host itself (status), said so in its output
};

// A read-only store and the figures people are shown: re-derived in memory,
// under `config`, from the evidence that verify() checks in the same snapshot
// (storage/verified_figures.hpp); the stored minute rows are never read.
struct VerifiedStore {
    std::unique_ptr<storage::Store> store;
    std::unique_ptr<storage::VerifiedFigures> figures;
};

// Evidence that does not verify is CommandError(2) naming the database and
// the first problem; other storage failures are thrown as they are. An older
// schema is migrated first when no daemon holds the database.
VerifiedStore open_verified_store(const config::Config& config, const StoreOptions& options,
                                  sla::EpochMillis now, UnsignedTail tail = UnsignedTail::left_out);

// The process's one clock (sla/clock.hpp).
using sla::now_ms;

}  // namespace slawatch::cli
