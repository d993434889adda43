// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the daemon calls: after each finalized minute, detect the events, store
// them in the outbox for the hooks that take them, and let the dispatcher
// deliver. Everything runs on the daemon's io_context thread.

#include "alerts/detector.hpp"
#include "alerts/dispatcher.hpp"
#include "alerts/outbox.hpp"
#include "config/config.hpp"
#include "storage/evidence_log.hpp"
#include "storage/store.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace slawatch::alerts {

// The detector's options for a config: the union of every hook's thresholds
// (each hook then takes only its own, see wants()).
DetectorOptions detector_options(const config::Config& config);

// Does `alert` take `event`? Its event types, and for budget, reminder and
// unknown-minutes events its own thresholds.
bool wants(const config::Alert& alert, const Event& event);

// The evidence_checkpoint event of a signed checkpoint (checkpoint_event.cpp).
Event checkpoint_event(const storage::Checkpoint& c, std::string_view public_key_pem,
                       const sla::TimeZone& zone, std::string_view contract);

class Alerting {
public:
    // Opens the outbox in the database the Store has opened (and migrated)
    // and sets up the hooks. Throws HookSetupError or storage::StoreError.
    Alerting(boost::asio::any_io_executor ex, const config::Config& config,
             const std::filesystem::path& db_path);
    ~Alerting();

    // After a (re)start: what was emitted before, and the minutes of an
    // incident still open, so that nothing is emitted twice or forgotten.
    void resume(const storage::Store& store, sla::EpochMinute finalized_until,
                sla::EpochMillis now);

    // Minutes [from, to) were just finalized.
    void on_finalized(const storage::Store& store, sla::EpochMinute from, sla::EpochMinute to,
                      sla::EpochMillis now);

    // A checkpoint was recorded: signed ones become evidence_checkpoint events.
    void on_checkpoint(const storage::Checkpoint& c, std::string_view public_key_pem,
                       sla::EpochMillis now);

    std::string render_metrics() const;
    void stop();

private:
    void run_detector(const storage::Store& store, sla::EpochMinute from, sla::EpochMinute to,
                      sla::EpochMillis now, bool with_months);
    void enqueue(const std::vector<Event>& events, sla::EpochMillis now);

    config::Config config_;
    DetectorOptions options_;
    DetectorState state_;
    std::unique_ptr<Outbox> outbox_;
    std::unique_ptr<Dispatcher> dispatcher_;
    sla::EpochMillis last_error_ms_ = 0;
};

}  // namespace slawatch::alerts
