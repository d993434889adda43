// SPDX-License-Identifier: Apache-2.0
#include "daemon/store_upkeep.hpp"

#include <spdlog/spdlog.h>

namespace slawatch::daemon {

void StoreUpkeep::on_tick(storage::MinuteDeriver& store, const config::Config& config) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= next_retention_) {
        next_retention_ = now + std::chrono::hours(1);
        apply_retention(store, config);
    }
    if (compacting_ || now >= next_compaction_) compact_step(store, config);
}

// Raw results older than storage.retention_days go; minutes stay forever.
void StoreUpkeep::apply_retention(storage::MinuteDeriver& store, const config::Config& config) {
    try {
        if (auto n = store.apply_retention(sla::now_ms()); n > 0)
            spdlog::info("retention: deleted {} raw probe results older than {} days", n,
                         config.storage.retention_days);
    } catch (const std::exception& e) {
        spdlog::error("storage: retention cleanup failed: {}", e.what());
    }
}

void StoreUpkeep::add_to_run(const storage::CompactionResult& r) {
    auto& run = compaction_run_;
    run.results += r.results;
    run.minutes += r.minutes;
    run.folds += r.folds;
    run.steps += r.steps;
    run.bytes_freed += r.bytes_freed;
}

// Successful results of months past their claim deadline become per-minute
// counts: one UTC day per storage tick (one transaction each), so the store
// is never held long and a kill leaves whole days folded or not at all.
void StoreUpkeep::compact_step(storage::MinuteDeriver& store, const config::Config& config) {
    try {
        const auto r = store.compact_step(sla::now_ms());
        if (r.results > 0) {
            std::lock_guard lock(shared_.mutex);
            shared_.metrics.add_compacted(static_cast<std::uint64_t>(r.results));
        }
        add_to_run(r);
        compacting_ = !r.done;
        if (!r.done) return;
        next_compaction_ = std::chrono::steady_clock::now() + std::chrono::hours(1);
        const auto& run = compaction_run_;
        if (run.results > 0 && r.until)
            spdlog::info(
                "compaction: folded {} successful results sent before {} into the counts of "
                "{} probe-minutes ({} days, {} bytes freed); failed results stay raw",
                run.results, config.contract.terms.zone.format_minute(*r.until), run.minutes,
                run.steps, run.bytes_freed);
        compaction_run_ = {};
    } catch (const std::exception& e) {
        compacting_ = false;
        compaction_run_ = {};
        next_compaction_ = std::chrono::steady_clock::now() + std::chrono::hours(1);
        spdlog::error("storage: compaction failed (nothing of the failed day was folded): {}",
                      e.what());
    }
}

}  // namespace slawatch::daemon
