// SPDX-License-Identifier: Apache-2.0
#pragma once
// The alert outbox: every event is stored once and, before any delivery,
// once per hook that takes it (storage/outbox_store.hpp keeps the rows).
// Rows stay pending until delivered, across restarts, retried with
// exponential backoff; each hook gets its rows strictly in the order they
// were stored.

#include "alerts/event.hpp"
#include "config/config.hpp"
#include "storage/outbox_store.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace slawatch::alerts {

using storage::Delivery;
using storage::EventRecord;
using storage::HookCounts;

struct Backoff {
    std::chrono::milliseconds initial{5000};
    std::chrono::milliseconds cap{600'000};
    int max_attempts = 0;  // 0: retry until delivered
};

// The wait after the `failures`-th failed attempt (1-based): initial doubling
// per failure up to cap, then jittered into [d/2, d] by `unit` in [0, 1) so
// that many rows do not retry in lockstep.
std::chrono::milliseconds retry_delay(int failures, const Backoff& backoff, double unit);

class Outbox {
public:
    // On a connection of its own (storage::open_outbox): read_write opens
    // (and never creates) a database the Store has migrated; read_only is for
    // the CLI.
    Outbox(const std::filesystem::path& db_path, bool read_only);
    // On the Store's own outbox, so that events are stored in the transaction
    // that finalizes their minutes.
    explicit Outbox(storage::OutboxStore& store);
    ~Outbox();
    Outbox(const Outbox&) = delete;
    Outbox& operator=(const Outbox&) = delete;

    // Stores the event and a pending row for each of `hooks`, in one
    // transaction. An id stored before is ignored (dedupe). True when new.
    bool enqueue(const Event& event, const std::vector<std::string>& hooks, sla::EpochMillis now);

    // Ids of the events created at or after `since`, oldest first.
    std::vector<std::string> event_ids_since(sla::EpochMillis since) const;

    // The hook's pending rows in the order they were stored, from the oldest
    // up to the first that is not yet due at `now`: a row backing off holds
    // back every later row of its hook (events reach a hook in order).
    std::vector<Delivery> due(const std::string& hook, sla::EpochMillis now,
                              std::size_t limit) const;
    // The earliest next_attempt_ms among the oldest pending rows of `hooks`.
    std::optional<sla::EpochMillis> next_due(const std::vector<std::string>& hooks) const;

    void mark_delivered(const std::string& id, const std::string& hook, sla::EpochMillis now);
    // Records a failed attempt and schedules the next; returns the row's new
    // state ("failed" once max_attempts is reached, else "pending").
    std::string mark_failed(const std::string& id, const std::string& hook,
                            const std::string& error, sla::EpochMillis now, const Backoff& backoff,
                            double unit);

    std::map<std::string, HookCounts> counts() const;
    // The newest events with their deliveries, newest first.
    std::vector<EventRecord> recent(std::size_t limit) const;
    std::optional<Delivery> find(const std::string& id, const std::string& hook) const;

private:
    std::unique_ptr<storage::OutboxStore> owned_;  // null on the Store's outbox
    storage::OutboxStore* store_ = nullptr;
};

// One line per hook for `slawatch status`: "hook: 0 pending, 12 delivered".
std::vector<std::string> hook_summaries(const Outbox& outbox,
                                        const std::vector<config::Alert>& alerts);

}  // namespace slawatch::alerts
