// SPDX-License-Identifier: Apache-2.0
// The witness's cosignatures (evidence_cosignature): what this host vouched
// for in its peers' logs, read back to check the next checkpoint against and
// by `quorum` to say who cosigned what.

#include "storage/evidence/log.hpp"

namespace slawatch::storage {
namespace ev = evidence;

namespace {

constexpr std::string_view cosignature_columns =
    "peer, origin, tree_size, root, time_s, signature FROM evidence_cosignature";

Cosignature read_cosignature(const sqlite::Statement& st) {
    Cosignature c;
    c.peer = st.column_text(0);
    c.origin = st.column_text(1);
    c.tree_size = static_cast<std::uint64_t>(st.column_int(2));
    if (auto h = ev::hash_from_bytes(st.column_blob(3))) c.root = *h;
    c.time_s = static_cast<std::uint64_t>(st.column_int(4));
    c.signature = std::string(st.column_blob(5));
    return c;
}

}  // namespace

void EvidenceLog::add_cosignature(const Cosignature& c) {
    std::lock_guard lock(mutex_);
    sqlite::Transaction tx(db_);
    db_.cached(
           "INSERT OR IGNORE INTO evidence_cosignature (peer, origin, tree_size, root, time_s, "
           "signature) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(1, c.peer)
        .bind(2, c.origin)
        .bind(3, static_cast<std::int64_t>(c.tree_size))
        .bind_blob(4, {reinterpret_cast<const char*>(c.root.data()), c.root.size()})
        .bind(5, static_cast<std::int64_t>(c.time_s))
        .bind_blob(6, c.signature)
        .run();
    tx.commit();
}

std::optional<Cosignature> EvidenceLog::last_cosignature(std::string_view origin) const {
    std::lock_guard lock(mutex_);
    auto st = db_.prepare(std::string("SELECT ") + std::string(cosignature_columns) +
                          " WHERE origin = ? ORDER BY tree_size DESC LIMIT 1");
    st.bind(1, origin);
    if (!st.step()) return std::nullopt;
    return read_cosignature(st);
}

std::optional<std::string> EvidenceLog::witnessed_origin(std::string_view peer) const {
    std::lock_guard lock(mutex_);
    auto st = db_.prepare(
        "SELECT origin FROM evidence_cosignature WHERE peer = ? ORDER BY time_s DESC, tree_size "
        "DESC LIMIT 1");
    st.bind(1, peer);
    if (!st.step()) return std::nullopt;
    return st.column_text(0);
}

std::vector<Cosignature> EvidenceLog::cosignatures(std::string_view origin) const {
    std::lock_guard lock(mutex_);
    auto st = db_.prepare(std::string("SELECT ") + std::string(cosignature_columns) +
                          " WHERE origin = ? ORDER BY tree_size");
    st.bind(1, origin);
    std::vector<Cosignature> out;
    while (st.step()) out.push_back(read_cosignature(st));
    return out;
}

}  // namespace slawatch::storage
