// SPDX-License-Identifier: Apache-2.0
// Finalizing minutes on the storage thread: resume after a restart, derive
// the minutes that are complete with their alert events in one transaction,
// and the evidence checkpoints that follow.

#include "daemon/storage_pipeline.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace slawatch::daemon {

// Nothing else writes while the daemon runs, so a result stored for a time
// still to come was written before it was sent: by a replay from a clock
// ahead of this one (within its 2 minutes), or this clock was set back. It
// will count in its minute like the daemon's own: said once, loudly.
void StoragePipeline::report_future_results() {
    const auto now = sla::now_ms();
    const auto ahead = store_->results(now + 1, now + 3'600'000);
    if (ahead.empty()) return;
    const auto& zone = config_.contract.terms.zone;
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
void StoragePipeline::resume() {
    try {
        const auto current = sla::minute_of_ms(sla::now_ms());
        report_future_results();
        const auto stored = store_->finalized_until();
        // A first start records where watching began, so a crash before the
        // first finalized minute still leaves the gap to derive on restart.
        if (!stored) store_->set_finalized_until(current);
        finalized_until_ = stored ? *stored : current;
        // Before finalizing: what was already emitted must be known first.
        if (alerts_) alerts_->resume(*store_, finalized_until_, sla::now_ms());
        if (stamper_) stamper_->poke();  // requests left from before the restart
        resumed_ = true;
        {
            std::lock_guard lock(shared_.mutex);
            shared_.metrics.set_finalized_until(finalized_until_);
        }
        if (finalized_until_ < current) {
            const auto zone = config_.contract.terms.zone;
            spdlog::info("resuming: deriving minutes {} to {} (unknown where no probe ran)",
                         zone.format_minute(finalized_until_), zone.format_minute(current));
            finalize_until(current);
        }
        refresh_month();
        log_.update_status();
    } catch (const std::exception& e) {
        std::lock_guard lock(shared_.mutex);
        if (shared_.store_ok) spdlog::error("storage: cannot resume: {}; retrying", e.what());
        shared_.store_ok = false;
    }
}

void StoragePipeline::try_finalize(sla::EpochMinute pending) {
    // Minutes are derived from stored results only: wait while some are unwritten.
    if (store_lost_ || !shared_.writer.healthy()) return;
    const auto end = finalizable_until(finalized_until_, sla::now_ms(), policy_,
                                       [pending](sla::EpochMinute m) { return m >= pending; });
    finalize_until(end);
}

bool StoragePipeline::finalize_until(sla::EpochMinute end) {
    // A day at a time: a long gap never holds the storage thread for long.
    while (finalized_until_ < end)
        if (!finalize_through(std::min(end, finalized_until_ + rederive_chunk_minutes)))
            return false;
    return true;
}

// The minutes [from, end) and their alert events, in the caller's transaction;
// returns the last hour's rows for the state-change log.
std::vector<storage::MinuteRow> StoragePipeline::derive_and_detect(sla::EpochMinute from,
                                                                   sla::EpochMinute end) {
    store_->derive_minutes(from, end);
    auto rows = store_->minutes(std::max(from, end - 60), end, std::nullopt);
    store_->set_finalized_until(end);
    if (!alerts_) return rows;
    try {
        alerts_->on_finalized(*store_, from, end, sla::now_ms());
    } catch (const storage::StoreError&) {
        throw;
    } catch (const std::exception& e) {
        // Not a storage failure: the minutes must not wait on it forever.
        alerts_->rolled_back();
        spdlog::error("alerts: cannot detect events: {}", e.what());
    }
    return rows;
}

bool StoragePipeline::finalize_through(sla::EpochMinute end) {
    const auto from = finalized_until_;
    std::vector<storage::MinuteRow> rows;
    try {
        // The minutes and their alert events commit together: a crash cannot
        // leave a finalized minute whose alerts were never stored.
        store_->transaction([&] { rows = derive_and_detect(from, end); });
    } catch (const std::exception& e) {
        if (alerts_) alerts_->rolled_back();
        set_store_ok(false);
        const auto now = sla::now_ms();
        if (now - last_finalize_error_ms_ >= 60'000) {
            last_finalize_error_ms_ = now;
            spdlog::error("storage: cannot finalize minutes: {}; retrying", e.what());
        }
        return false;
    }
    if (alerts_) alerts_->committed();
    {
        std::lock_guard lock(shared_.mutex);
        shared_.store_ok = true;
        shared_.metrics.set_finalized_until(end);
    }
    for (const auto& row : rows) log_.on_minute(row, config_.contract.terms);
    finalized_until_ = end;
    record_checkpoint(from, end);
    refresh_month();
    log_.update_status();
    return true;
}

// Evidence log: hourly and at each local day's end (checkpointer.hpp).
// `force`: one now whether due or not (a clean stop).
void StoragePipeline::record_checkpoint(sla::EpochMinute from, sla::EpochMinute to, bool force) {
    // Never a signature over a file nobody will read again.
    if (!store_still_there()) return;
    try {
        auto c = force ? store_->evidence().checkpoint(sla::now_ms(), checkpointer_->signer())
                       : checkpointer_->on_finalized(*store_, from, to, sla::now_ms());
        if (c && alerts_ && checkpointer_->signer())
            alerts_->on_checkpoint(*c, checkpointer_->signer()->public_key_pem(), sla::now_ms());
        if (c && stamper_) stamper_->on_checkpoint(*c, store_->evidence().note(*c), sla::now_ms());
    } catch (const std::exception& e) {
        spdlog::error("evidence: cannot record a checkpoint: {}", e.what());
    }
}

}  // namespace slawatch::daemon
