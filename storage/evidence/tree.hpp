// SPDX-License-Identifier: Apache-2.0
#pragma once
// The pure parts of the evidence log (docs/evidence.md): the byte-exact leaf
// encoding, RFC 9162 hashing, the compact range ("frontier") that lets the tree
// grow without its old leaves, inclusion and consistency proofs. No I/O.

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace slawatch::storage::evidence {

using Hash = std::array<std::uint8_t, 32>;

// Leaf encoding version 1 (the first byte of every leaf).
inline constexpr std::uint8_t leaf_version = 1;
// Bytes of the leaf hash kept per leaf (in evidence_chunk) to name an
// edited result exactly; the tree itself uses the full hash.
inline constexpr std::size_t digest_bytes = 4;
// Subtree hashes of this many leaves are stored (evidence_node), so that a
// proof hashes at most this many leaves per level below it.
inline constexpr int stored_level = 10;
inline constexpr std::uint64_t stored_span = std::uint64_t{1} << stored_level;

// A raw result exactly as the store keeps it (what `verify` can recompute):
// the request id of an ok result is not kept, absent phases are -1.
struct LeafFields {
    std::int64_t time_ms = 0;
    std::string_view probe;
    std::string_view outcome;  // its name, e.g. "http_5xx"
    int http_status = 0;       // 0: none
    std::string_view error_code;
    std::string_view request_id;
    std::array<std::int32_t, 5> phases{-1, -1, -1, -1, -1};  // dns, connect, tls, first byte, total
};

// Version 1: see docs/evidence.md for the layout, byte by byte.
std::string encode_leaf(const LeafFields& f);
void encode_leaf(const LeafFields& f, std::string& out);  // reuses out's buffer
// The inverse, for tests and tools; nullopt when `bytes` is not a v1 leaf.
struct DecodedLeaf {
    std::int64_t time_ms = 0;
    std::string probe, outcome, error_code, request_id;
    int http_status = 0;
    std::array<std::int32_t, 5> phases{};
};
std::optional<DecodedLeaf> decode_leaf(std::string_view bytes);

// Leaf encoding version 2: a fold leaf, appended when compaction folds the
// successful results of a probe over [first_minute, first_minute + minutes)
// into per-minute counts (docs/evidence.md, "Fold leaf"). `counts` is the
// run-length blob stored in `folded.counts`.
inline constexpr std::uint8_t fold_leaf_version = 2;
std::string encode_fold_leaf(std::string_view probe, std::int64_t first_minute,
                             std::uint32_t minutes, std::string_view counts);

// SHA-256 with a context reused across calls (hashing millions of leaves).
class Hasher {
public:
    Hasher();
    ~Hasher();
    Hasher(const Hasher&) = delete;
    Hasher& operator=(const Hasher&) = delete;

    Hash leaf(std::string_view leaf_bytes);          // SHA-256(0x00 || leaf)
    Hash node(const Hash& left, const Hash& right);  // SHA-256(0x01 || left || right)
    Hash plain(std::string_view bytes);              // SHA-256(bytes)

private:
    struct Impl;
    Impl* impl_;
};

std::string to_hex(const std::uint8_t* data, std::size_t size);
inline std::string to_hex(const Hash& h) {
    return to_hex(h.data(), h.size());
}
std::optional<Hash> hash_from_bytes(std::string_view bytes);
std::optional<Hash> hash_from_hex(std::string_view hex);

// The roots of the perfect subtrees that make up the first `size` leaves,
// largest (leftmost) first: one per set bit of size.
class Frontier {
public:
    // push() calls on_node(level, index, hash) for each perfect subtree it
    // completes: its level (log2 of its leaf count), its index at that level.

    std::uint64_t size() const { return size_; }
    const std::vector<Hash>& nodes() const { return nodes_; }

    void push(Hasher& h, const Hash& leaf_hash) {
        push(h, leaf_hash, [](int, std::uint64_t, const Hash&) {});
    }
    // A template, not a std::function: it runs for every leaf appended. A
    // leaf is the perfect subtree of level 0.
    template <class F>
    void push(Hasher& h, const Hash& leaf_hash, F&& on_node) {
        push_subtree(h, leaf_hash, 0, std::forward<F>(on_node));
    }
    // Appends a whole perfect subtree of 2^level leaves with root `hash` (a
    // hole of folded leaves); size() must be a multiple of 2^level. on_node is
    // called for the levels above `level` it completes, and for `level` itself.
    template <class F>
    void push_subtree(Hasher& h, const Hash& hash, int level, F&& on_node) {
        const auto span = std::uint64_t{1} << level;
        Hash carry = hash;
        std::uint64_t index = size_ >> level;
        on_node(level, index, carry);
        // Each 1 bit of size_ from `level` up is a subtree of the same size to merge with.
        for (auto s = size_ >> level; s & 1; s >>= 1) {
            carry = h.node(nodes_.back(), carry);
            nodes_.pop_back();
            ++level;
            index >>= 1;
            on_node(level, index, carry);
        }
        nodes_.push_back(carry);
        size_ += span;
    }

    // RFC 9162 MTH of the first size() leaves (SHA-256("") when empty).
    Hash root(Hasher& h) const;

    // 8-byte big-endian size, then the node hashes.
    std::string serialize() const;
    static std::optional<Frontier> parse(std::string_view bytes);

    // The subtree [start, start + 2^level) if it is one of the nodes.
    std::optional<Hash> node_at(std::uint64_t start, int level) const;

private:
    std::uint64_t size_ = 0;
    std::vector<Hash> nodes_;
};

// RFC 9162 2.1.3.1 PATH(m, D[n]), computed with `subtree(a, b)` giving
// MTH(D[a:b]) for the sub-ranges it needs. Empty when n == 1.
std::vector<Hash> inclusion_path(std::uint64_t m, std::uint64_t n,
                                 const std::function<Hash(std::uint64_t, std::uint64_t)>& subtree);

// RFC 9162 2.1.3.2: does `path` prove leaf m (hash leaf_hash) in a tree of n
// leaves with root `root`?
bool verify_inclusion(Hasher& h, std::uint64_t m, std::uint64_t n, const Hash& leaf_hash,
                      const std::vector<Hash>& path, const Hash& root);

// RFC 9162 2.1.4.1: the consistency proof that the tree of m leaves is a
// prefix of the tree of n, with `subtree(a, b)` giving MTH(D[a:b]). Empty
// when m is 0 or m >= n.
std::vector<Hash> consistency_path(
    std::uint64_t m, std::uint64_t n,
    const std::function<Hash(std::uint64_t, std::uint64_t)>& subtree);

// RFC 9162 2.1.4.2: does `path` prove that the tree of m leaves with root
// `old_root` is a prefix of the tree of n leaves with root `new_root`?
bool verify_consistency(Hasher& h, std::uint64_t m, std::uint64_t n, const Hash& old_root,
                        const Hash& new_root, const std::vector<Hash>& path);

// The largest power of two strictly less than n (n >= 2).
std::uint64_t split_point(std::uint64_t n);

}  // namespace slawatch::storage::evidence
