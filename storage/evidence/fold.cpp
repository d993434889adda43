// SPDX-License-Identifier: Apache-2.0
// Compaction in the evidence log: successful results are folded into counts,
// their leaves into "holes" (the hashes of the perfect subtrees of folded
// leaves), so the tree, its roots and the proofs of the remaining leaves are
// unchanged (docs/evidence.md, "Compaction").

#include "storage/evidence/log.hpp"

#include "storage/evidence/rows.hpp"
#include "storage/fold_counts.hpp"
#include "storage/layout.hpp"
#include "storage/schema.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace slawatch::storage {
namespace ev = evidence;

namespace evidence_rows {

std::optional<std::string> read_fold_leaf(sqlite::Database& db, std::int64_t fold_id,
                                          const Names& names, std::string* probe,
                                          std::int64_t* first_minute) {
    auto& st = db.cached("SELECT probe, first_minute, minutes, counts FROM folded WHERE id = ?");
    st.bind(1, fold_id);
    std::optional<std::string> leaf;
    if (st.step()) {
        const auto name = names.probe(st.column_int(0));
        const auto minutes = st.column_int(2);
        const auto counts = st.column_blob(3);
        // A malformed blob still hashes: verify then names the row as edited.
        if (minutes >= 0 && minutes <= fold_counts::max_minutes)
            leaf = ev::encode_fold_leaf(name, st.column_int(1), static_cast<std::uint32_t>(minutes),
                                        counts);
        if (probe) *probe = std::string(name);
        if (first_minute) *first_minute = st.column_int(1);
    }
    st.reset();
    return leaf;
}

std::map<std::uint64_t, Hole> load_holes(sqlite::Database& db, std::uint64_t from,
                                         std::uint64_t to) {
    std::map<std::uint64_t, Hole> out;
    auto& st = db.cached(
        "SELECT idx, level, hash, max_ms FROM evidence_hole WHERE idx >= ? AND idx < ? "
        "ORDER BY idx");
    st.bind(1, static_cast<std::int64_t>(from)).bind(2, static_cast<std::int64_t>(to));
    while (st.step()) {
        Hole h;
        const auto idx = st.column_int(0);
        h.level = static_cast<int>(st.column_int(1));
        const auto hash = ev::hash_from_bytes(st.column_blob(2));
        if (idx < 0 || h.level < 0 || h.level > ev::stored_level || !hash ||
            static_cast<std::uint64_t>(idx) % h.span() != 0) {
            st.reset();
            throw StoreError(fmt::format("evidence_hole {} is corrupt", idx));
        }
        h.hash = *hash;
        h.max_ms = st.column_int(3);
        out[static_cast<std::uint64_t>(idx)] = h;
    }
    st.reset();
    return out;
}

sqlite::Statement& delete_by_id(sqlite::Database& db) {
    return db.cached("DELETE FROM probe_result WHERE id = ?");
}

std::int64_t count_ids(sqlite::Database& db, std::int64_t from_id, std::int64_t to_id) {
    auto& st = db.cached("SELECT count(*) FROM probe_result WHERE id >= ? AND id < ?");
    st.bind(1, from_id).bind(2, to_id);
    st.step();
    const auto n = st.column_int(0);
    st.reset();
    return n;
}

std::optional<std::int64_t> first_id_from(sqlite::Database& db, std::int64_t from_id) {
    auto& st = db.cached("SELECT min(id) FROM probe_result WHERE id >= ?");
    st.bind(1, from_id);
    std::optional<std::int64_t> id;
    if (st.step() && !st.is_null(0)) id = st.column_int(0);
    st.reset();
    return id;
}

}  // namespace evidence_rows

void EvidenceLog::Batch::add_fold(std::int64_t fold_id, std::string_view leaf_bytes) {
    add_hashed(-fold_id, log_.hasher_.leaf(leaf_bytes));
}

