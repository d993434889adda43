// SPDX-License-Identifier: Apache-2.0
#include "daemon/daemon.hpp"

#include "alerts/alerting.hpp"

#include "daemon/checkpointer.hpp"
#include "daemon/finalizer.hpp"
#include "daemon/lifecycle.hpp"
#include "daemon/metrics.hpp"
#include "daemon/metrics_server.hpp"
#include "daemon/result_writer.hpp"
#include "daemon/scheduler.hpp"
#include "probes/probe.hpp"
#include "storage/store.hpp"
#include "storage/writer_lock.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <csignal>
#include <map>

namespace slawatch::daemon {
namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

std::chrono::milliseconds max_timeout(const config::Config& c) {
    std::chrono::milliseconds m{1000};
    for (const auto& p : c.probes) m = std::max(m, p.timeout);
    return m;
}

// Throws ProbeSetupError (an unreadable secret file, a bad CA file, ...).
std::vector<std::shared_ptr<probes::Probe>> make_probes(asio::any_io_executor ex,
                                                        const config::Config& c) {
    std::vector<std::shared_ptr<probes::Probe>> out;
    for (const auto& p : c.probes) out.push_back(probes::make_probe(ex, p));
    return out;
}

// "http_5xx 503", "api_error InternalError": what the last failure was, no secrets.
std::string failure_summary(const sla::Sample& s) {
    std::string out(sla::to_string(s.outcome));
    if (s.http_status) out += fmt::format(" {}", s.http_status);
    if (!s.error_code.empty()) out += " " + s.error_code;
    return out;
}

class Daemon {
public:
    Daemon(config::Config config, const Options& options)
        : options_(options),
          config_(std::move(config)),
          writer_([this](std::span<const storage::ProbeResult> r) { append(r); }),
          scheduler_(io_.get_executor(), config_.monitor.probes_per_minute,
                     [this](const std::string& name, sla::EpochMillis planned, sla::Sample s) {
                         on_result(name, planned, std::move(s));
                     }),
          lifecycle_(io_.get_executor(), [this](int sig) { on_stop(sig); },
                     [this] { on_reload(); }),
          tick_(io_.get_executor()) {}

    int run() {
        start();
        io_.run();
        return exit_code_;
    }

private:
    void start() {
        // One writer per database, for the daemon's whole life: a second
        // `run`, a replay or a maintenance change is refused meanwhile.
        try {
            lock_.emplace(storage::WriterLock::acquire(options_.db_path, "slawatch run"));
        } catch (const storage::WriterLockBusy& e) {
            throw StartError(1, fmt::format("{}; refusing to start a second writer", e.what()));
        } catch (const storage::StoreError& e) {
            throw StartError(1, e.what());
        }
        try {
            store_ = storage::Store::open(config_, options_.db_path, storage::OpenMode::read_write);
        } catch (const std::exception& e) {
            throw StartError(1, fmt::format("cannot open the database {}: {}",
                                            options_.db_path.string(), e.what()));
        }
        try {
            checkpointer_ = std::make_unique<Checkpointer>(config_);
        } catch (const storage::evidence::KeyError& e) {
            throw StartError(2, fmt::format("{}: {}", config_.file.string(), e.what()));
        }
        std::vector<std::shared_ptr<probes::Probe>> probes;
        try {
            probes = make_probes(io_.get_executor(), config_);
        } catch (const probes::ProbeSetupError& e) {
            throw StartError(2, fmt::format("{}: {}", config_.file.string(), e.what()));
        }
        if (config_.metrics.enabled) {
            try {
                server_ = std::make_unique<MetricsServer>(
                    io_.get_executor(), parse_listen(config_.metrics.listen),
                    [this](const std::string& target) { return serve(target); });
            } catch (const std::exception& e) {
                throw StartError(1, fmt::format("cannot listen on {}: {}",
                                                config_.metrics.listen, e.what()));
            }
        }
        try {
            alerts_ = std::make_unique<alerts::Alerting>(io_.get_executor(), config_,
                                                         options_.db_path);
        } catch (const alerts::HookSetupError& e) {
            throw StartError(2, fmt::format("{}: {}", config_.file.string(), e.what()));
        } catch (const std::exception& e) {
            throw StartError(1, fmt::format("alerts: {}", e.what()));
        }
        policy_.max_timeout = max_timeout(config_);
        reconcile();
        // Before resume(): what was already emitted must be known first.
        alerts_->resume(*store_, store_->finalized_until().value_or(0), now_ms());
        resume();

        scheduler_.set_probes(std::move(probes), config_.monitor.probes_per_minute);
        lifecycle_.start();
        next_tick_ = std::chrono::steady_clock::now();
        do_tick();

        spdlog::info("slawatch {} running: {} probes, {} runs a minute each, database {}{}",
                     options_.version, config_.probes.size(), config_.monitor.probes_per_minute,
                     options_.db_path.string(),
                     server_ ? fmt::format(", metrics on http://{}/metrics", config_.metrics.listen)
                             : std::string());
        notify::ready();
        update_status();
    }

