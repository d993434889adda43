// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the data commands (replay, report, minutes, incidents, maintenance,
// claim, status) share: the config and database options, opening the store,
// parsing times and months, and writing JSON text.

#include "cli/common/config_file.hpp"
#include "config/config.hpp"
#include "sla/clock.hpp"
#include "sla/month_report.hpp"
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

// The Service Month lying in YYYY-MM, or CommandError(2).
sla::ServiceMonth service_month_arg(const config::Config& config, std::string_view text);

// RFC 3339, or CommandError(2) naming the option.
sla::EpochMillis time_arg(std::string_view text, std::string_view option);

// The process's one clock (sla/clock.hpp).
using sla::now_ms;

// "60 unavailable minutes by month end, 10 % compensation", or why there is no
// projection yet (sla::projection_min_observed_minutes).
std::string projection_text(const sla::MonthReport& r);

// R9: the month's compensation after the 12-month liability cap, computed
// over the term's months up to and including `month`.
sla::Money capped_compensation(const storage::Figures& figures, const config::Config& config,
                               const sla::ServiceMonth& month, sla::EpochMillis now);

// "text" as a JSON string literal, quotes included (text::json_quote: every
// control, bidirectional and invalid byte escaped).
std::string json_quote(std::string_view text);

// Writes `text` to `file`, or to stdout when `file` is empty or "-". The file
// is created 0600; an existing regular file is set to 0600 and truncated.
void write_output(const std::string& text, const std::string& file);

}  // namespace slawatch::cli
