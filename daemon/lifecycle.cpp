// SPDX-License-Identifier: Apache-2.0
#include "daemon/lifecycle.hpp"

#include <systemd/sd-daemon.h>

#include <fmt/format.h>

#include <csignal>
#include <ctime>

namespace slawatch::daemon {

namespace notify {
void ready() {
    sd_notify(0, "READY=1");
}

void reloading() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    const auto usec = static_cast<long long>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
    sd_notify(0, fmt::format("RELOADING=1\nMONOTONIC_USEC={}", usec).c_str());
}

void stopping() {
    sd_notify(0, "STOPPING=1");
}

void status(const std::string& line) {
    sd_notify(0, ("STATUS=" + line).c_str());
}

void watchdog() {
    sd_notify(0, "WATCHDOG=1");
}

std::chrono::microseconds watchdog_ping_interval() {
    std::uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) return std::chrono::microseconds(usec / 2);
    return std::chrono::microseconds(0);
}
}  // namespace notify

Lifecycle::Lifecycle(boost::asio::any_io_executor executor, std::function<void(int)> on_stop,
                     std::function<void()> on_reload)
    : signals_(executor, SIGTERM, SIGINT, SIGHUP),
      watchdog_timer_(executor),
      on_stop_(std::move(on_stop)),
      on_reload_(std::move(on_reload)) {}

void Lifecycle::start() {
    do_wait_signal();
    watchdog_interval_ = notify::watchdog_ping_interval();
    if (watchdog_interval_.count() > 0) do_watchdog();
}

void Lifecycle::cancel() {
    cancelled_ = true;
    boost::system::error_code ec;
    signals_.cancel(ec);
    watchdog_timer_.cancel();
}

void Lifecycle::do_wait_signal() {
    signals_.async_wait(
        [this](const boost::system::error_code& ec, int sig) { on_signal(ec, sig); });
}

void Lifecycle::on_signal(const boost::system::error_code& ec, int sig) {
    if (ec || cancelled_) return;
    if (sig == SIGHUP) {
        on_reload_();
        do_wait_signal();
        return;
    }
    // SIGTERM / SIGINT: keep listening so a second signal does not kill us
    // mid-flush; the stop handler ignores repeats.
    on_stop_(sig);
    if (!cancelled_) do_wait_signal();
}

// The ping comes from the event loop itself: a stuck loop stops pinging and
// systemd restarts the service.
void Lifecycle::do_watchdog() {
    watchdog_timer_.expires_after(watchdog_interval_);
    watchdog_timer_.async_wait([this](const boost::system::error_code& ec) { on_watchdog(ec); });
}

void Lifecycle::on_watchdog(const boost::system::error_code& ec) {
    if (ec || cancelled_) return;
    notify::watchdog();
    do_watchdog();
}

}  // namespace slawatch::daemon
