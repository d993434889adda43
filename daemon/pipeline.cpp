// SPDX-License-Identifier: Apache-2.0
// The tick/finalize pipeline, on the storage thread: write the buffered
// results, finalize the minutes that are complete (with their alert events,
// in one transaction), checkpoints, retention and re-derivation in steps.

#include "daemon/daemon_impl.hpp"

#include <boost/asio/post.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace slawatch::daemon {
using namespace std::chrono_literals;

void Daemon::do_storage_tick() {
    if (storage_stopping_) return;
    storage_tick_->expires_after(1s);
    storage_tick_->async_wait([this](boost::system::error_code ec) {
        if (ec || storage_stopping_) return;
        storage_.post("finalizing minutes", [this] {
            storage_tick();
            do_storage_tick();
        });
    });
}

void Daemon::storage_tick() {
    // Read before flushing: every result of a run no longer pending is in the writer by then.
    const auto pending = earliest_pending_.load(std::memory_order_acquire);
    flush();
    if (store_lost_) return;
    if (!resumed_) resume();
    if (resumed_) try_finalize(pending);
    if (std::chrono::steady_clock::now() >= next_retention_) {
        next_retention_ = std::chrono::steady_clock::now() + 1h;
        apply_retention();
    }
    if (compacting_ || std::chrono::steady_clock::now() >= next_compaction_) compact_step();
    if (alerts_) {
        auto text = alerts_->render_metrics();
        std::lock_guard lock(shared_.mutex);
        shared_.alert_metrics = std::move(text);
    }
}

void Daemon::flush() {
    flush_queued_ = false;
    if (!store_still_there()) return;
    const bool was_healthy = writer_.healthy();
    writer_.flush();
    if (auto error = writer_.error_report(now_ms()))
        spdlog::error(
            "storage: cannot write probe results: {} ({} buffered, {} dropped); "
            "retrying",
            *error, writer_.buffered(), writer_.dropped());
    if (!was_healthy && writer_.healthy())
        spdlog::info("storage: writing again ({} results dropped in total)", writer_.dropped());
}

// Cheap (fstat and stat): run before every write, so at least every second.
bool Daemon::store_still_there() {
    if (store_lost_) return false;
    if (!watch_) return true;
    auto reason = watch_->lost();
    if (!reason) return true;
    store_lost_ = true;
    spdlog::error("storage: {}; stopping: nothing more is written or signed into the lost file",
                  *reason);
    {
        std::lock_guard lock(shared_.mutex);
        shared_.store_ok = false;
        shared_.store_lost = std::move(*reason);
    }
    boost::asio::post(io_, [this] { on_store_lost(); });
    return false;
}

// Appends are idempotent; a second, different result of one probe in
// one millisecond cannot be stored and is reported, not fatal.
void Daemon::append(std::span<const storage::ProbeResult> results) {
    // A result from further ahead than any clock skew would decide a minute not yet watched.
    std::vector<storage::ProbeResult> kept;
    const auto now = now_ms();
    if (const auto future = count_future_results(results, now); future > 0) {
        kept = without_future_results(results, now);
        spdlog::error("storage: refused {} probe results sent more than {} s after this clock",
                      future, sla::max_result_lead_ms / 1000);
        results = kept;
    }
    std::vector<storage::AppendConflict> conflicts;
    store_->append_results(results, &conflicts);
    for (const auto& c : conflicts) {
        const auto& r = results[c.index];
        spdlog::warn("storage: {} at {} ms already has a stored result ({}), dropped this one ({})",
                     r.probe, r.sample.sent_ms, sla::to_string(c.stored.sample.outcome),
                     sla::to_string(r.sample.outcome));
    }
}

void Daemon::try_finalize(sla::EpochMinute pending) {
    // Minutes are derived from stored results only: wait while some are unwritten.
    if (store_lost_ || !writer_.healthy()) return;
    const auto end = finalizable_until(finalized_until_, now_ms(), policy_,
                                       [pending](sla::EpochMinute m) { return m >= pending; });
    finalize_until(end);
}

bool Daemon::finalize_until(sla::EpochMinute end) {
    // A day at a time: a long gap never holds the storage thread for long.
    while (finalized_until_ < end)
        if (!finalize_through(std::min(end, finalized_until_ + rederive_chunk_minutes)))
            return false;
    return true;
}

