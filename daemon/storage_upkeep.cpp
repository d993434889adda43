// SPDX-License-Identifier: Apache-2.0
// The store's upkeep on the storage thread, each in steps short enough that
// writes and finalization go on between them: retention, compaction, and
// re-derivation after a config change.

#include "daemon/storage_pipeline.hpp"

#include <spdlog/spdlog.h>

namespace slawatch::daemon {
using namespace std::chrono_literals;

// Raw results older than storage.retention_days go; minutes stay forever.
void StoragePipeline::apply_retention() {
    try {
        if (auto n = store_->apply_retention(sla::now_ms()); n > 0)
            spdlog::info("retention: deleted {} raw probe results older than {} days", n,
                         config_.storage.retention_days);
    } catch (const std::exception& e) {
        spdlog::error("storage: retention cleanup failed: {}", e.what());
    }
}

// Successful results of months past their claim deadline become per-minute
// counts: one UTC day per storage tick (one transaction each), so the store
// is never held long and a kill leaves whole days folded or not at all.
void StoragePipeline::compact_step() {
    try {
        const auto r = store_->compact_step(sla::now_ms());
        if (r.results > 0) {
            std::lock_guard lock(shared_.mutex);
            shared_.metrics.add_compacted(static_cast<std::uint64_t>(r.results));
        }
        auto& run = compaction_run_;
        run.results += r.results;
        run.minutes += r.minutes;
        run.folds += r.folds;
        run.steps += r.steps;
        run.bytes_freed += r.bytes_freed;
        compacting_ = !r.done;
        if (r.done) {
            next_compaction_ = std::chrono::steady_clock::now() + std::chrono::hours(1);
            if (run.results > 0 && r.until)
                spdlog::info(
                    "compaction: folded {} successful results sent before {} into the counts of "
                    "{} probe-minutes ({} days, {} bytes freed); failed results stay raw",
                    run.results, config_.contract.terms.zone.format_minute(*r.until), run.minutes,
                    run.steps, run.bytes_freed);
            run = {};
        }
    } catch (const std::exception& e) {
        compacting_ = false;
        compaction_run_ = {};
        next_compaction_ = std::chrono::steady_clock::now() + std::chrono::hours(1);
        spdlog::error("storage: compaction failed (nothing of the failed day was folded): {}",
                      e.what());
    }
}

// A changed min_samples, policy or maintenance re-derives the minutes so far,
// a day per job so that writes and finalization go on between the steps.
void StoragePipeline::start_reconcile() {
    if (reconciling_) return;  // the running steps pick the new config up
    try {
        // Nothing to re-derive (the same config, or no minute yet): one step
        // still records the config, so the CLI prints figures from these minutes.
        if (store_->derived_under_config()) {
            store_->reconcile_config_step(rederive_chunk_minutes);
            return;
        }
    } catch (const std::exception& e) {
        spdlog::error("storage: cannot record the config fingerprint: {}", e.what());
    }
    reconciling_ = true;
    spdlog::info("config changed: re-deriving the minutes already stored, a day at a time");
    thread_.post("re-deriving minutes", [this] { reconcile_step(); });
}

void StoragePipeline::reconcile_step() {
    if (stopping_ || store_lost_) return;  // a restart starts over: derivation is idempotent
    try {
        if (!store_->reconcile_config_step(rederive_chunk_minutes)) {
            thread_.post("re-deriving minutes", [this] { reconcile_step(); });
            return;
        }
        reconciling_ = false;
        spdlog::info("config changed: re-derived the minutes already stored");
        refresh_month();
    } catch (const std::exception& e) {
        // Retried after a pause; a locked database must not spin the thread.
        spdlog::error("storage: cannot re-derive minutes: {}; retrying", e.what());
        auto timer = std::make_shared<boost::asio::steady_timer>(thread_.executor(), 5s);
        timer->async_wait([this, timer](boost::system::error_code ec) {
            if (!ec) thread_.post("re-deriving minutes", [this] { reconcile_step(); });
        });
    }
}

}  // namespace slawatch::daemon
