// SPDX-License-Identifier: Apache-2.0
// The evidence log's checkpoints: recording one (a C2SP note, signed when a
// key is configured), the log's identity and origin, a checkpoint as its
// signed note, and reading them back.

#include "storage/evidence/log.hpp"

#include "storage/evidence/note.hpp"
#include "storage/evidence/rows.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace slawatch::storage {
namespace ev = evidence;

namespace evidence_rows {

Checkpoint read_checkpoint(const sqlite::Statement& st) {
    Checkpoint c;
    c.id = st.column_int(0);
    // A negative size (a hostile file) reads as an empty tree, never as 2^64 - n.
    c.tree_size = static_cast<std::uint64_t>(std::max<std::int64_t>(0, st.column_int(1)));
    if (auto h = ev::hash_from_bytes(st.column_blob(2))) c.root = *h;
    c.time_ms = st.column_int(3);
    c.signature = std::string(st.column_blob(4));
    c.key_fpr = st.column_text(5);
    c.log_id = st.column_text(6);
    c.origin = st.column_text(7);
    return c;
}

}  // namespace evidence_rows

std::string Checkpoint::message() const {
    if (is_note()) return ev::note::checkpoint_text({origin, tree_size, root});
    if (log_id.empty()) {
        return fmt::format("slawatch evidence checkpoint v1\ntree_size {}\nroot {}\ntime_ms {}\n",
                           tree_size, ev::to_hex(root), time_ms);
    }
    return fmt::format(
        "slawatch evidence checkpoint v2\nlog_id {}\ntree_size {}\nroot {}\ntime_ms {}\n", log_id,
        tree_size, ev::to_hex(root), time_ms);
}

Checkpoint EvidenceLog::checkpoint(sla::EpochMillis now, const ev::Signer* signer) {
    std::lock_guard lock(mutex_);
    sqlite::Transaction tx(db_);
    const auto head = read_frontier("head");
    Checkpoint c;
    c.tree_size = head.size();
    c.root = head.root(hasher_);
    c.time_ms = now;
    c.log_id = log_id();
    c.origin = origin();
    if (signer) {
        c.signature = signer->sign(c.message());
        c.key_fpr = signer->fingerprint();
        const auto& pk = signer->public_key();
        db_.cached(
               "INSERT OR IGNORE INTO evidence_key (fpr, public_key, first_ms) VALUES (?, ?, ?)")
            .bind(1, c.key_fpr)
            .bind_blob(2, {reinterpret_cast<const char*>(pk.data()), pk.size()})
            .bind(3, now)
            .run();
    }
    auto& st = db_.cached(
        "INSERT INTO evidence_checkpoint (tree_size, root, time_ms, signature, key_fpr, log_id, "
        "origin) VALUES (?, ?, ?, ?, ?, ?, ?)");
    st.bind(1, static_cast<std::int64_t>(c.tree_size))
        .bind_blob(2, {reinterpret_cast<const char*>(c.root.data()), c.root.size()})
        .bind(3, c.time_ms);
    if (signer) st.bind_blob(4, c.signature).bind(5, c.key_fpr);
    if (!c.log_id.empty()) st.bind(6, c.log_id);
    st.bind(7, c.origin);
    st.run();
    c.id = db_.last_insert_rowid();
    tx.commit();
    return c;
}

std::string EvidenceLog::origin() const {
    std::lock_guard lock(mutex_);
    auto& st = db_.cached("SELECT value FROM meta WHERE key = 'vantage'");
    std::string vantage = st.step() ? st.column_text(0) : std::string();
    st.reset();
    // A store built in code (no config loaded) has no vantage name.
    return ev::note::origin(vantage.empty() ? "unnamed" : vantage, log_id());
}

std::string EvidenceLog::note(const Checkpoint& c) const {
    if (!c.is_note()) return {};
    ev::note::Note n{c.message(), {}};
    if (c.signature.empty()) return n.text;
    const auto key = public_key(c.key_fpr);
    if (!key) return {};
    n.signatures.push_back(
        {c.origin, ev::note::key_id(c.origin, ev::note::ed25519_type, *key), c.signature});
    return n.serialize();
}

std::string EvidenceLog::log_id() const {
    std::lock_guard lock(mutex_);
    auto& st = db_.cached("SELECT value FROM meta WHERE key = 'log_id'");
    std::string id = st.step() ? st.column_text(0) : std::string();
    st.reset();
    return id;
}

std::vector<Checkpoint> EvidenceLog::checkpoints(sla::EpochMillis from_ms,
                                                 sla::EpochMillis to_ms) const {
    std::lock_guard lock(mutex_);
    std::vector<Checkpoint> out;
    auto& st = db_.cached(fmt::format("SELECT {} WHERE time_ms >= ? AND time_ms < ? ORDER BY id",
                                      evidence_rows::checkpoint_columns));
    st.bind(1, from_ms).bind(2, to_ms);
    while (st.step()) out.push_back(evidence_rows::read_checkpoint(st));
    st.reset();
    return out;
}

std::optional<Checkpoint> EvidenceLog::proof_checkpoint() const {
    std::lock_guard lock(mutex_);
    auto& st =
        db_.cached(fmt::format("SELECT {} ORDER BY signature IS NOT NULL DESC, id DESC LIMIT 1",
                               evidence_rows::checkpoint_columns));
    std::optional<Checkpoint> c;
    if (st.step()) c = evidence_rows::read_checkpoint(st);
    st.reset();
    return c;
}

std::optional<Checkpoint> EvidenceLog::checkpoint_at(std::uint64_t tree_size) const {
    std::lock_guard lock(mutex_);
    auto& st = db_.cached(fmt::format(
        "SELECT {} WHERE tree_size = ? ORDER BY signature IS NOT NULL DESC, id DESC LIMIT 1",
        evidence_rows::checkpoint_columns));
    st.bind(1, static_cast<std::int64_t>(tree_size));
    std::optional<Checkpoint> c;
    if (st.step()) c = evidence_rows::read_checkpoint(st);
    st.reset();
    return c;
}

std::optional<ev::PublicKey> EvidenceLog::public_key(const std::string& fpr) const {
    std::lock_guard lock(mutex_);
    auto& st = db_.cached("SELECT public_key FROM evidence_key WHERE fpr = ?");
    st.bind(1, fpr);
    std::optional<ev::PublicKey> key;
    if (st.step()) {
        const auto bytes = st.column_blob(0);
        ev::PublicKey k;
        if (bytes.size() == k.size()) {
            std::copy(bytes.begin(), bytes.end(), reinterpret_cast<char*>(k.data()));
            key = k;
        }
    }
    st.reset();
    return key;
}

}  // namespace slawatch::storage