    // A changed min_samples, policy or maintenance re-derives the minutes so far.
    void reconcile() {
        try {
            if (store_->reconcile_config())
                spdlog::info("config changed: re-derived the minutes already stored");
        } catch (const std::exception& e) {
            spdlog::error("storage: cannot re-derive minutes: {}", e.what());
        }
    }

    // Raw results older than storage.retention_days go; minutes stay forever.
    void apply_retention() {
        try {
            if (auto n = store_->apply_retention(now_ms()); n > 0)
                spdlog::info("retention: deleted {} raw probe results older than {} days", n,
                             config_.storage.retention_days);
        } catch (const std::exception& e) {
            spdlog::error("storage: retention cleanup failed: {}", e.what());
        }
    }

    // Crash rule: minutes between the last finalized one and now were not
    // watched (or not finished): derive them; with no results they are unknown.
    void resume() {
        const auto current = sla::minute_of_ms(now_ms());
        const auto stored = store_->finalized_until();
        finalized_until_ = stored ? *stored : current;
        // A first start records where watching began, so a crash before the
        // first finalized minute still leaves the gap to derive on restart.
        if (!stored) store_->set_finalized_until(current);
        if (finalized_until_ < current) {
            const auto zone = config_.contract.terms.zone;
            spdlog::info("resuming: deriving minutes {} to {} (unknown where no probe ran)",
                         zone.format_minute(finalized_until_), zone.format_minute(current));
            finalize_through(current);
        }
        metrics_.set_finalized_until(finalized_until_);
        refresh_month();
    }

    // One tick a second: flush results, finalize the minutes that are complete.
    void do_tick() {
        next_tick_ += stopping_ ? std::chrono::steady_clock::duration(100ms)
                                : std::chrono::steady_clock::duration(1s);
        tick_.expires_at(next_tick_);
        tick_.async_wait([this](boost::system::error_code ec) { on_tick(ec); });
    }

    void on_tick(boost::system::error_code ec) {
        if (ec) return;
        flush();
        if (stopping_) {
            if (scheduler_.in_flight() > 0 && std::chrono::steady_clock::now() < stop_deadline_)
                return do_tick();
            return finish();
        }
        try_finalize();
        if (std::chrono::steady_clock::now() >= next_retention_) {
            next_retention_ = std::chrono::steady_clock::now() + 1h;
            apply_retention();
        }
        do_tick();
    }

    void flush() {
        const bool was_healthy = writer_.healthy();
        writer_.flush();
        if (auto error = writer_.error_report(now_ms()))
            spdlog::error("storage: cannot write probe results: {} ({} buffered, {} dropped); "
                          "retrying",
                          *error, writer_.buffered(), writer_.dropped());
        if (!was_healthy && writer_.healthy())
            spdlog::info("storage: writing again ({} results dropped in total)", writer_.dropped());
    }

    void try_finalize() {
        // Minutes are derived from stored results only: wait while some are unwritten.
        if (!writer_.healthy()) return;
        const auto end =
            finalizable_until(finalized_until_, now_ms(), policy_,
                              [this](sla::EpochMinute m) { return scheduler_.pending_through(m); });
        if (end > finalized_until_) finalize_through(end);
    }

    void finalize_through(sla::EpochMinute end) {
        try {
            store_->derive_minutes(finalized_until_, end);
            const auto rows = store_->minutes(std::max(finalized_until_, end - 60), end, std::nullopt);
            store_->set_finalized_until(end);
            store_ok_ = true;
            for (const auto& row : rows) on_minute(row);
            if (alerts_) alerts_->on_finalized(*store_, finalized_until_, end, now_ms());
            record_checkpoint(finalized_until_, end);
            finalized_until_ = end;
            metrics_.set_finalized_until(end);
            refresh_month();
            update_status();
        } catch (const std::exception& e) {
            store_ok_ = false;
            const auto now = now_ms();
            if (now - last_finalize_error_ms_ >= 60'000) {
                last_finalize_error_ms_ = now;
                spdlog::error("storage: cannot finalize minutes: {}; retrying", e.what());
            }
        }
    }

