// SPDX-License-Identifier: Apache-2.0
#pragma once
// The storage thread: its own io_context on its own thread, where every
// SQLite call of the daemon runs, so that a locked database or a frozen disk
// never delays a probe. Each job is timed: the probe loop asks busy_for() to
// report (log, /healthz, /metrics) a job that does not return.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace slawatch::daemon {

class StorageThread {
public:
    StorageThread();
    ~StorageThread();  // stops and joins
    StorageThread(const StorageThread&) = delete;
    StorageThread& operator=(const StorageThread&) = delete;

    boost::asio::any_io_executor executor() { return io_.get_executor(); }

    // Runs `job` on the storage thread, timed under `what` ("writing probe results").
    template <class F>
    void post(const char* what, F job) {
        boost::asio::post(io_, [this, what, job = std::move(job)]() mutable {
            Busy busy(*this, what);
            job();
        });
    }

    // Starts the thread.
    void start();
    // Lets the jobs queued so far run, then ends the thread (no-op when not started).
    void stop();

    // How long the job running now has been running (zero when idle), and its name.
    std::chrono::milliseconds busy_for(std::string* what = nullptr) const;

private:
    struct Busy {
        Busy(StorageThread& t, const char* what);
        ~Busy();
        StorageThread& thread;
    };

    boost::asio::io_context io_{1};
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
    std::thread thread_;
    // steady_clock ticks when the running job began; 0 while idle.
    std::atomic<std::int64_t> busy_since_{0};
    mutable std::mutex what_mutex_;
    std::string what_;
};

}  // namespace slawatch::daemon