bool Daemon::finalize_through(sla::EpochMinute end) {
    const auto from = finalized_until_;
    std::vector<storage::MinuteRow> rows;
    try {
        // The minutes and their alert events commit together: a crash cannot
        // leave a finalized minute whose alerts were never stored.
        store_->transaction([&] {
            store_->derive_minutes(from, end);
            rows = store_->minutes(std::max(from, end - 60), end, std::nullopt);
            store_->set_finalized_until(end);
            if (!alerts_) return;
            try {
                alerts_->on_finalized(*store_, from, end, now_ms());
            } catch (const storage::StoreError&) {
                throw;
            } catch (const std::exception& e) {
                // Not a storage failure: the minutes must not wait on it forever.
                alerts_->rolled_back();
                spdlog::error("alerts: cannot detect events: {}", e.what());
            }
        });
    } catch (const std::exception& e) {
        if (alerts_) alerts_->rolled_back();
        std::lock_guard lock(shared_.mutex);
        shared_.store_ok = false;
        const auto now = now_ms();
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
    for (const auto& row : rows) on_minute(row);
    finalized_until_ = end;
    record_checkpoint(from, end);
    refresh_month();
    update_status();
    return true;
}

// Evidence log: hourly and at each local day's end (checkpointer.hpp).
// `force`: one now whether due or not (a clean stop).
void Daemon::record_checkpoint(sla::EpochMinute from, sla::EpochMinute to, bool force) {
    // Never a signature over a file nobody will read again.
    if (!store_still_there()) return;
    try {
        auto c = force ? store_->evidence().checkpoint(now_ms(), checkpointer_->signer())
                       : checkpointer_->on_finalized(*store_, from, to, now_ms());
        if (c && alerts_ && checkpointer_->signer())
            alerts_->on_checkpoint(*c, checkpointer_->signer()->public_key_pem(), now_ms());
    } catch (const std::exception& e) {
        spdlog::error("evidence: cannot record a checkpoint: {}", e.what());
    }
}

// Raw results older than storage.retention_days go; minutes stay forever.
void Daemon::apply_retention() {
    try {
        if (auto n = store_->apply_retention(now_ms()); n > 0)
            spdlog::info("retention: deleted {} raw probe results older than {} days", n,
                         storage_config_.storage.retention_days);
    } catch (const std::exception& e) {
        spdlog::error("storage: retention cleanup failed: {}", e.what());
    }
}

// Successful results of months past their claim deadline become per-minute
// counts: one UTC day per storage tick (one transaction each), so the store
// is never held long and a kill leaves whole days folded or not at all.
void Daemon::compact_step() {
    try {
        const auto r = store_->compact_step(now_ms());
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
                    run.results, storage_config_.contract.terms.zone.format_minute(*r.until),
                    run.minutes, run.steps, run.bytes_freed);
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
void Daemon::start_reconcile() {
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
    storage_.post("re-deriving minutes", [this] { reconcile_step(); });
}

void Daemon::reconcile_step() {
    if (storage_stopping_ || store_lost_)
        return;  // a restart starts over: derivation is idempotent
    try {
        if (!store_->reconcile_config_step(rederive_chunk_minutes)) {
            storage_.post("re-deriving minutes", [this] { reconcile_step(); });
            return;
        }
        reconciling_ = false;
        spdlog::info("config changed: re-derived the minutes already stored");
        refresh_month();
    } catch (const std::exception& e) {
        // Retried after a pause; a locked database must not spin the thread.
        spdlog::error("storage: cannot re-derive minutes: {}; retrying", e.what());
        auto timer = std::make_shared<boost::asio::steady_timer>(storage_.executor(), 5s);
        timer->async_wait([this, timer](boost::system::error_code ec) {
            if (!ec) storage_.post("re-deriving minutes", [this] { reconcile_step(); });
        });
    }
}

void Daemon::refresh_month() {
    const auto& terms = storage_config_.contract.terms;
    const auto now = now_ms();
    const auto month =
        sla::service_month_of(terms.months(), terms.zone.local_date(sla::minute_of_ms(now)));
    refresh_claim_months(now);
    if (!month) {
        std::lock_guard lock(shared_.mutex);
        shared_.metrics.clear_month();
        return;
    }
    try {
        month_ = store_->month_report(*month, now);
        std::lock_guard lock(shared_.mutex);
        shared_.metrics.set_month(terms, *month_);
    } catch (const std::exception& e) {
        std::lock_guard lock(shared_.mutex);
        shared_.store_ok = false;
        spdlog::error("storage: cannot compute the month's figures: {}", e.what());
    }
}

// Ended months whose claim window is still open, for /metrics (also after
// the term). Their figures barely change: read hourly, not every minute.
void Daemon::refresh_claim_months(sla::EpochMillis now) {
    const auto& terms = storage_config_.contract.terms;
    const auto hour = sla::minute_of_ms(now) / 60;
    if (claims_hour_ == hour) return;
    const auto today = terms.zone.local_date(sla::minute_of_ms(now));
    try {
        std::vector<sla::MonthReport> open;
        for (const auto& m : terms.months())
            if (m.last < today &&
                sla::claim_window(m.last, terms.calendar, terms.claim_after_business_days,
                                  terms.claim_within_days)
                        .deadline >= today)
                open.push_back(store_->month_report(m, now));
        std::lock_guard lock(shared_.mutex);
        shared_.metrics.set_claim_months(terms, open);
        claims_hour_ = hour;
    } catch (const std::exception& e) {
        spdlog::error("storage: cannot compute the claim windows' figures: {}", e.what());
    }
}

// The stop, on the storage thread: write what is buffered, finalize the
// minutes before this one (every run has ended), a last checkpoint.
void Daemon::finish_storage() {
    storage_stopping_ = true;
    storage_tick_->cancel();
    flush();
    if (writer_.buffered() > 0)
        spdlog::error("stopping: {} probe results could not be stored", writer_.buffered());
    if (!store_lost_) {
        const auto current = sla::minute_of_ms(now_ms());
        if (!resumed_) resume();
        if (resumed_ && writer_.healthy() && current > finalized_until_) finalize_until(current);
        record_checkpoint(finalized_until_, finalized_until_, true);
    }
    if (alerts_) alerts_->stop();
    spdlog::info("stopped; minutes finalized until {}",
                 storage_config_.contract.terms.zone.format_minute(finalized_until_));
    boost::asio::post(io_, [this] { finish_on_loop(); });
}

}  // namespace slawatch::daemon
