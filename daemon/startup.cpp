// SPDX-License-Identifier: Apache-2.0
// The daemon's startup: everything that can refuse to start does so here,
// before any thread runs; then the storage thread resumes where the last
// run stopped while the probe loop starts probing.

#include "daemon/daemon_impl.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace slawatch::daemon {

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
    try {
        // Opening (and migrating) may wait for a lock as long as it needs; running may not.
        store_ = storage::Store::open(config_, options_.db_path, storage::OpenMode::read_write);
        store_->set_busy_timeout(daemon_busy_timeout);
    } catch (const storage::RefusedDatabase& e) {
        // storage.path names something that is not a slawatch database: bad config.
        throw StartError(2, e.what());
    } catch (const std::exception& e) {
        throw StartError(
            1, fmt::format("cannot open the database {}: {}", options_.db_path.string(), e.what()));
    }
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

// On the storage thread: re-derive after a config change (in steps), then
// resume where the last run stopped.
void Daemon::start_storage() {
    start_reconcile();
    resume();
    do_storage_tick();
}

// Crash rule: minutes between the last finalized one and now were not
// watched (or not finished): derive them; with no results they are unknown.
// Retried by the storage tick until it succeeds (a locked database).
void Daemon::resume() {
    try {
        const auto current = sla::minute_of_ms(now_ms());
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
