// SPDX-License-Identifier: Apache-2.0
// The daemon's database at startup: a missing database that the marker says
// existed is refused (its evidence was lost) unless --new-database asks for a
// new one; the marker then records the file opened.

#include "daemon/open_store.hpp"

#include "daemon/store_marker.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <sys/stat.h>

#include <cerrno>

namespace slawatch::daemon {
namespace {

// A WAL left behind by the lost database (a kill -9 after it was deleted)
// would be read into the new one: kept, under another name, for a look.
void set_aside_journals(const std::filesystem::path& db) {
    for (const char* suffix : {"-wal", "-shm", "-journal"}) {
        auto from = db;
        from += suffix;
        auto to = from;
        to += ".before-new-database";
        std::error_code ec;
        if (!std::filesystem::exists(from, ec)) continue;
        std::filesystem::rename(from, to, ec);
        if (ec)
            throw StartError(1,
                             fmt::format("cannot move {} aside: {}", from.string(), ec.message()));
        spdlog::warn("--new-database: moved {}, left by the lost database, to {}", from.string(),
                     to.string());
    }
}

std::optional<StoreMarker> read_marker_or_refuse(const std::filesystem::path& db) {
    try {
        return read_marker(db);
    } catch (const std::exception& e) {
        throw StartError(1, e.what());
    }
}

OpenedStore open_and_watch(const config::Config& config, const std::filesystem::path& db) {
    OpenedStore out;
    try {
        // Opening (and migrating) may wait for a lock as long as it needs; running may not.
        out.store = storage::Store::open(config, db, storage::OpenMode::read_write);
        out.store->set_busy_timeout(daemon_busy_timeout);
        out.watch = std::make_unique<StoreWatch>(db);
    } catch (const storage::RefusedDatabase& e) {
        // storage.path names something that is not a slawatch database: bad config.
        throw StartError(2, e.what());
    } catch (const std::exception& e) {
        throw StartError(1, fmt::format("cannot open the database {}: {}", db.string(), e.what()));
    }
    return out;
}

}  // namespace

OpenedStore open_store(const config::Config& config, const Options& options) {
    const auto& db = options.db_path;
    struct stat st {};
    const bool existed = ::stat(db.c_str(), &st) == 0 || errno != ENOENT;
    const auto marker = read_marker_or_refuse(db);
    if (!existed && marker && !options.new_database)
        throw StartError(
            2,
            fmt::format("the database {} is missing, but this state directory had one: {} {}, as "
                        "recorded in {}. Its evidence was deleted or moved: restore it to {}, or "
                        "start a new, empty database with `slawatch run --new-database`",
                        db.string(), marker->database.empty() ? db.string() : marker->database,
                        describe(*marker), marker_path(db).string(), db.string()));
    if (!existed && marker) {
        spdlog::warn("--new-database: creating {}; the database recorded before ({}) is gone",
                     db.string(), describe(*marker));
        set_aside_journals(db);
    }
    auto opened = open_and_watch(config, db);
    const auto identity = opened.watch->identity();
    if (marker && same_file(*marker, identity) && !options.new_database) return opened;
    if (marker && existed)
        spdlog::warn("the database {} is not the file recorded in {} ({}): recording this one",
                     db.string(), marker_path(db).string(), describe(*marker));
    try {
        write_marker(db, make_marker(db, config.vantage.name, !existed, identity));
    } catch (const std::exception& e) {
        throw StartError(1, e.what());
    }
    return opened;
}

}  // namespace slawatch::daemon
