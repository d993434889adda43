// SPDX-License-Identifier: Apache-2.0
#include "cli/quorum/quorum_witness.hpp"

#include "cli/common/output.hpp"
#include "storage/evidence/note.hpp"

#include <fmt/format.h>

#include <limits>
#include <map>
#include <optional>

namespace slawatch::cli {
namespace ev = storage::evidence;
namespace note = ev::note;

namespace {

// A witness input's cosigner name and key: its own log's origin and the key
// of its newest signed checkpoint (open_vantages checked it against the pin).
struct CosignerKey {
    std::string vantage;
    std::string origin;
    std::optional<ev::PublicKey> key;
};

CosignerKey cosigner_of(const VantageInput& in) {
    CosignerKey c{in.name, in.store->evidence().origin(), std::nullopt};
    const auto& latest = in.evidence().verify.latest;
    if (latest && !latest->key_fpr.empty())
        c.key = in.store->evidence().public_key(latest->key_fpr);
    return c;
}

// The time of `cosig` when it cosigns `in`'s own checkpoint note of its size.
std::optional<std::uint64_t> check(const VantageInput& in, const CosignerKey& by,
                                   const storage::Cosignature& cosig) {
    const auto c = in.store->evidence().checkpoint_at(cosig.tree_size);
    if (!c || !c->is_note()) return std::nullopt;
    note::Note n;
    try {
        n = note::parse(in.store->evidence().note(*c));
    } catch (const note::NoteError&) {
        return std::nullopt;
    }
    n.signatures.push_back(
        {by.origin, note::key_id(by.origin, note::cosignature_type, *by.key), cosig.signature});
    return note::verify_cosignature(n, by.origin, *by.key);
}

Witnessed witnessed_one(const std::vector<VantageInput>& inputs, std::size_t i,
                        const std::vector<CosignerKey>& keys) {
    const auto& in = inputs[i];
    const auto origin = in.store->evidence().origin();
    std::map<std::uint64_t, std::vector<Cosigner>> by_size;
    Witnessed w;
    for (std::size_t j = 0; j < inputs.size(); ++j) {
        if (j == i || !keys[j].key) continue;
        for (const auto& cosig : inputs[j].store->evidence().cosignatures(origin)) {
            if (const auto t = check(in, keys[j], cosig)) {
                by_size[cosig.tree_size].push_back({keys[j].vantage, *t});
            } else {
                w.rejected.push_back(fmt::format(
                    "{}'s cosignature of {} leaves matches no checkpoint of {} of that size (its "
                    "history was rewritten after it was cosigned, or the row is forged)",
                    keys[j].vantage, cosig.tree_size, in.name));
            }
        }
    }
    for (auto& [size, by] : by_size) w.cosigned.push_back({size, std::move(by)});
    const auto all =
        in.store->evidence().checkpoints(0, std::numeric_limits<sla::EpochMillis>::max());
    for (const auto& c : all) {
        if (!c.is_note() || c.signature.empty() || by_size.contains(c.tree_size)) continue;
        if (w.not_cosigned.empty() || w.not_cosigned.back() != c.tree_size)
            w.not_cosigned.push_back(c.tree_size);
    }
    return w;
}

}  // namespace

std::vector<Witnessed> witnessed(const std::vector<VantageInput>& inputs) {
    std::vector<CosignerKey> keys;
    for (const auto& in : inputs) keys.push_back(cosigner_of(in));
    std::vector<Witnessed> out;
    for (std::size_t i = 0; i < inputs.size(); ++i) out.push_back(witnessed_one(inputs, i, keys));
    return out;
}

std::string witnessed_text(const Witnessed& w) {
    const auto total = w.cosigned.size() + w.not_cosigned.size();
    std::string out = fmt::format("cosigned {} of {} checkpoints", w.cosigned.size(), total);
    if (!w.cosigned.empty()) {
        const auto& newest = w.cosigned.back();
        std::vector<std::string> names;
        for (const auto& b : newest.by) names.push_back(b.vantage);
        out += fmt::format("; newest cosigned: {} leaves by {}", newest.tree_size,
                           fmt::join(names, ", "));
    }
    if (!w.not_cosigned.empty()) {
        // The newest few: the ones a witness has not reached yet, or a rewrite.
        const auto n = w.not_cosigned.size();
        std::vector<std::uint64_t> tail(
            w.not_cosigned.end() - static_cast<long>(std::min<std::size_t>(n, 5)),
            w.not_cosigned.end());
        out += fmt::format("; not cosigned: {}{}", n > 5 ? "... " : "", fmt::join(tail, ", "));
    }
    for (const auto& r : w.rejected) out += "; REJECTED: " + r;
    return out;
}

std::string witnessed_json(const Witnessed& w, const sla::TimeZone& zone) {
    std::string cosigned;
    for (const auto& c : w.cosigned) {
        std::string by;
        for (const auto& b : c.by)
            by += fmt::format("{}{{\"vantage\": {}, \"time\": \"{}\"}}", by.empty() ? "" : ", ",
                              json_quote(b.vantage),
                              zone.format_millis(static_cast<sla::EpochMillis>(b.time_s) * 1000));
        cosigned += fmt::format("{}{{\"tree_size\": {}, \"by\": [{}]}}",
                                cosigned.empty() ? "" : ", ", c.tree_size, by);
    }
    std::string rejected;
    for (const auto& r : w.rejected) rejected += (rejected.empty() ? "" : ", ") + json_quote(r);
    return fmt::format(
        "\"cosigned\": [{}], \"not_cosigned\": [{}], \"rejected_cosignatures\": [{}]", cosigned,
        fmt::join(w.not_cosigned, ", "), rejected);
}

}  // namespace slawatch::cli
