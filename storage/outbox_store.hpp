// SPDX-License-Identifier: Apache-2.0
#pragma once
// The alert outbox's rows (alert_event, alert_outbox; docs/schema.md): every
// event is stored once and, before any delivery, once per hook that takes it.
// Rows stay pending until delivered, across restarts; each hook gets its
// rows strictly in the order they were stored. The retry policy is the
// alerts' (alerts/outbox.hpp); this is only what is stored and how it is read.

#include "sla/time.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace slawatch::storage {

// One (event, hook) row.
struct Delivery {
    std::string id;
    std::string hook;
    std::string type;
    sla::EpochMillis created_ms = 0;
    std::string body;   // the event's JSON
    std::string state;  // "pending" | "delivered" | "failed"
    int attempts = 0;
    sla::EpochMillis next_attempt_ms = 0;
    std::string last_error;
    std::optional<sla::EpochMillis> delivered_ms;
};

struct HookCounts {
    std::int64_t pending = 0;
    std::int64_t delivered = 0;
    std::int64_t failed = 0;
    std::int64_t retrying = 0;  // pending rows with a failed attempt behind them
    std::string last_error;     // of the newest row that has one
};

struct EventRecord {
    std::string id;
    std::string type;
    sla::EpochMillis created_ms = 0;
    std::string body;
    std::vector<Delivery> deliveries;  // one per hook, by hook name
};

// An event as the outbox stores it: its id (the dedupe key), type and JSON.
struct OutboxEvent {
    std::string id;
    std::string type;
    std::string body;
};

class OutboxStore {
public:
    virtual ~OutboxStore() = default;

    // Stores the event and a pending row for each of `hooks`, in one
    // transaction. An id stored before is ignored (dedupe). True when new.
    virtual bool enqueue(const OutboxEvent& event, const std::vector<std::string>& hooks,
                         sla::EpochMillis now) = 0;

    // Ids of the events created at or after `since`, oldest first.
    virtual std::vector<std::string> event_ids_since(sla::EpochMillis since) const = 0;

    // The hook's pending rows in the order they were stored, from the oldest
    // up to the first that is not yet due at `now`: a row backing off holds
    // back every later row of its hook (events reach a hook in order).
    virtual std::vector<Delivery> due(const std::string& hook, sla::EpochMillis now,
                                      std::size_t limit) const = 0;
    // The earliest next_attempt_ms among the oldest pending rows of `hooks`.
    virtual std::optional<sla::EpochMillis> next_due(
        const std::vector<std::string>& hooks) const = 0;

    virtual void mark_delivered(const std::string& id, const std::string& hook,
                                sla::EpochMillis now) = 0;
    // Records a failed attempt as decided by the retry policy: the row's new
    // state, attempt count, next attempt time and error (kept to 500 bytes).
    virtual void record_failure(const std::string& id, const std::string& hook,
                                const std::string& state, int attempts,
                                sla::EpochMillis next_attempt_ms, const std::string& error) = 0;

    virtual std::map<std::string, HookCounts> counts() const = 0;
    // The newest events with their deliveries, newest first.
    virtual std::vector<EventRecord> recent(std::size_t limit) const = 0;
    virtual std::optional<Delivery> find(const std::string& id, const std::string& hook) const = 0;
};

// The outbox of the database at `db_path` on a connection of its own.
// read_write opens (and never creates) a database the Store has migrated;
// read_only is for the CLI: a missing database, or one older than the
// outbox, reads as empty. Throws StoreError.
std::unique_ptr<OutboxStore> open_outbox(const std::filesystem::path& db_path, bool read_only);

}  // namespace slawatch::storage
