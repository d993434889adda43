// SPDX-License-Identifier: Apache-2.0
#pragma once
// The daemon's lifecycle: signals (SIGTERM/SIGINT stop, SIGHUP reload),
// systemd notifications and the watchdog, all on the daemon's io_context.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace slawatch::daemon {

// sd_notify(3); every call is a no-op outside systemd (no $NOTIFY_SOCKET).
namespace notify {
void ready();
void reloading();  // with MONOTONIC_USEC, as Type=notify-reload expects
void stopping();
void status(const std::string& line);
void watchdog();
// Half of the watchdog interval systemd asks for, or zero when it asks for none.
std::chrono::microseconds watchdog_ping_interval();
}  // namespace notify

class Lifecycle {
public:
    Lifecycle(boost::asio::any_io_executor executor, std::function<void(int)> on_stop,
              std::function<void()> on_reload);

    // Starts waiting for signals and pinging the watchdog.
    void start();
    // Stops both; pending handlers complete with operation_aborted.
    void cancel();

private:
    void do_wait_signal();
    void on_signal(const boost::system::error_code& ec, int sig);
    void do_watchdog();
    void on_watchdog(const boost::system::error_code& ec);

    boost::asio::signal_set signals_;
    boost::asio::steady_timer watchdog_timer_;
    std::chrono::microseconds watchdog_interval_{0};
    std::function<void(int)> on_stop_;
    std::function<void()> on_reload_;
    bool cancelled_ = false;
};

}  // namespace slawatch::daemon
