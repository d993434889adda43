// SPDX-License-Identifier: Apache-2.0
// Leaf encoding, RFC 9162 hashing, the frontier and inclusion proofs.

#include "storage/evidence/tree.hpp"

// SHA256_Init/Update/Final skip the EVP path's per-call provider dispatch,
// which costs more than hashing a ~60-byte leaf; OpenSSL 3 marks them deprecated.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <bit>
#include <cstring>
#include <stdexcept>

namespace slawatch::storage::evidence {
namespace {

// Writes big-endian `bytes` bytes of v at p; returns the end.
char* put_be(char* p, std::uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) *p++ = static_cast<char>((v >> (8 * i)) & 0xff);
    return p;
}

std::size_t varint_size(std::uint64_t v) {
    std::size_t n = 1;
    for (; v >= 0x80; v >>= 7) ++n;
    return n;
}

// A length as an unsigned LEB128 varint (one byte below 128), then the bytes.
char* put_text(char* p, std::string_view s) {
    std::uint64_t v = s.size();
    for (; v >= 0x80; v >>= 7) *p++ = static_cast<char>((v & 0x7f) | 0x80);
    *p++ = static_cast<char>(v);
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    return p + s.size();
}

// Reads big-endian fields off the front of a leaf.
struct Reader {
    std::string_view in;
    bool ok = true;

    std::uint64_t be(int bytes) {
        if (in.size() < static_cast<std::size_t>(bytes)) {
            ok = false;
            return 0;
        }
        std::uint64_t v = 0;
        for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<std::uint8_t>(in[i]);
        in.remove_prefix(static_cast<std::size_t>(bytes));
        return v;
    }
    std::string text() {
        std::uint64_t n = 0;
        for (int shift = 0;; shift += 7) {
            if (in.empty() || shift > 63) {
                ok = false;
                return {};
            }
            const auto byte = static_cast<std::uint8_t>(in[0]);
            in.remove_prefix(1);
            n |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
            if (!(byte & 0x80)) break;
        }
        if (in.size() < n) {
            ok = false;
            return {};
        }
        std::string s(in.substr(0, n));
        in.remove_prefix(n);
        return s;
    }
};

}  // namespace

void encode_leaf(const LeafFields& f, std::string& out) {
    const std::size_t size = 1 + 8 + varint_size(f.probe.size()) + f.probe.size() +
                             varint_size(f.outcome.size()) + f.outcome.size() + 2 +
                             varint_size(f.error_code.size()) + f.error_code.size() +
                             varint_size(f.request_id.size()) + f.request_id.size() + 4 * 5;
    out.resize(size);
    char* p = out.data();
    *p++ = static_cast<char>(leaf_version);
    p = put_be(p, static_cast<std::uint64_t>(f.time_ms), 8);
    p = put_text(p, f.probe);
    p = put_text(p, f.outcome);
    p = put_be(p, static_cast<std::uint16_t>(f.http_status), 2);
    p = put_text(p, f.error_code);
    p = put_text(p, f.request_id);
    for (auto v : f.phases) p = put_be(p, static_cast<std::uint32_t>(v), 4);
}

std::string encode_leaf(const LeafFields& f) {
    std::string out;
    encode_leaf(f, out);
    return out;
}

std::string encode_fold_leaf(std::string_view probe, std::int64_t first_minute,
                             std::uint32_t minutes, std::string_view counts) {
    std::string out(1 + varint_size(probe.size()) + probe.size() + 8 + 4 +
                        varint_size(counts.size()) + counts.size(),
                    '\0');
    char* p = out.data();
    *p++ = static_cast<char>(fold_leaf_version);
    p = put_text(p, probe);
    p = put_be(p, static_cast<std::uint64_t>(first_minute), 8);
    p = put_be(p, minutes, 4);
    put_text(p, counts);
    return out;
}

