// SPDX-License-Identifier: Apache-2.0
// The Store's own outbox: the SQLite outbox on the store's connection, under
// the store's lock, so that events commit in the store's transactions.

#include "storage/sqlite_store.hpp"

namespace slawatch::storage {

bool SqliteStore::enqueue(const OutboxEvent& event, const std::vector<std::string>& hooks,
                          sla::EpochMillis now) {
    std::lock_guard lock(mutex_);
    require_writable();
    return outbox_->enqueue(event, hooks, now);
}

std::vector<std::string> SqliteStore::event_ids_since(sla::EpochMillis since) const {
    std::lock_guard lock(mutex_);
    return outbox_->event_ids_since(since);
}

std::vector<Delivery> SqliteStore::due(const std::string& hook, sla::EpochMillis now,
                                       std::size_t limit) const {
    std::lock_guard lock(mutex_);
    return outbox_->due(hook, now, limit);
}

std::optional<sla::EpochMillis> SqliteStore::next_due(const std::vector<std::string>& hooks) const {
    std::lock_guard lock(mutex_);
    return outbox_->next_due(hooks);
}

void SqliteStore::mark_delivered(const std::string& id, const std::string& hook,
                                 sla::EpochMillis now) {
    std::lock_guard lock(mutex_);
    require_writable();
    outbox_->mark_delivered(id, hook, now);
}

void SqliteStore::record_failure(const std::string& id, const std::string& hook,
                                 const std::string& state, int attempts,
                                 sla::EpochMillis next_attempt_ms, const std::string& error) {
    std::lock_guard lock(mutex_);
    require_writable();
    outbox_->record_failure(id, hook, state, attempts, next_attempt_ms, error);
}

std::map<std::string, HookCounts> SqliteStore::counts() const {
    std::lock_guard lock(mutex_);
    return outbox_->counts();
}

std::vector<EventRecord> SqliteStore::recent(std::size_t limit) const {
    std::lock_guard lock(mutex_);
    return outbox_->recent(limit);
}

std::optional<Delivery> SqliteStore::find(const std::string& id, const std::string& hook) const {
    std::lock_guard lock(mutex_);
    return outbox_->find(id, hook);
}

}  // namespace slawatch::storage
