// SPDX-License-Identifier: Apache-2.0
#pragma once
// The storage pipeline: the daemon's storage thread and everything it owns.
// It drains the ResultWriter into the Store, finalizes the minutes that are
// complete (with their alert events, in one transaction), records evidence
// checkpoints, applies retention, compaction and re-derivation in steps, and
// publishes its figures into SharedState. Every SQLite call of the daemon
// runs here, never on the probe loop.
//
// The probe loop drives it by messages only, each queued in order on the
// storage thread: request_flush() (a full batch waits), reload() (SIGHUP's
// storage half) and stop() (the last flush, finalization and checkpoint).
// It never calls the loop: a lost database and a finished stop are flags in
// SharedState that the loop's tick reads.
//
// storage_pipeline.cpp  messages, the storage tick, draining the writer
// finalization.cpp      resume after a restart, finalize, checkpoints
// rederive.cpp          re-derivation after a config change, in steps
// reload.cpp            apply()
// Retention and compaction are StoreUpkeep's (store_upkeep.hpp), the month's
// figures MonthFigures' (month_figures.hpp), the state-change log lines
// MinuteLog's (minute_log.hpp).

#include "alerts/alerting.hpp"
#include "alerts/stamper.hpp"
#include "daemon/checkpointer.hpp"
#include "daemon/finalizer.hpp"
#include "daemon/minute_log.hpp"
#include "daemon/month_figures.hpp"
#include "daemon/open_store.hpp"
#include "daemon/shared_state.hpp"
#include "daemon/storage_thread.hpp"
#include "daemon/store_upkeep.hpp"
#include "daemon/witness.hpp"
#include "storage/store.hpp"

#include "daemon/metrics_server.hpp"

#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>

namespace slawatch::daemon {

// Re-derivation after a config change goes a day of minutes at a time.
inline constexpr sla::EpochMinute rederive_chunk_minutes = 1440;

class StoragePipeline {
public:
    StoragePipeline(SharedState& shared, const config::Config& config, OpenedStore opened,
                    std::unique_ptr<Checkpointer> checkpointer);
    ~StoragePipeline();  // ends the storage thread before what it uses goes
    StoragePipeline(const StoragePipeline&) = delete;
    StoragePipeline& operator=(const StoragePipeline&) = delete;

    // Starts alerting ([[alert]] hooks) and time-stamping ([[evidence.tsa]]);
    // throws alerts::HookSetupError (bad config) or another exception (cannot
    // start). Before start().
    void enable_alerts();
    // Starts witnessing the peers of [[vantage.witness]] (none: nothing);
    // throws WitnessSetupError. After enable_alerts(), before start().
    void enable_witness();
    // Starts the thread: resume where the last run stopped, then tick every second.
    void start();

    // Messages from the probe loop, each run in order on the storage thread.
    // A full batch of results waits in the writer (one queued flush is enough).
    void request_flush();
    // SIGHUP's storage half: the new config (already checked) and its checkpointer.
    void reload(const config::Config& fresh, std::unique_ptr<Checkpointer> checkpointer);
    // Every probe run has ended: write, finalize, a last checkpoint; then
    // SharedState::storage_finished.
    void stop();
    // GET /checkpoint?`query`: answered by a job on the storage thread, which
    // calls `done` there (checkpoint_endpoint.hpp).
    void serve_checkpoint(std::string query, std::function<void(HttpReply)> done);
    // Lets the queued jobs run, then ends the thread.
    void join() { thread_.stop(); }

    // The job running now and for how long (the loop's stall watchdog).
    std::chrono::milliseconds busy_for(std::string* what = nullptr) const {
        return thread_.busy_for(what);
    }

private:
    // --- storage_pipeline.cpp
    void do_tick();
    void tick();
    void flush();
    void append(std::span<const storage::ProbeResult> results);
    // False (once: logged, /healthz, stop) when the database path no longer
    // names the open file; nothing is written or signed after that.
    bool store_still_there();
    void finish();
    void set_store_ok(bool ok);

    // --- finalization.cpp
    void resume();
    void report_future_results();
    void try_finalize(sla::EpochMinute pending);
    // Finalizes up to `end`, a day at a time; false when storage failed.
    bool finalize_until(sla::EpochMinute end);
    bool finalize_through(sla::EpochMinute end);
    std::vector<storage::MinuteRow> derive_and_detect(sla::EpochMinute from, sla::EpochMinute end);
    void record_checkpoint(sla::EpochMinute from, sla::EpochMinute to, bool force = false);

    // --- rederive.cpp
    void start_reconcile();
    void reconcile_step();

    // The month's figures for /metrics and the status line.
    void refresh_month() {
        if (auto m = month_.refresh(*store_, config_.contract.terms)) log_.set_month(*m);
    }

    // The Stamper of `config`'s TSAs, or null when it has none.
    std::unique_ptr<alerts::Stamper> make_stamper(const config::Config& config);

    // --- reload.cpp
    void apply(const config::Config& fresh, std::unique_ptr<Checkpointer> checkpointer);

    SharedState& shared_;
    // Closed after the Store (a closed descriptor would drop SQLite's locks).
    std::unique_ptr<StoreWatch> watch_;
    // Before the objects with handlers on its io_context, so that it outlives them.
    StorageThread thread_;
    std::unique_ptr<storage::Store> store_;
    std::unique_ptr<alerts::Alerting> alerts_;
    std::unique_ptr<alerts::Stamper> stamper_;  // [[evidence.tsa]]; after alerts_, it emits there
    std::unique_ptr<Checkpointer> checkpointer_;
    std::unique_ptr<Witness> witness_;  // uses store_ and alerts_: declared after them
    boost::asio::steady_timer tick_;
    config::Config config_;
    FinalizePolicy policy_;
    MinuteLog log_;
    MonthFigures month_;
    StoreUpkeep upkeep_;
    std::atomic<bool> flush_queued_{false};  // a flush job is on its way: one is enough
    sla::EpochMinute finalized_until_ = 0;
    sla::EpochMillis last_finalize_error_ms_ = 0;
    bool resumed_ = false;  // finalized_until_ is known
    bool reconciling_ = false;
    bool stopping_ = false;
    bool store_lost_ = false;
};

}  // namespace slawatch::daemon
