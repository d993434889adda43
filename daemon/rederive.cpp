// SPDX-License-Identifier: Apache-2.0
// Re-derivation after a config change, on the storage thread: a day of
// minutes per job, so that writes and finalization go on between the steps.

#include "daemon/storage_pipeline.hpp"

#include <spdlog/spdlog.h>

namespace slawatch::daemon {
using namespace std::chrono_literals;

// A changed min_samples, policy or maintenance re-derives the minutes so far,
// a day per job so that writes and finalization go on between the steps.
void StoragePipeline::start_reconcile() {
    if (reconciling_) return;  // the running steps pick the new config up
    try {
        // Nothing to re-derive (the same config, or no minute yet): one step
        // still records the config, so the CLI prints figures from these minutes.
        if (store_->derived_under_config()) {
            store_->reconcile_config_step(rederive_chunk_minutes);
            return;
        }
    } catch (const std::exception& e) {
        spdlog::error("storage: cannot record the config fingerprint: {}", e.what());
    }
    reconciling_ = true;
    spdlog::info("config changed: re-deriving the minutes already stored, a day at a time");
    thread_.post("re-deriving minutes", [this] { reconcile_step(); });
}

void StoragePipeline::reconcile_step() {
    if (stopping_ || store_lost_) return;  // a restart starts over: derivation is idempotent
    try {
        if (!store_->reconcile_config_step(rederive_chunk_minutes)) {
            thread_.post("re-deriving minutes", [this] { reconcile_step(); });
            return;
        }
        reconciling_ = false;
        spdlog::info("config changed: re-derived the minutes already stored");
        refresh_month();
    } catch (const std::exception& e) {
        // Retried after a pause; a locked database must not spin the thread.
        spdlog::error("storage: cannot re-derive minutes: {}; retrying", e.what());
        auto timer = std::make_shared<boost::asio::steady_timer>(thread_.executor(), 5s);
        timer->async_wait([this, timer](boost::system::error_code ec) {
            if (!ec) thread_.post("re-deriving minutes", [this] { reconcile_step(); });
        });
    }
}

}  // namespace slawatch::daemon
