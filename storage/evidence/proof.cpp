// SPDX-License-Identifier: Apache-2.0
// Inclusion and consistency proofs: RFC 9162 paths built from stored subtree
// hashes (evidence_node), the retained frontier and the leaves below them.

#include "storage/evidence/log.hpp"

#include "storage/evidence/rows.hpp"

#include <fmt/format.h>

#include <bit>
#include <functional>
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

// Proofs in the tree of one checkpoint: a subtree's hash is a known node
// (retained frontier, hole, stored subtree hash) where there is one, else
// hashed from the leaves below it; each hash is computed once.
class Prover {
public:
    Prover(sqlite::Database& db, ev::Hasher& hasher, const ev::Frontier& pruned, std::uint64_t n)
        : db_(db),
          hasher_(hasher),
          pruned_(pruned),
          n_(n),
          names_(evidence_rows::Names::load(db)) {}

    // The leaves of the cited results (one pass over the chunks).
    std::vector<InclusionProof> cited(const std::vector<std::int64_t>& result_ids) {
        std::vector<InclusionProof> out;
        const std::unordered_set<std::int64_t> wanted(result_ids.begin(), result_ids.end());
        evidence_rows::for_each_chunk(db_, pruned_.size(), [&](std::uint64_t, const auto& leaves) {
            for (const auto& l : leaves) {
                if (l.idx >= n_) return false;
                if (!wanted.count(l.result_id)) continue;
                InclusionProof p;
                p.leaf_index = l.idx;
                p.result_id = l.result_id;
                out.push_back(std::move(p));
            }
            return true;
        });
        return out;
    }

    // The known hashes of subtrees below the checkpoint's size.
    void load_known() {
        auto st = db_.prepare("SELECT idx, hash FROM evidence_node WHERE idx < ?");
        st.bind(1, static_cast<std::int64_t>(n_ >> ev::stored_level));
        while (st.step())
            if (auto h = ev::hash_from_bytes(st.column_blob(1)))
                stored_[static_cast<std::uint64_t>(st.column_int(0))] = *h;
        // Perfect subtrees of compacted leaves: known hashes, and ranges no leaf can be read in.
        holes_ = evidence_rows::load_holes(db_, pruned_.size());
        row_ = &evidence_rows::row_by_id(db_);
    }

    // The consistency path from the tree of `m` leaves to this one.
    std::vector<ev::Hash> consistency(std::uint64_t m) {
        return ev::consistency_path(
            m, n_, [this](std::uint64_t a, std::uint64_t b) { return this->subtree(a, b); });
    }

    // Each cited leaf with its path; a proof that does not verify cites
    // nothing: the evidence was altered.
    std::vector<InclusionProof> prove(std::vector<InclusionProof>& cited, const ev::Hash& root) {
        std::vector<InclusionProof> proven;
        const std::function<ev::Hash(std::uint64_t, std::uint64_t)> subtree =
            [this](std::uint64_t a, std::uint64_t b) { return this->subtree(a, b); };
        for (auto& p : cited) {
            try {
                std::vector<std::string> bytes;
                const auto leaf_hash = leaves(p.leaf_index, p.leaf_index + 1, &bytes)[0];
                p.leaf_bytes = std::move(bytes[0]);
                p.path = ev::inclusion_path(p.leaf_index, n_, subtree);
                if (ev::verify_inclusion(hasher_, p.leaf_index, n_, leaf_hash, p.path, root))
                    proven.push_back(std::move(p));
            } catch (const StoreError&) {
                // Incomplete evidence around this leaf: no proof for it (verify names why).
            }
        }
        return proven;
    }

private:
    bool overlaps_hole(std::uint64_t a, std::uint64_t b) const {
        auto it = holes_.upper_bound(a);
        if (it != holes_.end() && it->first < b) return true;
        if (it == holes_.begin()) return false;
        --it;
        return it->first + it->second.span() > a;
    }