    // Evidence log: hourly and at each local day's end (checkpointer.hpp).
    // `force`: one now whether due or not (a clean stop).
    void record_checkpoint(sla::EpochMinute from, sla::EpochMinute to, bool force = false) {
        try {
            auto c = force ? store_->evidence().checkpoint(now_ms(), checkpointer_->signer())
                           : checkpointer_->on_finalized(*store_, from, to, now_ms());
            if (c && alerts_ && checkpointer_->signer())
                alerts_->on_checkpoint(*c, checkpointer_->signer()->public_key_pem(), now_ms());
        } catch (const std::exception& e) {
            spdlog::error("evidence: cannot record a checkpoint: {}", e.what());
        }
    }

    // One log line per state change of a probe or of the service.
    void on_minute(const storage::MinuteRow& row) {
        metrics_.record_minute(row.probe, row.state);
        last_service_state_ = row.probe == "service" ? row.state : last_service_state_;
        auto [it, first] = last_state_.try_emplace(row.probe, row.state);
        if (!first && it->second == row.state) return;
        it->second = row.state;
        const auto when = config_.contract.terms.zone.format_minute(row.minute);
        const auto state = sla::to_string(row.state);
        if (row.probe == "service") {
            if (row.state == sla::MinuteState::down)
                spdlog::warn("service: DOWN from {} (unavailable minutes count against the SLA)",
                             when);
            else
                spdlog::info("service: {} from {}", state, when);
            return;
        }
        std::string last;
        if (row.failures > 0)
            if (auto f = last_failure_.find(row.probe); f != last_failure_.end())
                last = ", last failure: " + f->second;
        const auto level = row.state == sla::MinuteState::down ? spdlog::level::warn
                                                               : spdlog::level::info;
        spdlog::log(level, "probe {}: {} from {} ({} of {} runs failed{})", row.probe, state, when,
                    row.failures, row.samples, last);
    }

    void refresh_month() {
        const auto& terms = config_.contract.terms;
        const auto now = now_ms();
        const auto month =
            sla::service_month_of(terms.months(), terms.zone.local_date(sla::minute_of_ms(now)));
        refresh_claim_months(now);
        if (!month) {
            metrics_.clear_month();
            return;
        }
        try {
            month_ = store_->month_report(*month, now);
            metrics_.set_month(terms, *month_);
        } catch (const std::exception& e) {
            store_ok_ = false;
            spdlog::error("storage: cannot compute the month's figures: {}", e.what());
        }
    }

    // Ended months whose claim window is still open, for /metrics (also after
    // the term). Their figures barely change: read hourly, not every minute.
    void refresh_claim_months(sla::EpochMillis now) {
        const auto& terms = config_.contract.terms;
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
            metrics_.set_claim_months(terms, open);
            claims_hour_ = hour;
        } catch (const std::exception& e) {
            spdlog::error("storage: cannot compute the claim windows' figures: {}", e.what());
        }
    }

    void update_status() {
        std::string line;
        if (month_)
            line = fmt::format("month {}: {}% available, error budget {} of {} min left",
                               sla::format_year_month(month_->month.calendar_month()),
                               month_->availability_text, month_->budget_left,
                               month_->budget_minutes);
        else
            line = "outside the contract term";
        if (last_service_state_)
            line += fmt::format("; last minute {}", sla::to_string(*last_service_state_));
        notify::status(line);
    }

    void on_result(const std::string& name, sla::EpochMillis planned, sla::Sample s) {
        if (s.sent_ms == 0) s.sent_ms = planned;
        metrics_.record_result(name, s);
        if (s.outcome != sla::Outcome::ok) last_failure_[name] = failure_summary(s);
        if (writer_.add({name, std::move(s)})) flush();
    }

    HttpReply serve(const std::string& target) {
        if (target == "/metrics") {
            metrics_.set_writer(writer_.dropped(), writer_.errors());
            return {200, "text/plain; version=0.0.4; charset=utf-8",
                    metrics_.render(options_.version) + (alerts_ ? alerts_->render_metrics() : "")};
        }
        if (target == "/healthz") {
            // Answering at all proves the loop runs; the store must work too.
            if (writer_.healthy() && store_ok_) return {200, "text/plain; charset=utf-8", "ok\n"};
            return {503, "text/plain; charset=utf-8", "storage failing\n"};
        }
        return {404, "text/plain; charset=utf-8", "not found\n"};
    }