namespace {

using evidence_rows::Hole;
using evidence_rows::LeafRef;

struct FoundLeaf {
    std::uint64_t chunk = 0;  // first_idx of its evidence_chunk row
    LeafRef leaf;
};

// The first result id of the first chunk at or after leaf `idx`, and that
// chunk's first_idx; nullopt past the last chunk.
std::optional<std::pair<std::uint64_t, std::int64_t>> chunk_after(sqlite::Database& db,
                                                                  std::uint64_t idx) {
    auto& st = db.cached(
        "SELECT first_idx, leaves FROM evidence_chunk WHERE first_idx >= ? ORDER BY first_idx "
        "LIMIT 1");
    st.bind(1, static_cast<std::int64_t>(idx));
    std::optional<std::pair<std::uint64_t, std::int64_t>> out;
    std::vector<LeafRef> leaves;
    if (st.step()) {
        const auto first = static_cast<std::uint64_t>(st.column_int(0));
        std::int64_t id = INT64_MAX;
        if (evidence_rows::decode_chunk(first, st.column_blob(1), leaves))
            for (const auto& l : leaves)
                if (!evidence_rows::is_fold_leaf(l.result_id)) {
                    id = l.result_id;
                    break;
                }
        out = std::pair(first, id);
    }
    st.reset();
    return out;
}

// The leaves of the results with ids in [lo, hi), collected from leaf
// `from_idx` on; `bounded`: stop once `expected` are found or the chunks are
// past `hi`.
void scan_leaves(sqlite::Database& db, std::uint64_t from_idx, std::int64_t lo, std::int64_t hi,
                 std::size_t expected, bool bounded, std::vector<FoundLeaf>& found) {
    found.clear();
    evidence_rows::for_each_chunk(db, from_idx, [&](std::uint64_t first, const auto& leaves) {
        bool before_hi = false;
        bool any_result = false;
        for (const auto& l : leaves) {
            if (evidence_rows::is_fold_leaf(l.result_id)) continue;
            any_result = true;
            before_hi = before_hi || l.result_id < hi;
            if (l.result_id >= lo && l.result_id < hi) found.push_back({first, l});
        }
        return !bounded || (found.size() < expected && (before_hi || !any_result));
    });
}

// Where the range's leaves are: leaves are appended in about time order,
// so a binary search over the chunks finds them; results replayed out of
// order make the count differ, and then every leaf is scanned.
std::vector<FoundLeaf> find_leaves(sqlite::Database& db, std::int64_t lo, std::int64_t hi,
                                   std::size_t expected, std::uint64_t pruned_size,
                                   std::uint64_t head_size) {
    std::vector<FoundLeaf> found;
    auto a = pruned_size;
    auto b = head_size;
    while (a < b) {
        const auto mid = a + (b - a) / 2;
        const auto c = chunk_after(db, mid);
        if (!c || c->second >= lo)
            b = mid;
        else
            a = mid + 1;
    }
    scan_leaves(db, std::max(pruned_size, a > 0 ? a - 1 : 0), lo, hi, expected, true, found);
    if (found.size() != expected) scan_leaves(db, pruned_size, lo, hi, expected, false, found);
    if (found.size() != expected)
        throw StoreError(fmt::format(
            "{} results are stored for the range to compact but {} of them are leaves of the "
            "evidence log; run slawatch verify (nothing was compacted)",
            expected, found.size()));
    return found;
}

// What folding the found leaves changes in the tree's storage.
struct FoldedLeaves {
    std::map<std::uint64_t, Hole> new_holes;  // level-0 holes of the leaves folded now
    std::set<std::uint64_t> chunks;           // chunks that lose leaves
};

// Checks each successful result against its leaf digest, counts it in `out`
// and deletes its row; failed results stay raw: a claim cites them.
FoldedLeaves fold_results(sqlite::Database& db, ev::Hasher& hasher,
                          const std::vector<FoundLeaf>& found, EvidenceLog::Folded& out) {
    FoldedLeaves folded;
    const auto names = evidence_rows::Names::load(db);
    auto& row = evidence_rows::row_by_id(db);
    auto& del = evidence_rows::delete_by_id(db);
    for (const auto& f : found) {
        const auto& l = f.leaf;
        row.bind(1, l.result_id);
        if (!row.step()) {
            row.reset();
            throw StoreError(fmt::format("result {} vanished while compacting", l.result_id));
        }
        // Columns as evidence_rows::columns: id, outcome, ...; the probe is in the id.
        if (row.column_int(1) != static_cast<int>(sla::Outcome::ok)) {
            row.reset();
            continue;
        }
        const auto probe_id = layout::result_probe(l.result_id);
        std::string_view probe;
        const auto hash = hasher.leaf(evidence_rows::read_leaf(row, 0, names, &probe));
        const auto time = layout::result_time_ms(l.result_id);
        if (!std::equal(l.digest.begin(), l.digest.end(),
                        reinterpret_cast<const char*>(hash.data()))) {
            const auto name = std::string(probe);
            row.reset();
            throw StoreError(
                fmt::format("result sent at {} ms, probe {} (leaf {}) no longer matches its "
                            "leaf digest: edited; run slawatch verify (nothing was compacted)",
                            time, name, l.idx));
        }
        row.reset();
        folded.new_holes[l.idx] = Hole{0, hash, time};
        folded.chunks.insert(f.chunk);
        ++out.counts[probe_id][sla::minute_of_ms(time)];
        ++out.results;
        del.bind(1, l.result_id).run();
    }
    return folded;
}

// The tree sizes of the checkpoints. A hole never spans one: verify
// recomputes every checkpoint's root, which needs the tree's edge at that size.
std::set<std::uint64_t> checkpoint_sizes(sqlite::Database& db) {
    std::set<std::uint64_t> sizes;
    auto st = db.prepare("SELECT DISTINCT tree_size FROM evidence_checkpoint");
    while (st.step()) sizes.insert(static_cast<std::uint64_t>(st.column_int(0)));
    return sizes;
}

// Merges sibling holes of each level into the one above, up to a whole
// stored block, unless the pair spans a checkpoint's tree size.
void merge_siblings(ev::Hasher& hasher, const std::set<std::uint64_t>& sizes,
                    std::map<std::uint64_t, Hole>& holes) {
    auto spans_checkpoint = [&](std::uint64_t a, std::uint64_t b) {
        const auto it = sizes.upper_bound(a);
        return it != sizes.end() && *it < b;
    };
    for (int level = 0; level < ev::stored_level; ++level) {
        const auto span = std::uint64_t{1} << level;
        std::map<std::uint64_t, Hole> merged;
        for (auto h = holes.begin(); h != holes.end(); ++h) {
            const auto next = std::next(h);
            if (h->second.level == level && h->first % (2 * span) == 0 && next != holes.end() &&
                next->first == h->first + span && next->second.level == level &&
                !spans_checkpoint(h->first, h->first + 2 * span)) {
                merged[h->first] = Hole{level + 1, hasher.node(h->second.hash, next->second.hash),
                                        std::max(h->second.max_ms, next->second.max_ms)};
                h = next;
            } else {
                merged.insert(*h);
            }
        }
        holes = std::move(merged);
    }
}

// A block folded whole is one hole: its hash must be the stored subtree hash.
void check_full_block(sqlite::Database& db, std::uint64_t block,
                      const std::map<std::uint64_t, Hole>& holes) {
    const auto start = block << ev::stored_level;
    const auto full = holes.find(start);
    if (full == holes.end() || full->second.level != ev::stored_level) return;
    auto& node = db.cached("SELECT hash FROM evidence_node WHERE idx = ?");
    node.bind(1, static_cast<std::int64_t>(block));
    const bool differs =
        node.step() && ev::hash_from_bytes(node.column_blob(0)) != std::optional(full->second.hash);
    node.reset();
    if (differs)
        throw StoreError(
            fmt::format("the stored subtree hash of leaves {} to {} differs from their results; "
                        "run slawatch verify (nothing was compacted)",
                        start, start + ev::stored_span - 1));
}

// Merge the new holes with the stored ones, a 1024-leaf block at a time.
void store_holes(sqlite::Database& db, ev::Hasher& hasher,
                 const std::map<std::uint64_t, Hole>& new_holes) {
    const auto sizes = checkpoint_sizes(db);
    auto& del_holes = db.cached("DELETE FROM evidence_hole WHERE idx >= ? AND idx < ?");
    auto& ins_hole =
        db.cached("INSERT INTO evidence_hole (idx, level, hash, max_ms) VALUES (?, ?, ?, ?)");
    for (auto it = new_holes.begin(); it != new_holes.end();) {
        const auto block = it->first >> ev::stored_level;
        const auto start = block << ev::stored_level;
        const auto end = start + ev::stored_span;
        auto holes = evidence_rows::load_holes(db, start, end);
        for (; it != new_holes.end() && it->first < end; ++it) holes[it->first] = it->second;
        merge_siblings(hasher, sizes, holes);
        check_full_block(db, block, holes);
        del_holes.bind(1, static_cast<std::int64_t>(start))
            .bind(2, static_cast<std::int64_t>(end))
            .run();
        for (const auto& [idx, h] : holes)
            ins_hole.bind(1, static_cast<std::int64_t>(idx))
                .bind(2, h.level)
                .bind_blob(3, {reinterpret_cast<const char*>(h.hash.data()), h.hash.size()})
                .bind(4, h.max_ms)
                .run();
    }
}

// The chunks keep their other leaves, a row per run of consecutive ones.
void rewrite_chunks(sqlite::Database& db, const FoldedLeaves& folded) {
    auto& read_chunk = db.cached("SELECT leaves FROM evidence_chunk WHERE first_idx = ?");
    auto& del_chunk = db.cached("DELETE FROM evidence_chunk WHERE first_idx = ?");
    auto& ins_chunk = db.cached("INSERT INTO evidence_chunk (first_idx, leaves) VALUES (?, ?)");
    std::vector<LeafRef> leaves;
    for (const auto first : folded.chunks) {
        read_chunk.bind(1, static_cast<std::int64_t>(first));
        const bool ok = read_chunk.step() &&
                        evidence_rows::decode_chunk(first, read_chunk.column_blob(0), leaves);
        read_chunk.reset();
        if (!ok) throw StoreError(fmt::format("evidence_chunk {} is corrupt", first));
        del_chunk.bind(1, static_cast<std::int64_t>(first)).run();
        std::string blob;
        std::uint64_t run_first = 0;
        std::int64_t previous = 0;
        auto flush = [&] {
            if (blob.empty()) return;
            ins_chunk.bind(1, static_cast<std::int64_t>(run_first)).bind_blob(2, blob).run();
            blob.clear();
        };
        for (const auto& l : leaves) {
            if (folded.new_holes.count(l.idx)) {
                flush();
                continue;
            }
            if (blob.empty()) {
                run_first = l.idx;
                previous = 0;
            }
            evidence_rows::append_leaf(blob, previous, l);
            previous = l.result_id;
        }
        flush();
    }
}

}  // namespace

EvidenceLog::Folded EvidenceLog::fold_ok_results(sla::EpochMillis from_ms, sla::EpochMillis to_ms) {
    std::lock_guard lock(mutex_);
    Folded out;
    const auto lo = from_ms * layout::id_slots;
    const auto hi = to_ms * layout::id_slots;
    const auto expected = static_cast<std::size_t>(evidence_rows::count_ids(db_, lo, hi));
    if (expected == 0) return out;
    const auto pruned = read_frontier("pruned");
    const auto head = read_frontier("head");
    const auto found = find_leaves(db_, lo, hi, expected, pruned.size(), head.size());
    const auto folded = fold_results(db_, hasher_, found, out);
    if (folded.new_holes.empty()) return out;
    store_holes(db_, hasher_, folded.new_holes);
    rewrite_chunks(db_, folded);
    return out;
}

}  // namespace slawatch::storage