    // The hashes of leaves [a, b), read from their rows (their bytes too
    // when `bytes` is given). Throws StoreError when one cannot be read.
    std::vector<ev::Hash> leaves(std::uint64_t a, std::uint64_t b,
                                 std::vector<std::string>* bytes) {
        std::vector<ev::Hash> hashes;
        auto& row = *row_;
        evidence_rows::for_each_chunk(db_, a, [&](std::uint64_t, const auto& chunk) {
            for (const auto& l : chunk) {
                if (l.idx >= b) return false;
                if (l.idx != a + hashes.size()) return false;
                if (evidence_rows::is_fold_leaf(l.result_id)) {
                    auto leaf = evidence_rows::read_fold_leaf(db_, -l.result_id, names_);
                    if (!leaf) return false;
                    hashes.push_back(hasher_.leaf(*leaf));
                    if (bytes) bytes->push_back(std::move(*leaf));
                    continue;
                }
                row.bind(1, l.result_id);
                const bool found = row.step();
                if (found) {
                    auto leaf = evidence_rows::read_leaf(row, 0, names_);
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
    }

    // The stored hash of perfect subtree [a, a + 2^level), if any.
    std::optional<ev::Hash> known(std::uint64_t a, int level) const {
        std::optional<ev::Hash> known = pruned_.node_at(a, level);
        if (auto it = holes_.find(a); !known && it != holes_.end() && it->second.level == level)
            known = it->second.hash;
        if (!known && level == ev::stored_level)
            if (auto it = stored_.find(a >> ev::stored_level); it != stored_.end())
                known = it->second;
        return known;
    }

    // MTH(D[a:b]) of the checkpoint's tree.
    ev::Hash subtree(std::uint64_t a, std::uint64_t b) {
        if (auto it = memo_.find({a, b}); it != memo_.end()) return it->second;
        ev::Hash h{};
        const auto size = b - a;
        const bool perfect = std::has_single_bit(size) && a % size == 0;
        std::optional<ev::Hash> node;
        if (perfect) node = known(a, std::countr_zero(size));
        if (node) {
            h = *node;
        } else if (a >= pruned_.size() && size <= ev::stored_span && !overlaps_hole(a, b)) {
            h = mth(hasher_, leaves(a, b, nullptr));
        } else if (size == 1) {
            throw StoreError(fmt::format("leaf {} was removed by retention", a));
        } else {
            const auto k = ev::split_point(size);
            h = hasher_.node(subtree(a, a + k), subtree(a + k, b));
        }
        memo_[{a, b}] = h;
        return h;
    }

    sqlite::Database& db_;
    ev::Hasher& hasher_;
    const ev::Frontier& pruned_;
    const std::uint64_t n_;
    const evidence_rows::Names names_;
    std::map<std::uint64_t, ev::Hash> stored_;  // evidence_node, by index
    std::map<std::uint64_t, evidence_rows::Hole> holes_;
    sqlite::Statement* row_ = nullptr;  // evidence_rows::row_by_id
    std::map<std::pair<std::uint64_t, std::uint64_t>, ev::Hash> memo_;
};

}  // namespace

std::vector<InclusionProof> EvidenceLog::prove(const std::vector<std::int64_t>& result_ids,
                                               const Checkpoint& at) const {
    std::lock_guard lock(mutex_);
    sqlite::Transaction snapshot(db_, sqlite::Transaction::Kind::read);
    if (result_ids.empty() || at.tree_size == 0) return {};
    const auto pruned = read_frontier("pruned");
    Prover prover(db_, hasher_, pruned, at.tree_size);
    auto cited = prover.cited(result_ids);
    prover.load_known();
    return prover.prove(cited, at.root);
}

std::vector<ev::Hash> EvidenceLog::consistency(std::uint64_t old_size,
                                               std::uint64_t new_size) const {
    std::lock_guard lock(mutex_);
    sqlite::Transaction snapshot(db_, sqlite::Transaction::Kind::read);
    const auto head = read_frontier("head");
    if (old_size > new_size || new_size > head.size())
        throw StoreError(fmt::format("no consistency proof from {} to {} leaves: the log has {}",
                                     old_size, new_size, head.size()));
    const auto pruned = read_frontier("pruned");
    Prover prover(db_, hasher_, pruned, new_size);
    prover.load_known();
    return prover.consistency(old_size);
}

}  // namespace slawatch::storage
