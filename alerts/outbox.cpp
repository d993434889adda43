// SPDX-License-Identifier: Apache-2.0
// The alert outbox: the retry policy over the rows storage keeps.

#include "alerts/outbox.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace slawatch::alerts {

std::chrono::milliseconds retry_delay(int failures, const Backoff& backoff, double unit) {
    const auto cap = std::max(backoff.cap, backoff.initial);
    std::int64_t d = backoff.initial.count();
    for (int i = 1; i < failures && d < cap.count(); ++i) d *= 2;
    d = std::min<std::int64_t>(d, cap.count());
    unit = std::clamp(unit, 0.0, 1.0);
    return std::chrono::milliseconds(d / 2 +
                                     static_cast<std::int64_t>(std::floor(unit * (d - d / 2))));
}

Outbox::Outbox(const std::filesystem::path& db_path, bool read_only)
    : owned_(storage::open_outbox(db_path, read_only)), store_(owned_.get()) {}

Outbox::Outbox(storage::OutboxStore& store) : store_(&store) {}

Outbox::~Outbox() = default;

bool Outbox::enqueue(const Event& event, const std::vector<std::string>& hooks,
                     sla::EpochMillis now) {
    return store_->enqueue({event.id, std::string(to_string(event.type)), event.json()}, hooks,
                           now);
}

std::vector<std::string> Outbox::event_ids_since(sla::EpochMillis since) const {
    return store_->event_ids_since(since);
}

std::vector<Delivery> Outbox::due(const std::string& hook, sla::EpochMillis now,
                                  std::size_t limit) const {
    return store_->due(hook, now, limit);
}

std::optional<sla::EpochMillis> Outbox::next_due(const std::vector<std::string>& hooks) const {
    return store_->next_due(hooks);
}

void Outbox::mark_delivered(const std::string& id, const std::string& hook, sla::EpochMillis now) {
    store_->mark_delivered(id, hook, now);
}

std::string Outbox::mark_failed(const std::string& id, const std::string& hook,
                                const std::string& error, sla::EpochMillis now,
                                const Backoff& backoff, double unit) {
    const auto row = store_->find(id, hook);
    if (!row) return "failed";
    const int attempts = row->attempts + 1;
    const bool give_up = backoff.max_attempts > 0 && attempts >= backoff.max_attempts;
    const std::string state = give_up ? "failed" : "pending";
    store_->record_failure(id, hook, state, attempts,
                           now + retry_delay(attempts, backoff, unit).count(), error);
    return state;
}

std::optional<Delivery> Outbox::find(const std::string& id, const std::string& hook) const {
    return store_->find(id, hook);
}

std::map<std::string, HookCounts> Outbox::counts() const {
    return store_->counts();
}

std::vector<EventRecord> Outbox::recent(std::size_t limit) const {
    return store_->recent(limit);
}

std::vector<std::string> hook_summaries(const Outbox& outbox,
                                        const std::vector<config::Alert>& alerts) {
    std::vector<std::string> out;
    const auto counts = outbox.counts();
    for (const auto& a : alerts) {
        HookCounts c;
        if (auto it = counts.find(a.name); it != counts.end()) c = it->second;
        auto line = fmt::format("{} ({}): {} pending, {} delivered, {} failed", a.name,
                                config::to_string(a.kind), c.pending, c.delivered, c.failed);
        if (c.retrying > 0)
            line += fmt::format("; FAILING, {} retrying: {}", c.retrying, c.last_error);
        out.push_back(std::move(line));
    }
    return out;
}

}  // namespace slawatch::alerts
