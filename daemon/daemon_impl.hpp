// SPDX-License-Identifier: Apache-2.0
#pragma once
// The daemon's parts, for the files that implement them (docs/architecture.md,
// "Threads"). Two threads:
//   the probe loop (io_): scheduler, probe runs, signals, /metrics and
//     /healthz, the stall watchdog. It never touches SQLite.
//   the storage thread (storage_): the Store, finalization, alerting, the
//     evidence checkpoints. Every SQLite call runs there.
// They meet in the ResultWriter (probe results, bounded), the published
// pending minute (atomic) and Shared (metrics and status, under a mutex).
//
// startup.cpp     start(), resume after a restart
// pipeline.cpp    storage thread: flush, finalize, retention, reconcile
// state_log.cpp   state-change log lines, status line, /healthz, /metrics
// reload.cpp      SIGHUP: one apply(Config)
// daemon.cpp      the probe loop: results, ticks, stop

#include "daemon/daemon.hpp"

#include "alerts/alerting.hpp"
#include "daemon/checkpointer.hpp"
#include "daemon/finalizer.hpp"
#include "daemon/lifecycle.hpp"
#include "daemon/metrics.hpp"
#include "daemon/metrics_server.hpp"
#include "daemon/result_writer.hpp"
#include "daemon/scheduler.hpp"
#include "daemon/storage_thread.hpp"
#include "daemon/store_watch.hpp"
#include "probes/probe.hpp"
#include "storage/store.hpp"
#include "storage/writer_lock.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace slawatch::daemon {

// The daemon's SQLite busy timeout: a lock held by another process fails a
// write quickly and the writer's buffer holds the results meanwhile.
inline constexpr std::chrono::milliseconds daemon_busy_timeout{250};
// A storage job running longer than this is logged and fails /healthz.
inline constexpr std::chrono::seconds storage_stall_after{5};
// Re-derivation after a config change goes a day of minutes at a time.
inline constexpr sla::EpochMinute rederive_chunk_minutes = 1440;
// After its database is lost the daemon answers /healthz with the reason this
// long before it exits, so that a health check polling every few seconds sees why.
inline constexpr std::chrono::seconds store_lost_linger{10};

std::chrono::milliseconds max_timeout(const config::Config& c);
// Throws ProbeSetupError (an unreadable secret file, a bad CA file, ...).
std::vector<std::shared_ptr<probes::Probe>> make_probes(boost::asio::any_io_executor ex,
                                                        const config::Config& c);

class Daemon {
public:
    Daemon(config::Config config, const Options& options);
    ~Daemon();
    int run();

private:
    // --- startup.cpp
    void start();
    void open_store();
    void start_storage();
    void resume();
    void report_future_results();

    // --- daemon.cpp: the probe loop
    void on_result(const std::string& name, sla::EpochMillis planned, sla::Sample s);
    void do_tick();
    void on_tick(boost::system::error_code ec);
    void watch_storage();
    void on_stop(int sig);
    void on_store_lost();
    void begin_stop();
    void finish_on_loop();

    // --- pipeline.cpp: the storage thread
    void do_storage_tick();
    void storage_tick();
    void flush();
    void try_finalize(sla::EpochMinute pending);
    // Finalizes up to `end`, a day at a time; false when storage failed.
    bool finalize_until(sla::EpochMinute end);
    bool finalize_through(sla::EpochMinute end);
    void record_checkpoint(sla::EpochMinute from, sla::EpochMinute to, bool force = false);
    void apply_retention();
    void compact_step();
    void start_reconcile();
    void reconcile_step();
    void refresh_month();
    void refresh_claim_months(sla::EpochMillis now);
    void finish_storage();
    void append(std::span<const storage::ProbeResult> results);
    // False (once: logged, /healthz, stop) when the database path no longer
    // names the open file; nothing is written or signed after that.
    bool store_still_there();

    // --- state_log.cpp
    void on_minute(const storage::MinuteRow& row);
    void update_status();
    HttpReply serve(const std::string& target);
    std::string storage_metrics() const;

    // --- reload.cpp
    void on_reload();
    void record_reload(bool ok);
    void apply_on_storage(const config::Config& fresh, std::unique_ptr<Checkpointer> checkpointer);

    Options options_;
    std::optional<storage::WriterLock> lock_;  // declared first: released last
    // Closed after the Store (a closed descriptor would drop SQLite's locks).
    std::optional<StoreWatch> watch_;

    // The probe loop's own.
    config::Config config_;
    boost::asio::io_context io_{1};

    // Shared between the threads.
    ResultWriter writer_;
    // The first minute with a run planned and not yet handed to the writer
    // (max() when none): the storage thread finalizes only before it.
    std::atomic<sla::EpochMinute> earliest_pending_{std::numeric_limits<sla::EpochMinute>::max()};
    std::atomic<bool> flush_queued_{false};  // a flush job is on its way: one is enough
    struct Shared {
        std::mutex mutex;
        Metrics metrics;
        std::map<std::string, std::string> last_failure;  // probe -> "http_5xx 503"
        std::string alert_metrics;                        // rendered on the storage thread
        bool store_ok = true;
        std::string store_lost;  // why the database is lost; empty while it is not
    };
    mutable Shared shared_;

    // The storage thread's own; storage_ first so that its io_context
    // outlives the objects with handlers on it.
    StorageThread storage_;
    std::unique_ptr<storage::Store> store_;
    std::unique_ptr<alerts::Alerting> alerts_;
    std::unique_ptr<Checkpointer> checkpointer_;
    std::unique_ptr<boost::asio::steady_timer> storage_tick_;
    config::Config storage_config_;
    FinalizePolicy policy_;
    sla::EpochMinute finalized_until_ = 0;
    std::optional<sla::MonthReport> month_;
    std::optional<sla::EpochMinute> claims_hour_;  // when claim months were last read (hours)
    std::optional<sla::MinuteState> last_service_state_;
    std::map<std::string, sla::MinuteState> last_state_;
    sla::EpochMillis last_finalize_error_ms_ = 0;
    std::chrono::steady_clock::time_point next_retention_ =
        std::chrono::steady_clock::now() + std::chrono::minutes(1);
    // Compaction runs hourly, a day per storage tick until done (pipeline.cpp),
    // the first time once the start's own work (resume, re-derivation) is under way.
    std::chrono::steady_clock::time_point next_compaction_ =
        std::chrono::steady_clock::now() + std::chrono::seconds(15);
    bool compacting_ = false;
    storage::CompactionResult compaction_run_;
    bool resumed_ = false;  // finalized_until_ is known
    bool reconciling_ = false;
    bool storage_stopping_ = false;
    bool store_lost_ = false;

    // The probe loop's own (continued).
    std::shared_ptr<Scheduler> scheduler_;
    std::unique_ptr<MetricsServer> server_;
    Lifecycle lifecycle_;
    boost::asio::steady_timer tick_;
    std::chrono::steady_clock::time_point next_tick_;
    std::chrono::steady_clock::time_point stop_deadline_;
    std::chrono::steady_clock::time_point linger_until_;  // a lost database: /healthz says why
    std::chrono::milliseconds max_timeout_{1000};
    std::chrono::milliseconds stall_logged_{0};  // the stall last logged, 0 when none
    bool stopping_ = false;
    bool finishing_ = false;
    int exit_code_ = 0;
};

}  // namespace slawatch::daemon
