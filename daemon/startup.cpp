// SPDX-License-Identifier: Apache-2.0
// The daemon's startup: everything that can refuse to start does so here,
// before any thread runs; then the storage thread resumes where the last
// run stopped while the probe loop starts probing.

#include "daemon/daemon_impl.hpp"
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

}  // namespace

void Daemon::start() {
    // One writer per database, for the daemon's whole life: a second
    // `run`, a replay or a maintenance change is refused meanwhile.
    try {
        lock_.emplace(storage::WriterLock::acquire(options_.db_path, "slawatch run"));
    } catch (const storage::WriterLockBusy& e) {
        throw StartError(1, fmt::format("{}; refusing to start a second writer", e.what()));
    } catch (const storage::StoreError& e) {
        throw StartError(1, e.what());
    }
    open_store();
    try {
        checkpointer_ = std::make_unique<Checkpointer>(config_);
    } catch (const storage::evidence::KeyError& e) {
        throw StartError(2, fmt::format("{}: {}", config_.file.string(), e.what()));
    }
    std::vector<std::shared_ptr<probes::Probe>> probes;
    try {
        probes = make_probes(io_.get_executor(), config_);
    } catch (const probes::ProbeSetupError& e) {
        throw StartError(2, fmt::format("{}: {}", config_.file.string(), e.what()));
    }
    if (config_.metrics.enabled) {
        try {
            server_ = std::make_unique<MetricsServer>(
                io_.get_executor(), parse_listen(config_.metrics.listen),
                [this](const std::string& target) { return serve(target); });
        } catch (const std::exception& e) {
            throw StartError(
                1, fmt::format("cannot listen on {}: {}", config_.metrics.listen, e.what()));
        }
    }
    try {
        alerts_ = std::make_unique<alerts::Alerting>(storage_.executor(), config_, *store_);
    } catch (const alerts::HookSetupError& e) {
        throw StartError(2, fmt::format("{}: {}", config_.file.string(), e.what()));
    } catch (const std::exception& e) {
        throw StartError(1, fmt::format("alerts: {}", e.what()));
    }
    {
        std::lock_guard lock(shared_.mutex);
        shared_.metrics.set_vantage(config_.vantage.name);
    }
    max_timeout_ = max_timeout(config_);
    policy_.max_timeout = max_timeout_;
    storage_tick_ = std::make_unique<boost::asio::steady_timer>(storage_.executor());

    storage_.start();
    storage_.post("resuming", [this] { start_storage(); });
    scheduler_->set_probes(std::move(probes), config_.monitor.probes_per_minute);
    lifecycle_.start();
    next_tick_ = std::chrono::steady_clock::now();
    do_tick();

    spdlog::info(
        "slawatch {} running as vantage point {}: {} probes, {} runs a minute each, "
        "database {}{}",
        options_.version, config_.vantage.name, config_.probes.size(),
        config_.monitor.probes_per_minute, options_.db_path.string(),
        server_ ? fmt::format(", metrics on http://{}/metrics", config_.metrics.listen)
                : std::string());
    notify::ready();
}

// Opens the database, refusing to create a new one where the marker says one
// was (store_marker.hpp), and starts watching the open file (store_watch.hpp).
void Daemon::open_store() {
    const auto& db = options_.db_path;
    struct stat st {};
    const bool existed = ::stat(db.c_str(), &st) == 0 || errno != ENOENT;
    std::optional<StoreMarker> marker;
    try {
        marker = read_marker(db);
    } catch (const std::exception& e) {
        throw StartError(1, e.what());
    }
    if (!existed && marker && !options_.new_database)
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
    try {
        // Opening (and migrating) may wait for a lock as long as it needs; running may not.
        store_ = storage::Store::open(config_, db, storage::OpenMode::read_write);
        store_->set_busy_timeout(daemon_busy_timeout);
        watch_.emplace(db);
    } catch (const storage::RefusedDatabase& e) {
        // storage.path names something that is not a slawatch database: bad config.
        throw StartError(2, e.what());
    } catch (const std::exception& e) {
        throw StartError(1, fmt::format("cannot open the database {}: {}", db.string(), e.what()));
    }
    if (marker && same_file(*marker, watch_->identity()) && !options_.new_database) return;
    if (marker && existed)
        spdlog::warn("the database {} is not the file recorded in {} ({}): recording this one",
                     db.string(), marker_path(db).string(), describe(*marker));
    try {
        write_marker(db, make_marker(db, config_.vantage.name, !existed, watch_->identity()));
    } catch (const std::exception& e) {
        throw StartError(1, e.what());
    }
}

// On the storage thread: re-derive after a config change (in steps), then
// resume where the last run stopped.
void Daemon::start_storage() {
    start_reconcile();
    resume();
    do_storage_tick();
}

// Nothing else writes while the daemon runs, so a result stored for a time
// still to come was written before it was sent: by a replay from a clock
// ahead of this one (within its 2 minutes), or this clock was set back. It
// will count in its minute like the daemon's own: said once, loudly.
void Daemon::report_future_results() {
    const auto now = now_ms();
    const auto ahead = store_->results(now + 1, now + 3'600'000);
    if (ahead.empty()) return;
    const auto& zone = storage_config_.contract.terms.zone;
    spdlog::error(
        "storage: the database holds {} results sent after this clock's {} (the latest: {} at "
        "{}); they were written before they were sent (a replay from a clock ahead of this one, "
        "or this clock was set back) and count in their minutes",
        ahead.size(), zone.format_millis(now), ahead.back().probe,
        zone.format_millis(ahead.back().sample.sent_ms));
}

// Crash rule: minutes between the last finalized one and now were not
// watched (or not finished): derive them; with no results they are unknown.
// Retried by the storage tick until it succeeds (a locked database).
void Daemon::resume() {
    try {
        const auto current = sla::minute_of_ms(now_ms());
        report_future_results();
        const auto stored = store_->finalized_until();
        // A first start records where watching began, so a crash before the
        // first finalized minute still leaves the gap to derive on restart.
        if (!stored) store_->set_finalized_until(current);
        finalized_until_ = stored ? *stored : current;
        // Before finalizing: what was already emitted must be known first.
        if (alerts_) alerts_->resume(*store_, finalized_until_, now_ms());
        resumed_ = true;
        {
            std::lock_guard lock(shared_.mutex);
            shared_.metrics.set_finalized_until(finalized_until_);
        }
        if (finalized_until_ < current) {
            const auto zone = storage_config_.contract.terms.zone;
            spdlog::info("resuming: deriving minutes {} to {} (unknown where no probe ran)",
                         zone.format_minute(finalized_until_), zone.format_minute(current));
            finalize_until(current);
        }
        refresh_month();
        update_status();
    } catch (const std::exception& e) {
        std::lock_guard lock(shared_.mutex);
        if (shared_.store_ok) spdlog::error("storage: cannot resume: {}; retrying", e.what());
        shared_.store_ok = false;
    }
}

}  // namespace slawatch::daemon
