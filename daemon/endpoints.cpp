// SPDX-License-Identifier: Apache-2.0
// /metrics and /healthz, answered on the probe loop from what SharedState
// holds, never waiting on the store. /checkpoint needs the database: it is
// answered by a job on the storage thread (storage_pipeline.hpp), and the
// loop only passes the answer on when it comes, so the loop never waits.

#include "daemon/probe_loop.hpp"

#include "daemon/metrics_request.hpp"

#include <boost/asio/post.hpp>

namespace slawatch::daemon {
namespace {

// /checkpoint answers on their way at once; more are refused rather than
// queued, so that no client can fill the storage thread's queue.
constexpr int max_checkpoint_requests = 4;

}  // namespace

void ProbeLoop::serve(const std::string& target, MetricsServer::Respond respond) {
    const auto path = request_path(target);
    if (path == "/checkpoint") {
        const auto q = target.find('?');
        return serve_checkpoint(q == std::string::npos ? std::string() : target.substr(q + 1),
                                std::move(respond));
    }
    respond(serve_now(path));
}

void ProbeLoop::serve_checkpoint(std::string query, MetricsServer::Respond respond) {
    if (checkpoint_requests_ >= max_checkpoint_requests)
        return respond({503, "text/plain; charset=utf-8", "busy: try again\n"});
    ++checkpoint_requests_;
    pipeline_.serve_checkpoint(std::move(query), [this, respond](HttpReply reply) {
        // On the storage thread: the answer goes back to the loop's own thread.
        boost::asio::post(io_, [this, respond, reply = std::move(reply)]() mutable {
            --checkpoint_requests_;
            respond(std::move(reply));
        });
    });
}

HttpReply ProbeLoop::serve_now(const std::string& target) {
    if (target == "/metrics") {
        const auto writer = shared_.writer.counts();
        std::string body;
        {
            std::lock_guard lock(shared_.mutex);
            shared_.metrics.set_writer(writer.dropped, writer.errors);
            body =
                shared_.metrics.render(version_) + shared_.alert_metrics + shared_.witness_metrics;
        }
        body += storage_metrics();
        return {200, "text/plain; version=0.0.4; charset=utf-8", std::move(body)};
    }
    if (target == "/healthz") return health();
    return {404, "text/plain; charset=utf-8", "not found\n"};
}

// Answering at all proves the probe loop runs; the store must work too.
HttpReply ProbeLoop::health() const {
    {
        std::lock_guard lock(shared_.mutex);
        if (!shared_.store_lost_reason.empty())
            return {503, "text/plain; charset=utf-8",
                    "database lost: " + shared_.store_lost_reason + "\n"};
    }
    if (pipeline_.busy_for() >= storage_stall_after)
        return {503, "text/plain; charset=utf-8", "storage blocked\n"};
    bool store_ok = false;
    {
        std::lock_guard lock(shared_.mutex);
        store_ok = shared_.store_ok;
    }
    if (shared_.writer.healthy() && store_ok) return {200, "text/plain; charset=utf-8", "ok\n"};
    return {503, "text/plain; charset=utf-8", "storage failing\n"};
}

// The writer's buffer and the storage thread, for alerting on storage trouble.
std::string ProbeLoop::storage_metrics() const {
    const auto w = shared_.writer.counts();
    const auto busy = pipeline_.busy_for();
    std::string constant;
    {
        std::lock_guard lock(shared_.mutex);
        constant = shared_.metrics.constant_labels();
    }
    std::string out;
    Exposition e(out, constant);
    e.gauge("slawatch_result_buffer_results", "Probe results waiting to be written to the store.",
            static_cast<double>(w.buffered));
    e.gauge("slawatch_result_buffer_capacity",
            "Probe results the buffer holds before it drops the oldest.",
            static_cast<double>(w.capacity));
    e.gauge("slawatch_result_buffer_peak_results", "The most probe results ever buffered.",
            static_cast<double>(w.peak));
    e.family("slawatch_results_written_total", "counter", "Probe results written to the store.");
    e.sample("slawatch_results_written_total", "", static_cast<double>(w.written));
    e.gauge("slawatch_storage_busy_seconds",
            "How long the storage job running now has run (0 when idle).",
            static_cast<double>(busy.count()) / 1000.0);
    return out;
}

}  // namespace slawatch::daemon
