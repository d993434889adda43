// SPDX-License-Identifier: Apache-2.0
// `slawatch backup`: a consistent, verified copy of the evidence database,
// safe while the daemon writes it (docs/vantage.md, "Shipping the evidence").
// slawatch-ship.service ships what it writes to the quorum host.

#include "cli/commands.hpp"
#include "cli/common/exit_codes.hpp"
#include "cli/common/store_cli.hpp"
#include "storage/evidence/log.hpp"
#include "storage/sqlite.hpp"
#include "storage/store.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

namespace slawatch::cli {
namespace {

namespace fs = std::filesystem;

struct BackupOptions : StoreOptions {
    std::string output;
};

// The temporary file beside the output, created empty and 0600 (mkstemp), so
// the copy is never readable by others, not even while it is written.
// Removed when destroyed unless released.
class TempCopy {
public:
    explicit TempCopy(const fs::path& output) {
        std::string name =
            (output.parent_path() / ("." + output.filename().string() + ".partial.XXXXXX"))
                .string();
        const int fd = mkstemp(name.data());
        if (fd < 0) {
            throw CommandError(exit_failure, fmt::format("slawatch backup: cannot create {}: {}",
                                                         name, std::strerror(errno)));
        }
        close(fd);
        path_ = name;
    }
    ~TempCopy() {
        if (!path_.empty()) {
            std::error_code ec;
            fs::remove(path_, ec);
        }
    }
    TempCopy(const TempCopy&) = delete;
    TempCopy& operator=(const TempCopy&) = delete;

    const fs::path& path() const { return path_; }
    void release() { path_.clear(); }

private:
    fs::path path_;
};

// fsync(2) of a file or directory, so that a rename after it never exposes
// a file whose data did not reach the disk.
void sync_path(const fs::path& path, int flags) {
    const int fd = open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) {
        const int err = errno;
        if (fd >= 0) close(fd);
        throw CommandError(exit_failure, fmt::format("slawatch backup: cannot sync {}: {}",
                                                     path.string(), std::strerror(err)));
    }
    close(fd);
}

void run_backup(const BackupOptions& o) {
    const auto config = load_config(o.config);
    const auto db = db_path(config, o);
    require_database(db);
    const fs::path output = fs::absolute(o.output);
    std::error_code ec;
    if (output.filename().empty() || fs::is_directory(output, ec)) {
        throw CommandError(exit_usage,
                           fmt::format("slawatch backup: --output {} must name a file, not a "
                                       "directory",
                                       o.output));
    }
    if (!fs::is_directory(output.parent_path(), ec)) {
        throw CommandError(exit_usage, fmt::format("slawatch backup: --output {}: the directory "
                                                   "{} does not exist",
                                                   o.output, output.parent_path().string()));
    }
    if (fs::equivalent(output, db, ec)) {
        throw CommandError(exit_usage, fmt::format("slawatch backup: --output {} is the database "
                                                   "itself",
                                                   o.output));
    }

    TempCopy copy(output);
    try {
        // VACUUM INTO runs in one read transaction: the copy is the snapshot of
        // the last commit, WAL included, and the writer is never blocked. It
        // writes a compact, plain (rollback-journal) database into the empty
        // 0600 file.
        storage::sqlite::Database source(db, storage::sqlite::Database::Mode::read_only,
                                         std::chrono::seconds(10));
        source.prepare("VACUUM INTO ?1").bind(1, copy.path().string()).run();
    } catch (const storage::StoreError& e) {
        throw CommandError(exit_failure, std::string("slawatch backup: ") + e.what());
    }

    // The copy is checked exactly as `slawatch verify` checks a database.
    storage::VerifyReport report;
    std::string vantage;
    try {
        auto store = storage::Store::open(config, copy.path(), storage::OpenMode::immutable_copy);
        report = store->evidence().verify();
        vantage = store->vantage().value_or(config.vantage.name);
    } catch (const storage::StoreError& e) {
        throw CommandError(exit_failure, fmt::format("slawatch backup: the copy of {} cannot be "
                                                     "verified: {}; {} is unchanged",
                                                     db.string(), e.what(), output.string()));
    }
    if (!report.intact()) {
        throw CommandError(
            exit_failure,
            fmt::format("slawatch backup: the copy of {} fails verification: {}; "
                        "{} is unchanged (run slawatch verify)",
                        db.string(), report.problems.front().message, output.string()));
    }

    sync_path(copy.path(), O_RDONLY);
    fs::rename(copy.path(), output, ec);
    if (ec) {
        throw CommandError(exit_failure,
                           fmt::format("slawatch backup: cannot rename {} to {}: {}",
                                       copy.path().string(), output.string(), ec.message()));
    }
    copy.release();
    sync_path(output.parent_path(), O_RDONLY | O_DIRECTORY);
    std::cout << fmt::format(
        "slawatch backup: {} -> {} ({} bytes); vantage {}; verified: {} results, {} "
        "checkpoints, intact\n",
        db.string(), output.string(), fs::file_size(output, ec), vantage, report.results,
        report.checkpoints);
}

}  // namespace

void register_backup(CLI::App& app) {
    auto options = std::make_shared<BackupOptions>();
    auto* cmd = app.add_subcommand(
        "backup",
        "Write a consistent, verified copy of the evidence database (also while the "
        "daemon runs)");
    add_store_options(*cmd, *options);
    cmd->add_option("--output", options->output,
                    "The copy: written beside it as a hidden temporary file, mode 0600, then "
                    "renamed over it")
        ->required();
    cmd->footer(
        "The copy is one snapshot (VACUUM INTO in a read transaction) and is checked as "
        "`slawatch verify` checks a database before it replaces the output.\n"
        "Exit 0 written and intact; 1 the copy failed or fails verification (the output is "
        "unchanged); 2 bad config, no database or a bad --output.");
    cmd->callback([options] { run_backup(*options); });
}

}  // namespace slawatch::cli
