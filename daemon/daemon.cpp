// SPDX-License-Identifier: Apache-2.0
// `slawatch run`, the probe loop: probe results in, the storage watchdog,
// the one-second tick and the stop sequence. Nothing here touches SQLite.

#include "daemon/daemon_impl.hpp"

#include <boost/asio/post.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <csignal>

namespace slawatch::daemon {
namespace asio = boost::asio;
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

std::chrono::milliseconds max_timeout(const config::Config& c) {
    std::chrono::milliseconds m{1000};
    for (const auto& p : c.probes) m = std::max(m, p.timeout);
    return m;
}

std::vector<std::shared_ptr<probes::Probe>> make_probes(asio::any_io_executor ex,
                                                        const config::Config& c) {
    std::vector<std::shared_ptr<probes::Probe>> out;
    for (const auto& p : c.probes) out.push_back(probes::make_probe(ex, p));
    return out;
}

Daemon::Daemon(config::Config config, const Options& options)
    : options_(options),
      config_(std::move(config)),
      writer_([this](std::span<const storage::ProbeResult> r) { append(r); }),
      storage_config_(config_),
      lifecycle_(
          io_.get_executor(), [this](int sig) { on_stop(sig); }, [this] { on_reload(); }),
      tick_(io_.get_executor()) {
    scheduler_ = std::make_shared<Scheduler>(
        io_.get_executor(), config_.monitor.probes_per_minute,
        [this](const std::string& name, sla::EpochMillis planned, sla::Sample s) {
            on_result(name, planned, std::move(s));
        });
    scheduler_->set_pending_observer([this](std::optional<sla::EpochMinute> m) {
        earliest_pending_.store(m.value_or(std::numeric_limits<sla::EpochMinute>::max()),
                                std::memory_order_release);
    });
}

Daemon::~Daemon() {
    // The storage thread ends before the objects it uses go.
    storage_.stop();
    scheduler_->stop();
}

int Daemon::run() {
    start();
    io_.run();
    storage_.stop();
    return exit_code_;
}

void Daemon::on_result(const std::string& name, sla::EpochMillis planned, sla::Sample s) {
    if (s.sent_ms == 0) s.sent_ms = planned;
    {
        std::lock_guard lock(shared_.mutex);
        shared_.metrics.record_result(name, s);
        if (s.outcome != sla::Outcome::ok) shared_.last_failure[name] = failure_summary(s);
    }
    // Never waits for the store: a full batch only asks the storage thread to write.
    if (writer_.add({name, std::move(s)}) && !flush_queued_.exchange(true))
        storage_.post("writing probe results", [this] { flush(); });
}

// One tick a second on the probe loop: watch the storage thread, and drive the stop.
void Daemon::do_tick() {
    next_tick_ += stopping_ ? std::chrono::steady_clock::duration(100ms)
                            : std::chrono::steady_clock::duration(1s);
    tick_.expires_at(next_tick_);
    tick_.async_wait([this](boost::system::error_code ec) { on_tick(ec); });
}

void Daemon::on_tick(boost::system::error_code ec) {
    if (ec) return;
    watch_storage();
    if (stopping_ && !finishing_ &&
        (scheduler_->in_flight() == 0 || std::chrono::steady_clock::now() >= stop_deadline_) &&
        std::chrono::steady_clock::now() >= linger_until_) {
        // Every run has ended (or outlived its deadline): the storage thread writes and finalizes.
        finishing_ = true;
        storage_.post("stopping", [this] { finish_storage(); });
    }
    do_tick();
}

// A storage job that does not return (a frozen disk, a lock SQLite cannot
// time out) leaves a log line, every minute while it lasts; probing goes on.
void Daemon::watch_storage() {
    std::string what;
    const auto busy = storage_.busy_for(&what);
    if (busy >= storage_stall_after) {
        if (stall_logged_ == 0ms || busy - stall_logged_ >= 60s) {
            stall_logged_ = busy;
            spdlog::warn("storage: {} blocked for {}s; probing goes on, {} results buffered", what,
                         std::chrono::duration_cast<std::chrono::seconds>(busy).count(),
                         writer_.buffered());
        }
    } else if (stall_logged_ > 0ms) {
        stall_logged_ = 0ms;
        spdlog::info("storage: no longer blocked ({} results buffered)", writer_.buffered());
    }
}

// SIGTERM/SIGINT: stop planning, let the runs in flight reach their
// deadline, then the storage thread flushes and finalizes (finish_storage()).
void Daemon::on_stop(int sig) {
    if (stopping_) return;
    spdlog::info("stopping on {}: waiting for {} probe runs in flight",
                 sig == SIGINT ? "SIGINT" : "SIGTERM", scheduler_->in_flight());
    begin_stop();
}

// Posted by the storage thread when the database is lost: the same orderly
// stop (nothing more is written), exit 1, /healthz saying why meanwhile.
void Daemon::on_store_lost() {
    exit_code_ = 1;
    linger_until_ = std::chrono::steady_clock::now() + store_lost_linger;
    if (stopping_) return;
    begin_stop();
}

void Daemon::begin_stop() {
    stopping_ = true;
    notify::stopping();
    scheduler_->stop();
    stop_deadline_ = std::chrono::steady_clock::now() + max_timeout_ + 1s;
    tick_.cancel();
    next_tick_ = std::chrono::steady_clock::now();
    do_tick();
}

// Posted by the storage thread once it has finished.
void Daemon::finish_on_loop() {
    if (server_) server_->stop();
    lifecycle_.cancel();
    tick_.cancel();
    // Probe runs that outlived their deadline must not keep us alive.
    io_.stop();
}

int run(config::Config config, const Options& options) {
    Daemon daemon(std::move(config), options);
    return daemon.run();
}

}  // namespace slawatch::daemon
