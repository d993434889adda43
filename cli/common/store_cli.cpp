// SPDX-License-Identifier: Apache-2.0
// Shared plumbing of the data commands.

#include "cli/common/store_cli.hpp"

#include "cli/common/exit_codes.hpp"
#include "sla/compensation.hpp"
#include "text/escape.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <iostream>

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

sla::ServiceMonth service_month_arg(const config::Config& config, std::string_view text) {
    const auto ym = sla::parse_year_month(text);
    if (!ym) {
        throw CommandError(exit_usage, fmt::format("--month: bad month {} (expected YYYY-MM)",
                                                   text::quote_field(text)));
    }
    const auto& terms = config.contract.terms;
    const auto month = sla::find_service_month(terms.months(), *ym);
    if (!month) {
        throw CommandError(exit_usage,
                           fmt::format("--month: {} is outside the contract term ({} to {})",
                                       text::quote_field(text), sla::format_date(terms.start),
                                       sla::format_date(terms.end)));
    }
    return *month;
}

sla::EpochMillis time_arg(std::string_view text, std::string_view option) {
    const auto t = sla::parse_rfc3339(text);
    if (!t) {
        throw CommandError(exit_usage, fmt::format("{}: bad time {} (expected RFC 3339, e.g. "
                                                   "2026-06-01T00:00:00+08:00)",
                                                   option, text::quote_field(text)));
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

sla::Money capped_compensation(const storage::Figures& figures, const config::Config& config,
                               const sla::ServiceMonth& month, sla::EpochMillis now) {
    // R9 / SLA 5.1: the cap looks back over the months before this one.
    std::vector<sla::MonthCompensation> months;
    for (const auto& m : config.contract.terms.months()) {
        if (m.index > month.index) break;
        const auto r = figures.month_report(m, now);
        months.push_back({m.calendar_month(), r.fee, r.compensation_percent, r.compensation});
    }
    sla::apply_liability_cap(months);
    return months.empty() ? sla::Money{} : months.back().amount;
}

std::string json_quote(std::string_view text) {
    return text::json_quote(text);
}

void write_output(const std::string& text, const std::string& file) {
    if (file.empty() || file == "-") {
        std::cout << text << std::flush;
        return;
    }
    // 0600 whatever the umask: a claim names the customer, its figures and evidence.
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
    if (fd < 0)
        throw CommandError(
            exit_failure, fmt::format("slawatch: cannot write {}: {}", file, std::strerror(errno)));
    struct stat st {};
    bool ok = ::fstat(fd, &st) == 0;
    // An existing file is tightened, then truncated; a device or pipe is written as it is.
    if (ok && S_ISREG(st.st_mode))
        ok = ((st.st_mode & 07777) == 0600 || ::fchmod(fd, 0600) == 0) && ::ftruncate(fd, 0) == 0;
    for (std::size_t done = 0; ok && done < text.size();) {
        const auto n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        ok = n > 0;
        if (ok) done += static_cast<std::size_t>(n);
    }
    const int e = errno;
    if (::close(fd) != 0) ok = false;
    if (!ok)
        throw CommandError(exit_failure,
                           fmt::format("slawatch: cannot write {}: {}", file, std::strerror(e)));
}

}  // namespace slawatch::cli
