// SPDX-License-Identifier: Apache-2.0
// The probe loop: probe results in, the storage watchdog, the one-second
// tick and the stop sequence. Nothing here touches SQLite.

#include "daemon/probe_loop.hpp"

#include "daemon/probe_set.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <limits>

namespace slawatch::daemon {
using namespace std::chrono_literals;

namespace {

// "http_5xx 503", "api_error InternalError": what the last failure was, no secrets.
std::string failure_summary(const sla::Sample& s) {
    std::string out(sla::to_string(s.outcome));
    if (s.http_status) out += fmt::format(" {}", s.http_status);
    if (!s.error_code.empty()) out += " " + s.error_code;
    return out;
}

}  // namespace

ProbeLoop::ProbeLoop(SharedState& shared, StoragePipeline& pipeline, config::Config config,
                     std::string version)
    : shared_(shared),
      pipeline_(pipeline),
      config_(std::move(config)),
      version_(std::move(version)),
      lifecycle_(
          io_.get_executor(), [this](int sig) { on_stop(sig); }, [this] { on_reload(); }),
      tick_(io_.get_executor()) {
    scheduler_ = std::make_shared<Scheduler>(
        io_.get_executor(), config_.monitor.probes_per_minute,
        [this](const std::string& name, sla::EpochMillis planned, sla::Sample s) {
            on_result(name, planned, std::move(s));
        });
    // What the pipeline may finalize: only minutes before the first one still pending.
    scheduler_->set_pending_observer([this](std::optional<sla::EpochMinute> m) {
        shared_.earliest_pending.store(m.value_or(std::numeric_limits<sla::EpochMinute>::max()),
                                       std::memory_order_release);
    });
    max_timeout_ = max_timeout(config_);
}

ProbeLoop::~ProbeLoop() {
    scheduler_->stop();
}

std::vector<std::shared_ptr<probes::Probe>> ProbeLoop::prepare() {
    std::vector<std::shared_ptr<probes::Probe>> probes;
    try {
        probes = make_probes(io_.get_executor(), config_);
    } catch (const probes::ProbeSetupError& e) {
        throw StartError(2, fmt::format("{}: {}", config_.file.string(), e.what()));
    }
    if (!config_.metrics.enabled) return probes;
    try {
        server_ = std::make_unique<MetricsServer>(
            io_.get_executor(), parse_listen(config_.metrics.listen),
            [this](const std::string& target, MetricsServer::Respond respond) {
                serve(target, std::move(respond));
            });
    } catch (const std::exception& e) {
        throw StartError(1,
                         fmt::format("cannot listen on {}: {}", config_.metrics.listen, e.what()));
    }
    return probes;
}

void ProbeLoop::start(std::vector<std::shared_ptr<probes::Probe>> probes) {
    scheduler_->set_probes(std::move(probes), config_.monitor.probes_per_minute);
    lifecycle_.start();
    next_tick_ = std::chrono::steady_clock::now();
    do_tick();
}

int ProbeLoop::run() {
    io_.run();
    return exit_code_;
}

void ProbeLoop::on_result(const std::string& name, sla::EpochMillis planned, sla::Sample s) {
    if (s.sent_ms == 0) s.sent_ms = planned;
    {
        std::lock_guard lock(shared_.mutex);
        shared_.metrics.record_result(name, s);
        if (s.outcome != sla::Outcome::ok) shared_.last_failure[name] = failure_summary(s);
    }
    // Never waits for the store: a full batch only asks the pipeline to write.
    if (shared_.writer.add({name, std::move(s)})) pipeline_.request_flush();
}

// One tick a second on the probe loop (ten while stopping): watch the
// storage thread, read what the pipeline published, and drive the stop.
void ProbeLoop::do_tick() {
    next_tick_ += stopping_ ? std::chrono::steady_clock::duration(100ms)
                            : std::chrono::steady_clock::duration(1s);
    tick_.expires_at(next_tick_);
    tick_.async_wait([this](boost::system::error_code ec) { on_tick(ec); });
}

void ProbeLoop::on_tick(boost::system::error_code ec) {
    if (ec) return;
    watch_storage();
    if (shared_.store_lost.load(std::memory_order_acquire) && exit_code_ == 0) {
        const bool was_stopping = stopping_;
        on_store_lost();
        if (!was_stopping) return;  // begin_stop() has armed the next tick
    }
    if (finishing_ && shared_.storage_finished.load(std::memory_order_acquire)) return finish();
    const auto now = std::chrono::steady_clock::now();
    if (stopping_ && !finishing_ && (scheduler_->in_flight() == 0 || now >= stop_deadline_) &&
        now >= linger_until_) {
        // Every run has ended (or outlived its deadline): the pipeline writes and finalizes.
        finishing_ = true;
        pipeline_.stop();
    }
    do_tick();
}

// A storage job that does not return (a frozen disk, a lock SQLite cannot
// time out) leaves a log line, every minute while it lasts; probing goes on.
void ProbeLoop::watch_storage() {
    std::string what;
    const auto busy = pipeline_.busy_for(&what);
    if (busy >= storage_stall_after) {
        if (stall_logged_ == 0ms || busy - stall_logged_ >= 60s) {
            stall_logged_ = busy;
            spdlog::warn("storage: {} blocked for {}s; probing goes on, {} results buffered", what,
                         std::chrono::duration_cast<std::chrono::seconds>(busy).count(),
                         shared_.writer.buffered());
        }
    } else if (stall_logged_ > 0ms) {
        stall_logged_ = 0ms;
        spdlog::info("storage: no longer blocked ({} results buffered)", shared_.writer.buffered());
    }
}

// SIGTERM/SIGINT: stop planning, let the runs in flight reach their
// deadline, then the pipeline flushes and finalizes (StoragePipeline::stop()).
void ProbeLoop::on_stop(int sig) {
    if (stopping_) return;
    spdlog::info("stopping on {}: waiting for {} probe runs in flight",
                 sig == SIGINT ? "SIGINT" : "SIGTERM", scheduler_->in_flight());
    begin_stop();
}

// The pipeline lost the database (seen by the tick): the same orderly stop
// (nothing more is written), exit 1, /healthz saying why meanwhile.
void ProbeLoop::on_store_lost() {
    exit_code_ = 1;
    linger_until_ = std::chrono::steady_clock::now() + store_lost_linger;
    if (stopping_) return;
    begin_stop();
}

void ProbeLoop::begin_stop() {
    stopping_ = true;
    notify::stopping();
    scheduler_->stop();
    stop_deadline_ = std::chrono::steady_clock::now() + max_timeout_ + 1s;
    tick_.cancel();
    next_tick_ = std::chrono::steady_clock::now();
    do_tick();
}

// The pipeline has finished its stop: end the loop.
void ProbeLoop::finish() {
    if (server_) server_->stop();
    lifecycle_.cancel();
    tick_.cancel();
    // Probe runs that outlived their deadline must not keep us alive.
    io_.stop();
}

}  // namespace slawatch::daemon
