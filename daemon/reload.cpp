// SPDX-License-Identifier: Apache-2.0
// SIGHUP: one apply path for every section that can change at run time.
// Everything that can reject the new config (probe setup, hooks, the
// signing key) is checked first, on the probe loop; then the probe loop
// applies its half (probes, monitor) and sends the storage pipeline its half
// as a message, StoragePipeline::reload() (store config: monitor, maintenance,
// attribution, contract, retention; [[alert]] hooks; [evidence];
// storage.synchronous), which re-derives in steps.

#include "daemon/probe_loop.hpp"
#include "daemon/probe_set.hpp"
#include "daemon/storage_pipeline.hpp"

#include "alerts/hook.hpp"
#include "storage/sqlite.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace slawatch::daemon {

namespace {

// The sections whose change needs a restart, by name; `fresh` keeps the running values.
std::vector<std::string> keep_restart_only(config::Config& fresh, const config::Config& running) {
    std::vector<std::string> out;
    if (fresh.storage.path != running.storage.path) out.push_back("storage.path");
    fresh.storage.path = running.storage.path;
    if (fresh.metrics.listen != running.metrics.listen) out.push_back("metrics.listen");
    if (fresh.metrics.enabled != running.metrics.enabled) out.push_back("metrics.enabled");
    fresh.metrics = running.metrics;
    // The database is claimed for one vantage name when it opens.
    if (fresh.vantage.name != running.vantage.name) out.push_back("vantage.name");
    // The witness keeps its peers' state (in flight, due) from the start.
    const auto same = [](const config::Witness& a, const config::Witness& b) {
        return a.peer == b.peer && a.database == b.database && a.url == b.url &&
               a.interval == b.interval;
    };
    const auto& w = fresh.vantage.witnesses;
    const auto& r = running.vantage.witnesses;
    if (!std::equal(w.begin(), w.end(), r.begin(), r.end(), same))
        out.push_back("[[vantage.witness]]");
    fresh.vantage = running.vantage;
    return out;
}

}  // namespace

void ProbeLoop::on_reload() {
    if (stopping_) return;
    notify::reloading();
    auto loaded = config::load(config_.file);
    if (!loaded) {
        spdlog::error("config reload rejected ({} problem{}); the running config stays",
                      loaded.errors.size(), loaded.errors.size() == 1 ? "" : "s");
        for (const auto& e : loaded.errors) spdlog::error("{}", e);
        record_reload(false);
        notify::ready();
        return;
    }
    auto fresh = std::move(*loaded.config);
    std::vector<std::shared_ptr<probes::Probe>> probes;
    std::unique_ptr<Checkpointer> checkpointer;
    try {
        probes = make_probes(io_.get_executor(), fresh);
        // Set up and thrown away: a hook that cannot start rejects the reload here.
        for (const auto& a : fresh.alerts) alerts::make_hook(io_.get_executor(), a);
        checkpointer = std::make_unique<Checkpointer>(fresh);
    } catch (const std::exception& e) {
        spdlog::error("config reload rejected: {}; the running config stays", e.what());
        record_reload(false);
        notify::ready();
        return;
    }
    for (const auto& section : keep_restart_only(fresh, config_))
        spdlog::warn("config reload: a new {} takes effect after a restart", section);

    // The probe loop's half: probes and [monitor].
    config_ = fresh;
    max_timeout_ = max_timeout(config_);
    scheduler_->set_probes(std::move(probes), config_.monitor.probes_per_minute);
    // The storage pipeline's half, in order after what it is doing now.
    pipeline_.reload(fresh, std::move(checkpointer));
    spdlog::info(
        "config reloaded: {} probes, {} runs a minute each, {} alert hooks, "
        "{} maintenance windows",
        config_.probes.size(), config_.monitor.probes_per_minute, config_.alerts.size(),
        config_.maintenance.size());
    record_reload(true);
    notify::ready();
}

// For /metrics: slawatch_config_last_reload_successful and its time.
void ProbeLoop::record_reload(bool ok) {
    std::lock_guard lock(shared_.mutex);
    shared_.metrics.set_reload(ok, static_cast<double>(sla::now_ms()) / 1000.0);
}

// On the storage thread: the pipeline's half of a reload.
void StoragePipeline::apply(const config::Config& fresh,
                            std::unique_ptr<Checkpointer> checkpointer) {
    const bool sync_changed = fresh.storage.synchronous != config_.storage.synchronous;
    config_ = fresh;
    policy_.max_timeout = max_timeout(fresh);
    store_->set_config(fresh);
    checkpointer_ = std::move(checkpointer);
    month_.terms_changed();
    try {
        if (sync_changed) store_->set_synchronous(fresh.storage.synchronous);
    } catch (const std::exception& e) {
        spdlog::error("config reload: cannot apply storage.synchronous: {}", e.what());
    }
    try {
        if (alerts_) alerts_->apply(fresh);
    } catch (const std::exception& e) {
        spdlog::error("config reload: the [[alert]] hooks stay as they were: {}", e.what());
    }
    try {
        // A request in flight on the old stamper is asked again by the new
        // one; its token is stored once.
        if (alerts_) {
            if (stamper_) stamper_->stop();
            stamper_ = make_stamper(fresh);
            if (stamper_) stamper_->poke();
        }
    } catch (const std::exception& e) {
        spdlog::error("config reload: time-stamping stays as it was: {}", e.what());
    }
    start_reconcile();
    refresh_month();
    log_.update_status();
}

}  // namespace slawatch::daemon
