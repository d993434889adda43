// SPDX-License-Identifier: Apache-2.0
#pragma once
// The SQLite implementation of OutboxStore (internal to the storage module):
// on a connection of its own (open_outbox) or on the Store's, so that events
// are stored in the transaction that finalizes their minutes.

#include "storage/outbox_store.hpp"
#include "storage/sqlite.hpp"

#include <memory>
#include <mutex>

namespace slawatch::storage {

class SqliteOutbox final : public OutboxStore {
public:
    // On the Store's connection, whose schema it has checked
    // (schema::check_exact): its tables are there. Every call holds the
    // store's lock, as the evidence log's do; writes need `writable`.
    SqliteOutbox(sqlite::Database& db, std::recursive_mutex& store_lock, bool writable);
    // On an owned connection; has_tables false: nothing is stored (an old or
    // missing database read by the CLI).
    SqliteOutbox(std::unique_ptr<sqlite::Database> db, bool has_tables);

    bool enqueue(const OutboxEvent& event, const std::vector<std::string>& hooks,
                 sla::EpochMillis now) override;
    std::vector<std::string> event_ids_since(sla::EpochMillis since) const override;
    std::vector<Delivery> due(const std::string& hook, sla::EpochMillis now,
                              std::size_t limit) const override;
    std::optional<sla::EpochMillis> next_due(const std::vector<std::string>& hooks) const override;
    void mark_delivered(const std::string& id, const std::string& hook,
                        sla::EpochMillis now) override;
    void record_failure(const std::string& id, const std::string& hook, const std::string& state,
                        int attempts, sla::EpochMillis next_attempt_ms,
                        const std::string& error) override;
    std::map<std::string, HookCounts> counts() const override;
    std::vector<EventRecord> recent(std::size_t limit) const override;
    std::optional<Delivery> find(const std::string& id, const std::string& hook) const override;

private:
    std::unique_ptr<sqlite::Database> owned_;  // null on a borrowed connection
    sqlite::Database* db_ = nullptr;
    bool has_tables_ = true;
    std::recursive_mutex* store_lock_ = nullptr;  // null on an owned connection
    bool writable_ = true;

    std::unique_lock<std::recursive_mutex> hold() const;
    void require_writable() const;
};

}  // namespace slawatch::storage