    void on_reload() {
        if (stopping_) return;
        notify::reloading();
        auto loaded = config::load(config_.file);
        if (!loaded) {
            spdlog::error("config reload rejected ({} problem{}); the running config stays",
                          loaded.errors.size(), loaded.errors.size() == 1 ? "" : "s");
            for (const auto& e : loaded.errors) spdlog::error("{}", e);
            metrics_.set_reload(false, static_cast<double>(now_ms()) / 1000.0);
            notify::ready();
            return;
        }
        auto fresh = std::move(*loaded.config);
        std::vector<std::shared_ptr<probes::Probe>> probes;
        try {
            probes = make_probes(io_.get_executor(), fresh);
        } catch (const probes::ProbeSetupError& e) {
            spdlog::error("config reload rejected: {}; the running config stays", e.what());
            metrics_.set_reload(false, static_cast<double>(now_ms()) / 1000.0);
            notify::ready();
            return;
        }
        if (fresh.storage.path != config_.storage.path)
            spdlog::warn("config reload: a new storage.path takes effect after a restart");
        if (fresh.metrics.listen != config_.metrics.listen ||
            fresh.metrics.enabled != config_.metrics.enabled)
            spdlog::warn("config reload: a new [metrics] setting takes effect after a restart");
        fresh.metrics = config_.metrics;
        store_->set_config(fresh);
        config_ = std::move(fresh);
        reconcile();
        policy_.max_timeout = max_timeout(config_);
        scheduler_.set_probes(std::move(probes), config_.monitor.probes_per_minute);
        metrics_.set_reload(true, static_cast<double>(now_ms()) / 1000.0);
        claims_hour_.reset();  // the terms may have changed
        spdlog::info("config reloaded: {} probes, {} runs a minute each", config_.probes.size(),
                     config_.monitor.probes_per_minute);
        notify::ready();
    }

    // Appends are idempotent; a second, different result of one probe in
    // one millisecond cannot be stored and is reported, not fatal.
    void append(std::span<const storage::ProbeResult> results) {
        std::vector<storage::AppendConflict> conflicts;
        store_->append_results(results, &conflicts);
        for (const auto& c : conflicts) {
            const auto& r = results[c.index];
            spdlog::warn("storage: {} at {} ms already has a stored result ({}), dropped this "
                         "one ({})",
                         r.probe, r.sample.sent_ms, sla::to_string(c.stored.sample.outcome),
                         sla::to_string(r.sample.outcome));
        }
    }

    // SIGTERM/SIGINT: stop planning, let the runs in flight reach their
    // deadline, then flush and finalize (finish()).
    void on_stop(int sig) {
        if (stopping_) return;
        stopping_ = true;
        notify::stopping();
        spdlog::info("stopping on {}: waiting for {} probe runs in flight",
                     sig == SIGINT ? "SIGINT" : "SIGTERM", scheduler_.in_flight());
        scheduler_.stop();
        stop_deadline_ = std::chrono::steady_clock::now() + policy_.max_timeout + 1s;
        tick_.cancel();
        next_tick_ = std::chrono::steady_clock::now();
        do_tick();
    }

    void finish() {
        flush();
        if (writer_.buffered() > 0)
            spdlog::error("stopping: {} probe results could not be stored", writer_.buffered());
        // Every run has ended: the minutes before this one are complete.
        const auto current = sla::minute_of_ms(now_ms());
        if (writer_.healthy() && current > finalized_until_) finalize_through(current);
        record_checkpoint(finalized_until_, finalized_until_, true);
        if (server_) server_->stop();
        if (alerts_) alerts_->stop();
        lifecycle_.cancel();
        spdlog::info("stopped; minutes finalized until {}",
                     config_.contract.terms.zone.format_minute(finalized_until_));
        // Probe runs that outlived their deadline must not keep us alive.
        io_.stop();
    }

    Options options_;
    std::optional<storage::WriterLock> lock_;  // declared first: released last
    config::Config config_;
    asio::io_context io_{1};
    std::unique_ptr<storage::Store> store_;
    std::unique_ptr<alerts::Alerting> alerts_;
    std::unique_ptr<Checkpointer> checkpointer_;
    ResultWriter writer_;
    Scheduler scheduler_;
    Metrics metrics_;
    std::optional<sla::EpochMinute> claims_hour_;  // when claim months were last read (hours)
    std::unique_ptr<MetricsServer> server_;
    Lifecycle lifecycle_;
    asio::steady_timer tick_;
    std::chrono::steady_clock::time_point next_tick_;
    std::chrono::steady_clock::time_point stop_deadline_;
    std::chrono::steady_clock::time_point next_retention_ = std::chrono::steady_clock::now() + 1min;
    FinalizePolicy policy_;
    sla::EpochMinute finalized_until_ = 0;
    std::optional<sla::MonthReport> month_;
    std::optional<sla::MinuteState> last_service_state_;
    std::map<std::string, sla::MinuteState> last_state_;
    std::map<std::string, std::string> last_failure_;
    sla::EpochMillis last_finalize_error_ms_ = 0;
    bool store_ok_ = true;
    bool stopping_ = false;
    int exit_code_ = 0;
};

}  // namespace

int run(config::Config config, const Options& options) {
    Daemon daemon(std::move(config), options);
    return daemon.run();
}

}  // namespace slawatch::daemon
