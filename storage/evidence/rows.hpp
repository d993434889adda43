// SPDX-License-Identifier: Apache-2.0
#pragma once
// Internal to the evidence log: a stored probe_result row as a leaf.

#include "sla/sample.hpp"
#include "storage/evidence/log.hpp"
#include "storage/evidence/tree.hpp"
#include "storage/sqlite.hpp"

#include <array>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace slawatch::storage::evidence_rows {

// The evidence_checkpoint columns (and table) read_checkpoint() expects.
inline constexpr std::string_view checkpoint_columns =
    "id, tree_size, root, time_ms, signature, key_fpr, log_id, origin FROM evidence_checkpoint";
Checkpoint read_checkpoint(const sqlite::Statement& st);

// The probe_result columns read_leaf() expects, in this order.
// The probe is id & (id_slots - 1); phases is the blob of phase_encoding.hpp.
inline constexpr std::string_view columns =
    "r.id, r.outcome, r.http_status, r.error_code, r.request_id, r.phases";
inline constexpr int column_count = 6;

// Probe and error code names by id, read once per operation.
struct Names {
    std::unordered_map<std::int64_t, std::string> probes;
    std::unordered_map<std::int64_t, std::string> errors;
    static Names load(sqlite::Database& db);
    std::string_view probe(std::int64_t id) const;
};

// The leaf of the row whose columns start at `col`; its probe name in `probe`.
std::string read_leaf(const sqlite::Statement& st, int col, const Names& names,
                      std::string_view* probe = nullptr);

// The leaf of a result as append stores it: the rules of store.cpp (no
// request id on ok results, at most 128 bytes of it, absent phases NULL).
void leaf_of(std::int64_t id, std::string_view probe, const sla::Sample& s, std::string& out);

// Leaves are stored in chunks of consecutive leaves, one evidence_chunk row
// each: per leaf the result id (zigzag varint of the difference to the
// previous leaf's, the first one's to 0) and the first digest_bytes of its hash.
// A chunk ends at chunk_leaves leaves, or before a leaf could take it past
// chunk_bytes: four such rows fill a 4096-byte page. (256 leaves of 5-8
// bytes, ~1500 bytes, fit two to a page and left a quarter of it empty.)
inline constexpr std::size_t chunk_leaves = 256;
inline constexpr std::size_t chunk_bytes = 990;
inline constexpr std::size_t max_leaf_bytes = 10 + evidence::digest_bytes;  // varint + digest
inline constexpr bool chunk_full(std::size_t leaves, std::size_t bytes) {
    return leaves >= chunk_leaves || bytes + max_leaf_bytes > chunk_bytes;
}

struct LeafRef {
    std::uint64_t idx = 0;
    std::int64_t result_id = 0;
    std::array<char, evidence::digest_bytes> digest{};
};

void append_leaf(std::string& chunk, std::int64_t previous_id, const LeafRef& leaf);
// The leaves of a chunk; false when the blob is malformed.
bool decode_chunk(std::uint64_t first_idx, std::string_view blob, std::vector<LeafRef>& out);

// Calls `fn` for every stored leaf with idx >= from, in order, a chunk at a
// time (`first_idx` of each chunk, to spot gaps). Stops when fn returns false.
// Throws StoreError on a malformed chunk.
void for_each_chunk(
    sqlite::Database& db, std::uint64_t from,
    const std::function<bool(std::uint64_t first_idx, const std::vector<LeafRef>& leaves)>& fn);

// --- Compaction (fold.cpp) ---

// A fold leaf's chunk id is the negative of its `folded.id`.
inline bool is_fold_leaf(std::int64_t chunk_id) {
    return chunk_id < 0;
}

// The fold leaf (encoding version 2) of `folded` row `fold_id`, its probe in
// `probe`; nullopt when the row is gone or its counts are malformed.
std::optional<std::string> read_fold_leaf(sqlite::Database& db, std::int64_t fold_id,
                                          const Names& names, std::string* probe = nullptr,
                                          std::int64_t* first_minute = nullptr);

// A perfect subtree of folded leaves [idx, idx + 2^level) (evidence_hole).
struct Hole {
    int level = 0;
    evidence::Hash hash{};
    std::int64_t max_ms = 0;  // the newest send time among its results
    std::uint64_t span() const { return std::uint64_t{1} << level; }
};
// The holes with idx in [from, to), by idx. Throws StoreError on a malformed row.
std::map<std::uint64_t, Hole> load_holes(sqlite::Database& db, std::uint64_t from,
                                         std::uint64_t to = UINT64_MAX >> 1);

// The cached statement deleting one probe_result row by id (parameter 1).
sqlite::Statement& delete_by_id(sqlite::Database& db);
// How many probe_result rows have an id in [from_id, to_id).
std::int64_t count_ids(sqlite::Database& db, std::int64_t from_id, std::int64_t to_id);
// The lowest probe_result id at or above `from_id`, if any.
std::optional<std::int64_t> first_id_from(sqlite::Database& db, std::int64_t from_id);

// The cached statement reading one probe_result row (columns as above) by id (parameter 1).
sqlite::Statement& row_by_id(sqlite::Database& db);

}  // namespace slawatch::storage::evidence_rows
