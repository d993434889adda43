// SPDX-License-Identifier: Apache-2.0
#include "daemon/storage_thread.hpp"

#include <spdlog/spdlog.h>

namespace slawatch::daemon {

StorageThread::StorageThread() : work_(io_.get_executor()) {}

StorageThread::~StorageThread() {
    stop();
}

void StorageThread::start() {
    thread_ = std::thread([this] {
        for (;;) {
            try {
                io_.run();
                return;
            } catch (const std::exception& e) {
                // A job that throws loses its own work only; the thread goes on.
                spdlog::error("storage: {}", e.what());
            }
        }
    });
}

void StorageThread::stop() {
    if (!thread_.joinable()) return;
    // After the jobs queued so far: timers and hook deliveries left behind do not keep it alive.
    work_.reset();
    boost::asio::post(io_, [this] { io_.stop(); });
    thread_.join();
}

std::chrono::milliseconds StorageThread::busy_for(std::string* what) const {
    const auto since = busy_since_.load(std::memory_order_acquire);
    if (since == 0) return std::chrono::milliseconds(0);
    if (what) {
        std::lock_guard lock(what_mutex_);
        *what = what_;
    }
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    return std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::duration(now - since));
}

StorageThread::Busy::Busy(StorageThread& t, const char* what) : thread(t) {
    {
        std::lock_guard lock(thread.what_mutex_);
        thread.what_ = what;
    }
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    thread.busy_since_.store(now == 0 ? 1 : now, std::memory_order_release);
}

StorageThread::Busy::~Busy() {
    thread.busy_since_.store(0, std::memory_order_release);
}

}  // namespace slawatch::daemon
