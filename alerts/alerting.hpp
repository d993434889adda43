// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the daemon calls: while it finalizes minutes, detect the events and
// store them in the outbox for the hooks that take them, in the same
// transaction; then let the dispatcher deliver. Everything runs on the
// daemon's storage thread (the executor given), on the Store's own outbox.

#include "alerts/detector.hpp"
#include "alerts/dispatcher.hpp"
#include "alerts/outbox.hpp"
#include "config/config.hpp"
#include "storage/evidence/log.hpp"
#include "storage/evidence/note.hpp"
#include "storage/outbox_store.hpp"
#include "storage/report_source.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <filesystem>
#include <memory>
#include <optional>
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
                       const sla::TimeZone& zone, std::string_view contract,
                       std::string_view vantage);

// What a witness saw of a peer whose history was rewritten (docs/vantage.md, "Witnesses").
struct RewriteSeen {
    std::string peer;                              // the peer's vantage name
    std::string source;                            // the copy's path or the endpoint's URL
    storage::evidence::note::CheckpointBody seen;  // its newest checkpoint
    std::string note;                              // that checkpoint's signed note
    std::string expected_origin;                   // the log witnessed before ("" at first sight)
    std::optional<storage::evidence::note::CheckpointBody> expected;  // the last cosigned
    std::string message;  // what was seen against what was expected
};

// The evidence_rewritten event of a rewrite a witness saw (witness_event.cpp).
Event rewrite_event(const RewriteSeen& r, sla::EpochMillis now, const sla::TimeZone& zone,
                    std::string_view contract, std::string_view vantage);

class Alerting {
public:
    // Keeps its events in the Store's own outbox (stored in the Store's
    // transactions) and sets up the hooks. Throws HookSetupError or
    // storage::StoreError.
    Alerting(boost::asio::any_io_executor ex, const config::Config& config,
             storage::OutboxStore& outbox);
    ~Alerting();

    // A reloaded config: thresholds, hooks, contract. Throws HookSetupError
    // (the running hooks stay). A delivery in flight finishes on the old hook.
    void apply(const config::Config& config);

    // After a (re)start: what was emitted before, and the minutes of an
    // incident still open, so that nothing is emitted twice or forgotten.
    void resume(const storage::ReportSource& store, sla::EpochMinute finalized_until,
                sla::EpochMillis now);

    // Minutes [from, to) are being finalized inside the Store's open
    // transaction (Store::transaction): detects their events and stores them
    // in the outbox there. Throws when it cannot, so that the finalization
    // rolls back with them. Then exactly one of committed() / rolled_back().
    void on_finalized(const storage::ReportSource& store, sla::EpochMinute from,
                      sla::EpochMinute to, sla::EpochMillis now);
    void committed();
    void rolled_back();

    // A checkpoint was recorded: signed ones become evidence_checkpoint events.
    void on_checkpoint(const storage::Checkpoint& c, std::string_view public_key_pem,
                       sla::EpochMillis now);

    // A witnessed peer's history was rewritten: an evidence_rewritten event.
    void on_rewrite(const RewriteSeen& r, sla::EpochMillis now);

    // An event found outside finalization (a TSA failing to stamp): stored
    // in the outbox in a transaction of its own, then delivered.
    void emit(const Event& event, sla::EpochMillis now);

    std::string render_metrics() const;
    void stop();

private:
    void run_detector(const storage::ReportSource& store, sla::EpochMinute from,
                      sla::EpochMinute to, sla::EpochMillis now, bool with_months);
    void enqueue(const std::vector<Event>& events, sla::EpochMillis now);

    boost::asio::any_io_executor ex_;
    config::Config config_;
    DetectorOptions options_;
    DetectorState state_;
    // What on_finalized found, kept until the transaction's outcome is known.
    std::optional<DetectorState> tentative_state_;
    std::vector<std::string> tentative_log_;
    std::unique_ptr<Outbox> outbox_;
    std::unique_ptr<Dispatcher> dispatcher_;
    // Replaced by apply(); kept so that their deliveries in flight end safely.
    std::vector<std::unique_ptr<Dispatcher>> retired_;
};

}  // namespace slawatch::alerts