std::optional<DecodedLeaf> decode_leaf(std::string_view bytes) {
    Reader r{bytes};
    if (r.be(1) != leaf_version) return std::nullopt;
    DecodedLeaf d;
    d.time_ms = static_cast<std::int64_t>(r.be(8));
    d.probe = r.text();
    d.outcome = r.text();
    d.http_status = static_cast<int>(r.be(2));
    d.error_code = r.text();
    d.request_id = r.text();
    for (auto& p : d.phases) p = static_cast<std::int32_t>(static_cast<std::uint32_t>(r.be(4)));
    if (!r.ok || !r.in.empty()) return std::nullopt;
    return d;
}

struct Hasher::Impl {
    SHA256_CTX ctx;
};

Hasher::Hasher() : impl_(new Impl) {}

Hasher::~Hasher() {
    delete impl_;
}

namespace {

Hash digest(SHA256_CTX& ctx, std::initializer_list<std::string_view> parts) {
    Hash out{};
    bool ok = SHA256_Init(&ctx) == 1;
    for (auto p : parts) ok = ok && SHA256_Update(&ctx, p.data(), p.size()) == 1;
    ok = ok && SHA256_Final(out.data(), &ctx) == 1;
    if (!ok) throw std::runtime_error("OpenSSL: SHA-256 failed");
    return out;
}

std::string_view view(const Hash& h) {
    return {reinterpret_cast<const char*>(h.data()), h.size()};
}

}  // namespace

Hash Hasher::leaf(std::string_view leaf_bytes) {
    static constexpr char prefix = 0x00;
    return digest(impl_->ctx, {std::string_view(&prefix, 1), leaf_bytes});
}

Hash Hasher::node(const Hash& left, const Hash& right) {
    std::array<char, 65> in;
    in[0] = 0x01;
    std::memcpy(in.data() + 1, left.data(), left.size());
    std::memcpy(in.data() + 33, right.data(), right.size());
    return digest(impl_->ctx, {std::string_view(in.data(), in.size())});
}

Hash Hasher::plain(std::string_view bytes) {
    return digest(impl_->ctx, {bytes});
}

std::string to_hex(const std::uint8_t* data, std::size_t size) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        out.push_back(digits[data[i] >> 4]);
        out.push_back(digits[data[i] & 15]);
    }
    return out;
}

std::optional<Hash> hash_from_bytes(std::string_view bytes) {
    if (bytes.size() != sizeof(Hash)) return std::nullopt;
    Hash h;
    std::memcpy(h.data(), bytes.data(), h.size());
    return h;
}

