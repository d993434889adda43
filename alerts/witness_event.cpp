// SPDX-License-Identifier: Apache-2.0
// The evidence_rewritten event: a witnessed peer's history was rewritten.

#include "alerts/alerting.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace slawatch::alerts {

Event rewrite_event(const RewriteSeen& r, sla::EpochMillis now, const sla::TimeZone& zone,
                    std::string_view contract, std::string_view vantage) {
    namespace ev = storage::evidence;
    const auto root = ev::to_hex(r.seen.root);
    // One event per rewritten checkpoint seen, however often it is seen again.
    auto e = make_event(EventType::evidence_rewritten,
                        fmt::format("evidence_rewritten:{}:{}:{}:{}", r.peer, r.seen.origin,
                                    r.seen.tree_size, root.substr(0, 16)),
                        now, zone, contract, vantage,
                        fmt::format("the evidence history of vantage point {} was rewritten: {}",
                                    r.peer, r.message));
    auto& b = e.body;
    b["peer"] = r.peer;
    b["source"] = r.source;
    b["seen_origin"] = r.seen.origin;
    b["seen_tree_size"] = r.seen.tree_size;
    b["seen_root"] = root;
    b["seen_note"] = r.note;
    b["expected_origin"] = r.expected_origin;
    if (r.expected) {
        b["expected_tree_size"] = r.expected->tree_size;
        b["expected_root"] = ev::to_hex(r.expected->root);
        b["expected_note_text"] = ev::note::checkpoint_text(*r.expected);
    }
    b["message"] = r.message;
    return e;
}

void Alerting::on_rewrite(const RewriteSeen& r, sla::EpochMillis now) {
    try {
        enqueue({rewrite_event(r, now, config_.contract.terms.zone, config_.contract.name,
                               config_.vantage.name)},
                now);
        for (const auto& line : tentative_log_) spdlog::info("{}", line);
    } catch (const std::exception& e) {
        spdlog::error("alerts: cannot store the evidence_rewritten event: {}", e.what());
    }
    tentative_log_.clear();
    dispatcher_->poke();
}

}  // namespace slawatch::alerts
