// SPDX-License-Identifier: Apache-2.0
// The storage pipeline's messages and its one-second tick: drain the writer
// into the store, then finalize, then the store's upkeep.

#include "daemon/storage_pipeline.hpp"

#include "daemon/checkpoint_endpoint.hpp"
#include "daemon/probe_set.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace slawatch::daemon {
using namespace std::chrono_literals;

StoragePipeline::StoragePipeline(SharedState& shared, const config::Config& config,
                                 OpenedStore opened, std::unique_ptr<Checkpointer> checkpointer)
    : shared_(shared),
      watch_(std::move(opened.watch)),
      store_(std::move(opened.store)),
      checkpointer_(std::move(checkpointer)),
      tick_(thread_.executor()),
      config_(config),
      log_(shared),
      month_(shared),
      upkeep_(shared) {
    policy_.max_timeout = max_timeout(config_);
}

StoragePipeline::~StoragePipeline() {
    thread_.stop();
}

void StoragePipeline::enable_alerts() {
    alerts_ = std::make_unique<alerts::Alerting>(thread_.executor(), config_, store_->outbox());
    stamper_ = make_stamper(config_);
}

std::unique_ptr<alerts::Stamper> StoragePipeline::make_stamper(const config::Config& config) {
    if (config.evidence.tsa.empty()) return nullptr;
    return std::make_unique<alerts::Stamper>(thread_.executor(), config, store_->outbox(),
                                             store_->evidence(),
                                             [this](const alerts::Event& e, sla::EpochMillis now) {
                                                 if (alerts_) alerts_->emit(e, now);
                                             });
}

void StoragePipeline::enable_witness() {
    if (config_.vantage.witnesses.empty()) return;
    witness_ = std::make_unique<Witness>(thread_.executor(), config_, *store_, alerts_.get());
}

// A proof needs the database, which only this thread touches; the probe
// loop hands the request over and gets the answer back (endpoints.cpp), so
// it never waits, and at most a few requests are queued here at once.
void StoragePipeline::serve_checkpoint(std::string query, std::function<void(HttpReply)> done) {
    thread_.post("answering /checkpoint", [this, query = std::move(query), done = std::move(done)] {
        if (store_lost_) return done({503, "text/plain; charset=utf-8", "database lost\n"});
        try {
            done(checkpoint_reply(store_->evidence(), query));
        } catch (const std::exception& e) {
            spdlog::warn("/checkpoint: {}", e.what());
            done({503, "text/plain; charset=utf-8", "cannot read the evidence now\n"});
        }
    });
}

// Re-derive after a config change (in steps), resume where the last run
// stopped, then tick.
void StoragePipeline::start() {
    thread_.start();
    thread_.post("resuming", [this] {
        start_reconcile();
        resume();
        do_tick();
    });
}

void StoragePipeline::request_flush() {
    if (!flush_queued_.exchange(true)) thread_.post("writing probe results", [this] { flush(); });
}

void StoragePipeline::reload(const config::Config& fresh,
                             std::unique_ptr<Checkpointer> checkpointer) {
    // In order after what the thread is doing now.
    auto cp = std::shared_ptr<Checkpointer>(std::move(checkpointer));
    thread_.post("applying the reloaded config", [this, fresh, cp]() mutable {
        apply(fresh, std::make_unique<Checkpointer>(std::move(*cp)));
    });
}

void StoragePipeline::stop() {
    thread_.post("stopping", [this] { finish(); });
}

void StoragePipeline::do_tick() {
    if (stopping_) return;
    tick_.expires_after(1s);
    tick_.async_wait([this](boost::system::error_code ec) {
        if (ec || stopping_) return;
        thread_.post("finalizing minutes", [this] {
            tick();
            do_tick();
        });
    });
}

void StoragePipeline::tick() {
    // Read before flushing: every result of a run no longer pending is in the writer by then.
    const auto pending = shared_.earliest_pending.load(std::memory_order_acquire);
    flush();
    if (store_lost_) return;
    if (!resumed_) resume();
    if (resumed_) try_finalize(pending);
    upkeep_.on_tick(*store_, config_);
    if (witness_) {
        witness_->on_tick();
        std::string constant;
        {
            std::lock_guard lock(shared_.mutex);
            constant = shared_.metrics.constant_labels();
        }
        auto text = witness_->render_metrics(constant);
        std::lock_guard lock(shared_.mutex);
        shared_.witness_metrics = std::move(text);
    }
    if (alerts_) {
        auto text = alerts_->render_metrics();
        if (stamper_) text += stamper_->render_metrics(config_.vantage.name);
        std::lock_guard lock(shared_.mutex);
        shared_.alert_metrics = std::move(text);
    }
}

// Drains the writer into the store (append()).
void StoragePipeline::flush() {
    flush_queued_ = false;
    if (!store_still_there()) return;
    auto& writer = shared_.writer;
    const bool was_healthy = writer.healthy();
    writer.flush([this](std::span<const storage::ProbeResult> batch) { append(batch); });
    if (auto error = writer.error_report(sla::now_ms()))
        spdlog::error(
            "storage: cannot write probe results: {} ({} buffered, {} dropped); "
            "retrying",
            *error, writer.buffered(), writer.dropped());
    if (!was_healthy && writer.healthy())
        spdlog::info("storage: writing again ({} results dropped in total)", writer.dropped());
}

// Appends are idempotent; a second, different result of one probe in
// one millisecond cannot be stored and is reported, not fatal.
void StoragePipeline::append(std::span<const storage::ProbeResult> results) {
    // A result from further ahead than any clock skew would decide a minute not yet watched.
    std::vector<storage::ProbeResult> kept;
    const auto now = sla::now_ms();
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

// Cheap (fstat and stat): run before every write, so at least every second.
bool StoragePipeline::store_still_there() {
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
        shared_.store_lost_reason = std::move(*reason);
    }
    shared_.store_lost.store(true, std::memory_order_release);
    return false;
}

void StoragePipeline::set_store_ok(bool ok) {
    std::lock_guard lock(shared_.mutex);
    shared_.store_ok = ok;
}

// The stop: write what is buffered, finalize the minutes before this one
// (every run has ended), a last checkpoint.
void StoragePipeline::finish() {
    stopping_ = true;
    tick_.cancel();
    flush();
    if (shared_.writer.buffered() > 0)
        spdlog::error("stopping: {} probe results could not be stored", shared_.writer.buffered());
    if (!store_lost_) {
        const auto current = sla::minute_of_ms(sla::now_ms());
        if (!resumed_) resume();
        if (resumed_ && shared_.writer.healthy() && current > finalized_until_)
            finalize_until(current);
        record_checkpoint(finalized_until_, finalized_until_, true);
    }
    if (stamper_) stamper_->stop();
    if (alerts_) alerts_->stop();
    spdlog::info("stopped; minutes finalized until {}",
                 config_.contract.terms.zone.format_minute(finalized_until_));
    shared_.storage_finished.store(true, std::memory_order_release);
}

}  // namespace slawatch::daemon