std::optional<Hash> hash_from_hex(std::string_view hex) {
    if (hex.size() != 64) return std::nullopt;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    Hash h;
    for (std::size_t i = 0; i < h.size(); ++i) {
        const int hi = nibble(hex[2 * i]);
        const int lo = nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        h[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    return h;
}

Hash Frontier::root(Hasher& h) const {
    if (nodes_.empty()) return h.plain({});
    // RFC 9162: the left subtree is the largest power of two, so fold from the right.
    Hash acc = nodes_.back();
    for (auto i = nodes_.size() - 1; i-- > 0;) acc = h.node(nodes_[i], acc);
    return acc;
}

std::string Frontier::serialize() const {
    std::string out(8, '\0');
    put_be(out.data(), size_, 8);
    for (const auto& n : nodes_) out.append(view(n));
    return out;
}

std::optional<Frontier> Frontier::parse(std::string_view bytes) {
    Reader r{bytes};
    Frontier f;
    f.size_ = r.be(8);
    if (!r.ok || r.in.size() != static_cast<std::size_t>(std::popcount(f.size_)) * sizeof(Hash))
        return std::nullopt;
    for (; !r.in.empty(); r.in.remove_prefix(sizeof(Hash)))
        f.nodes_.push_back(*hash_from_bytes(r.in.substr(0, sizeof(Hash))));
    return f;
}

std::optional<Hash> Frontier::node_at(std::uint64_t start, int level) const {
    std::uint64_t at = 0;
    std::size_t i = 0;
    for (int bit = 63; bit >= 0; --bit) {
        if (!((size_ >> bit) & 1)) continue;
        if (at == start && bit == level) return nodes_[i];
        at += std::uint64_t{1} << bit;
        ++i;
    }
    return std::nullopt;
}

std::uint64_t split_point(std::uint64_t n) {
    return std::bit_floor(n - 1);
}

namespace {

void path_into(std::uint64_t m, std::uint64_t a, std::uint64_t b,
               const std::function<Hash(std::uint64_t, std::uint64_t)>& subtree,
               std::vector<Hash>& out) {
    if (b - a <= 1) return;
    const auto k = split_point(b - a);
    if (m < k) {
        path_into(m, a, a + k, subtree, out);
        out.push_back(subtree(a + k, b));
    } else {
        path_into(m - k, a + k, b, subtree, out);
        out.push_back(subtree(a, a + k));
    }
}

// RFC 9162 2.1.4.1 SUBPROOF(m, D[a:b], whole): `whole` while m is the
// first m leaves of the whole old tree, whose root the verifier already has.
void consistency_into(std::uint64_t m, std::uint64_t a, std::uint64_t b, bool whole,
                      const std::function<Hash(std::uint64_t, std::uint64_t)>& subtree,
                      std::vector<Hash>& out) {
    if (m == b - a) {
        if (!whole) out.push_back(subtree(a, b));
        return;
    }
    const auto k = split_point(b - a);
    if (m <= k) {
        consistency_into(m, a, a + k, whole, subtree, out);
        out.push_back(subtree(a + k, b));
    } else {
        consistency_into(m - k, a + k, b, false, subtree, out);
        out.push_back(subtree(a, a + k));
    }
}

}  // namespace

std::vector<Hash> consistency_path(
    std::uint64_t m, std::uint64_t n,
    const std::function<Hash(std::uint64_t, std::uint64_t)>& subtree) {
    std::vector<Hash> out;
    if (0 < m && m < n) consistency_into(m, 0, n, true, subtree, out);
    return out;
}

bool verify_consistency(Hasher& h, std::uint64_t m, std::uint64_t n, const Hash& old_root,
                        const Hash& new_root, const std::vector<Hash>& path) {
    if (m > n) return false;
    if (m == n) return path.empty() && old_root == new_root;
    if (m == 0) return path.empty();
    // RFC 9162 2.1.4.2, with the old root first when m is a power of two.
    std::vector<Hash> p;
    if (std::has_single_bit(m)) p.push_back(old_root);
    p.insert(p.end(), path.begin(), path.end());
    if (p.empty()) return false;
    std::uint64_t fn = m - 1;
    std::uint64_t sn = n - 1;
    while (fn & 1) {
        fn >>= 1;
        sn >>= 1;
    }
    Hash fr = p[0];
    Hash sr = p[0];
    for (std::size_t i = 1; i < p.size(); ++i) {
        if (sn == 0) return false;
        if ((fn & 1) || fn == sn) {
            fr = h.node(p[i], fr);
            sr = h.node(p[i], sr);
            while (!(fn & 1) && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            sr = h.node(sr, p[i]);
        }
        fn >>= 1;
        sn >>= 1;
    }
    return sn == 0 && fr == old_root && sr == new_root;
}

std::vector<Hash> inclusion_path(std::uint64_t m, std::uint64_t n,
                                 const std::function<Hash(std::uint64_t, std::uint64_t)>& subtree) {
    std::vector<Hash> out;
    if (m < n) path_into(m, 0, n, subtree, out);
    return out;
}

bool verify_inclusion(Hasher& h, std::uint64_t m, std::uint64_t n, const Hash& leaf_hash,
                      const std::vector<Hash>& path, const Hash& root) {
    if (m >= n) return false;
    std::uint64_t fn = m;
    std::uint64_t sn = n - 1;
    Hash r = leaf_hash;
    for (const auto& p : path) {
        if (sn == 0) return false;
        if ((fn & 1) || fn == sn) {
            r = h.node(p, r);
            if (!(fn & 1))
                while (fn != 0 && !(fn & 1)) {
                    fn >>= 1;
                    sn >>= 1;
                }
        } else {
            r = h.node(r, p);
        }
        fn >>= 1;
        sn >>= 1;
    }
    return sn == 0 && r == root;
}

}  // namespace slawatch::storage::evidence
