// SPDX-License-Identifier: Apache-2.0
#pragma once
// The probe loop: the daemon's io_context thread and everything it owns:
// the scheduler and its probe runs, signals (stop, SIGHUP), /metrics and
// /healthz, the storage stall watchdog and the stop sequence. It never
// touches SQLite: probe results go into SharedState's writer, and the
// storage pipeline is driven by its messages only (storage_pipeline.hpp).
//
// probe_loop.cpp   startup, probe results, the one-second tick, the stop
// endpoints.cpp    /metrics and /healthz, answered from SharedState;
//                  /checkpoint, answered by the storage thread
// reload.cpp       on_reload(): SIGHUP, checked here, applied by both halves

#include "config/config.hpp"
#include "daemon/lifecycle.hpp"
#include "daemon/metrics_server.hpp"
#include "daemon/scheduler.hpp"
#include "daemon/shared_state.hpp"
#include "daemon/storage_pipeline.hpp"
#include "probes/probe.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace slawatch::daemon {

// A storage job running longer than this is logged and fails /healthz.
inline constexpr std::chrono::seconds storage_stall_after{5};
// After its database is lost the daemon answers /healthz with the reason this
// long before it exits, so that a health check polling every few seconds sees why.
inline constexpr std::chrono::seconds store_lost_linger{10};

class ProbeLoop {
public:
    ProbeLoop(SharedState& shared, StoragePipeline& pipeline, config::Config config,
              std::string version);
    ~ProbeLoop();
    ProbeLoop(const ProbeLoop&) = delete;
    ProbeLoop& operator=(const ProbeLoop&) = delete;

    // Sets up the probes and the metrics listener; throws StartError (2 for
    // a probe that cannot be set up, 1 when it cannot listen).
    std::vector<std::shared_ptr<probes::Probe>> prepare();
    // Starts probing, the signals and the tick.
    void start(std::vector<std::shared_ptr<probes::Probe>> probes);
    // Runs until the stop has finished; returns the exit code.
    int run();

private:
    // --- probe_loop.cpp
    void on_result(const std::string& name, sla::EpochMillis planned, sla::Sample s);
    void do_tick();
    void on_tick(boost::system::error_code ec);
    void watch_storage();
    void on_stop(int sig);
    void on_store_lost();
    void begin_stop();
    void finish();

    // --- endpoints.cpp
    void serve(const std::string& target, MetricsServer::Respond respond);
    HttpReply serve_now(const std::string& path);
    void serve_checkpoint(std::string query, MetricsServer::Respond respond);
    HttpReply health() const;
    std::string storage_metrics() const;

    // --- reload.cpp
    void on_reload();
    void record_reload(bool ok);

    SharedState& shared_;
    StoragePipeline& pipeline_;  // messages only (storage_pipeline.hpp)
    config::Config config_;
    std::string version_;
    boost::asio::io_context io_{1};
    std::shared_ptr<Scheduler> scheduler_;
    std::unique_ptr<MetricsServer> server_;
    Lifecycle lifecycle_;
    boost::asio::steady_timer tick_;
    std::chrono::steady_clock::time_point next_tick_;
    std::chrono::steady_clock::time_point stop_deadline_;
    std::chrono::steady_clock::time_point linger_until_;  // a lost database: /healthz says why
    std::chrono::milliseconds max_timeout_{1000};
    std::chrono::milliseconds stall_logged_{0};  // the stall last logged, 0 when none
    int checkpoint_requests_ = 0;  // /checkpoint answers on their way from the storage thread
    bool stopping_ = false;
    bool finishing_ = false;
    int exit_code_ = 0;
};

}  // namespace slawatch::daemon
