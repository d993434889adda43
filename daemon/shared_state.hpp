// SPDX-License-Identifier: Apache-2.0
#pragma once
// All that the probe loop and the storage pipeline share, in one place. The
// loop writes probe results into `writer` and the earliest pending minute;
// the pipeline drains the writer and publishes its state (store health, the
// figures for /metrics) under `mutex`. Nothing else crosses the threads
// apart from the messages in storage_pipeline.hpp.

#include "daemon/metrics.hpp"
#include "daemon/result_writer.hpp"
#include "sla/time.hpp"

#include <atomic>
#include <limits>
#include <map>
#include <mutex>
#include <string>

namespace slawatch::daemon {

struct SharedState {
    // Probe results on their way to the store (bounded; any thread may add).
    ResultWriter writer;
    // The first minute with a run planned and not yet handed to the writer
    // (max() when none): the pipeline finalizes only before it.
    std::atomic<sla::EpochMinute> earliest_pending{std::numeric_limits<sla::EpochMinute>::max()};
    // Set by the pipeline once the database is lost: the loop's tick then stops the daemon.
    std::atomic<bool> store_lost{false};
    // Set by the pipeline once its stop has finished: the loop's tick then ends the loop.
    std::atomic<bool> storage_finished{false};

    // Guards everything below.
    mutable std::mutex mutex;
    Metrics metrics;
    std::map<std::string, std::string> last_failure;  // probe -> "http_5xx 503"
    std::string alert_metrics;                        // rendered by the pipeline
    std::string witness_metrics;                      // rendered by the pipeline
    bool store_ok = true;
    std::string store_lost_reason;  // why the database is lost; empty while it is not
};

}  // namespace slawatch::daemon
