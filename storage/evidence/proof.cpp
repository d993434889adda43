// SPDX-License-Identifier: Apache-2.0
// Inclusion proofs: the RFC 9162 path of a leaf, built from stored subtree
// hashes (evidence_node), the retained frontier and the leaves below them.

#include "storage/evidence/log.hpp"

#include "storage/evidence/read.hpp"
#include "storage/evidence/rows.hpp"

#include <fmt/format.h>

#include <bit>
#include <map>
#include <span>
#include <unordered_set>

namespace slawatch::storage {
namespace ev = evidence;

namespace {

ev::Hash mth(ev::Hasher& h, std::span<const ev::Hash> leaves) {
    if (leaves.size() == 1) return leaves[0];
    const auto k = ev::split_point(leaves.size());
    return h.node(mth(h, leaves.first(k)), mth(h, leaves.subspan(k)));
}

}  // namespace

std::vector<InclusionProof> EvidenceLog::prove(const std::vector<std::int64_t>& result_ids,
                                               const Checkpoint& at) const {
    std::lock_guard lock(mutex_);
    evidence_read::Snapshot snapshot(db_);
    std::vector<InclusionProof> out;
    if (result_ids.empty() || at.tree_size == 0) return out;
    const auto n = at.tree_size;
    const auto pruned = read_frontier("pruned");
    const auto names = evidence_rows::Names::load(db_);

    // The leaves of the cited results (one pass over the chunks).
    {
        const std::unordered_set<std::int64_t> wanted(result_ids.begin(), result_ids.end());
        evidence_rows::for_each_chunk(db_, pruned.size(), [&](std::uint64_t, const auto& leaves) {
            for (const auto& l : leaves) {
                if (l.idx >= n) return false;
                if (!wanted.count(l.result_id)) continue;
                InclusionProof p;
                p.leaf_index = l.idx;
                p.result_id = l.result_id;
                out.push_back(std::move(p));
            }
            return true;
        });
    }
    std::map<std::uint64_t, ev::Hash> stored;
    {
        auto st = db_.prepare("SELECT idx, hash FROM evidence_node WHERE idx < ?");
        st.bind(1, static_cast<std::int64_t>(n >> ev::stored_level));
        while (st.step())
            if (auto h = ev::hash_from_bytes(st.column_blob(1)))
                stored[static_cast<std::uint64_t>(st.column_int(0))] = *h;
    }

    // Perfect subtrees of compacted leaves: known hashes, and ranges no leaf can be read in.
    const auto holes = evidence_rows::load_holes(db_, pruned.size());
    auto overlaps_hole = [&](std::uint64_t a, std::uint64_t b) {
        auto it = holes.upper_bound(a);
        if (it != holes.end() && it->first < b) return true;
        if (it == holes.begin()) return false;
        --it;
        return it->first + it->second.span() > a;
    };

    auto& row = evidence_rows::row_by_id(db_);
    auto leaves = [&](std::uint64_t a, std::uint64_t b, std::vector<std::string>* bytes) {
        std::vector<ev::Hash> hashes;
        evidence_rows::for_each_chunk(db_, a, [&](std::uint64_t, const auto& chunk) {
            for (const auto& l : chunk) {
                if (l.idx >= b) return false;
                if (l.idx != a + hashes.size()) return false;
                if (evidence_rows::is_fold_leaf(l.result_id)) {
                    auto leaf = evidence_rows::read_fold_leaf(db_, -l.result_id, names);
                    if (!leaf) return false;
                    hashes.push_back(hasher_.leaf(*leaf));
                    if (bytes) bytes->push_back(std::move(*leaf));
                    continue;
                }
                row.bind(1, l.result_id);
                const bool found = row.step();
                if (found) {
                    auto leaf = evidence_rows::read_leaf(row, 0, names);
                    hashes.push_back(hasher_.leaf(leaf));
                    if (bytes) bytes->push_back(std::move(leaf));
                }
                row.reset();
                if (!found) return false;
            }
            return true;
        });
        if (hashes.size() != b - a)
            throw StoreError(
                fmt::format("the evidence of leaves {} to {} is incomplete; run "
                            "slawatch verify",
                            a, b - 1));
        return hashes;
    };

    std::map<std::pair<std::uint64_t, std::uint64_t>, ev::Hash> memo;
    std::function<ev::Hash(std::uint64_t, std::uint64_t)> subtree =
        [&](std::uint64_t a, std::uint64_t b) -> ev::Hash {
        if (auto it = memo.find({a, b}); it != memo.end()) return it->second;
        ev::Hash h{};
        const auto size = b - a;
        const bool perfect = std::has_single_bit(size) && a % size == 0;
        const int level = std::countr_zero(size);
        std::optional<ev::Hash> known;
        if (perfect) {
            known = pruned.node_at(a, level);
            if (auto it = holes.find(a); !known && it != holes.end() && it->second.level == level)
                known = it->second.hash;
            if (!known && level == ev::stored_level)
                if (auto it = stored.find(a >> ev::stored_level); it != stored.end())
                    known = it->second;
        }
        if (known) {
            h = *known;
        } else if (a >= pruned.size() && size <= ev::stored_span && !overlaps_hole(a, b)) {
            h = mth(hasher_, leaves(a, b, nullptr));
        } else if (size == 1) {
            throw StoreError(fmt::format("leaf {} was removed by retention", a));
        } else {
            const auto k = ev::split_point(size);
            h = hasher_.node(subtree(a, a + k), subtree(a + k, b));
        }
        memo[{a, b}] = h;
        return h;
    };

    std::vector<InclusionProof> proven;
    for (auto& p : out) {
        try {
            std::vector<std::string> bytes;
            const auto leaf_hash = leaves(p.leaf_index, p.leaf_index + 1, &bytes)[0];
            p.leaf_bytes = std::move(bytes[0]);
            p.path = ev::inclusion_path(p.leaf_index, n, subtree);
            // A proof that does not verify cites nothing: the evidence was altered.
            if (ev::verify_inclusion(hasher_, p.leaf_index, n, leaf_hash, p.path, at.root))
                proven.push_back(std::move(p));
        } catch (const StoreError&) {
            // Incomplete evidence around this leaf: no proof for it (verify names why).
        }
    }
    return proven;
}

}  // namespace slawatch::storage
