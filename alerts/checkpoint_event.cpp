// SPDX-License-Identifier: Apache-2.0
// The evidence_checkpoint event: a signed checkpoint, carried off the host.

#include "alerts/alerting.hpp"
#include "storage/evidence/note.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace slawatch::alerts {
namespace {

namespace ev = storage::evidence;

// The checkpoint as the signed note a witness or verifier reads (what
// `slawatch checkpoint` prints), and its verifier key; empty for a
// checkpoint recorded before notes.
std::pair<std::string, std::string> note_of(const storage::Checkpoint& c,
                                            std::string_view public_key_pem) {
    const auto key = ev::public_key_from_pem(public_key_pem);
    if (!c.is_note() || !key) return {};
    ev::note::Note n{
        c.message(),
        {{c.origin, ev::note::key_id(c.origin, ev::note::ed25519_type, *key), c.signature}}};
    return {n.serialize(), ev::note::verifier_key(c.origin, *key)};
}

}  // namespace

Event checkpoint_event(const storage::Checkpoint& c, std::string_view public_key_pem,
                       const sla::TimeZone& zone, std::string_view contract,
                       std::string_view vantage) {
    const auto root = ev::to_hex(c.root);
    auto e =
        make_event(EventType::evidence_checkpoint, fmt::format("evidence_checkpoint:{}", c.time_ms),
                   c.time_ms, zone, contract, vantage,
                   fmt::format("evidence checkpoint #{}: {} results, root {}, signed by key {}",
                               c.id, c.tree_size, root.substr(0, 16), c.key_fpr.substr(0, 16)));
    auto& b = e.body;
    b["checkpoint_id"] = c.id;
    b["tree_size"] = c.tree_size;
    b["root"] = root;
    b["time_ms"] = c.time_ms;
    b["signature"] =
        ev::to_hex(reinterpret_cast<const std::uint8_t*>(c.signature.data()), c.signature.size());
    b["key_fingerprint"] = c.key_fpr;
    b["public_key_pem"] = public_key_pem;
    b["message"] = c.message();
    // Plain JSON strings like the rest: every hook format carries them inert.
    const auto [note, verifier_key] = note_of(c, public_key_pem);
    b["origin"] = c.origin;
    b["note"] = note;
    b["verifier_key"] = verifier_key;
    return e;
}

void Alerting::on_checkpoint(const storage::Checkpoint& c, std::string_view public_key_pem,
                             sla::EpochMillis now) {
    if (c.signature.empty()) return;  // only signed checkpoints prove anything off the host
    try {
        enqueue({checkpoint_event(c, public_key_pem, config_.contract.terms.zone,
                                  config_.contract.name, config_.vantage.name)},
                now);
        for (const auto& line : tentative_log_) spdlog::info("{}", line);
    } catch (const std::exception& e) {
        spdlog::error("alerts: cannot store the evidence_checkpoint event: {}", e.what());
    }
    tentative_log_.clear();
    dispatcher_->poke();
}

}  // namespace slawatch::alerts
