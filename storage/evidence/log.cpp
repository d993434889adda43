// SPDX-License-Identifier: Apache-2.0
// The evidence log in SQLite: leaves, frontier, retention (checkpoints are in
// checkpoints.cpp).

#include "storage/evidence/log.hpp"

#include "storage/evidence/note.hpp"
#include "storage/evidence/rows.hpp"
#include "storage/layout.hpp"
#include "storage/phase_encoding.hpp"
#include "storage/schema.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace slawatch::storage {
namespace ev = evidence;

namespace evidence_rows {

Names Names::load(sqlite::Database& db) {
    Names n;
    auto& p = db.cached("SELECT id, name FROM probe");
    while (p.step()) n.probes[p.column_int(0)] = p.column_text(1);
    p.reset();
    auto& e = db.cached("SELECT id, code FROM error_code");
    while (e.step()) n.errors[e.column_int(0)] = e.column_text(1);
    e.reset();
    return n;
}

std::string_view Names::probe(std::int64_t id) const {
    const auto it = probes.find(id);
    return it == probes.end() ? std::string_view("?") : std::string_view(it->second);
}

namespace {

std::string_view outcome_name(std::int64_t v) {
    if (v < 0 || v >= sla::outcome_count) return "invalid";
    return sla::to_string(static_cast<sla::Outcome>(v));
}

constexpr std::size_t max_request_id = 128;  // as store.cpp keeps it

}  // namespace

std::string read_leaf(const sqlite::Statement& st, int col, const Names& names,
                      std::string_view* probe) {
    ev::LeafFields f;
    const auto id = st.column_int(col);
    f.time_ms = layout::result_time_ms(id);
    f.probe = names.probe(layout::result_probe(id));
    f.outcome = outcome_name(st.column_int(col + 1));
    f.http_status = static_cast<int>(st.column_int(col + 2));
    if (!st.is_null(col + 3)) {
        const auto it = names.errors.find(st.column_int(col + 3));
        f.error_code = it == names.errors.end() ? std::string_view("?") : it->second;
    }
    f.request_id = st.column_blob(col + 4);
    // A malformed blob is an edited row: a leaf that cannot match, not an error.
    const auto phases =
        phase_encoding::decode(st.is_null(col + 5) ? std::string_view() : st.column_blob(col + 5));
    f.phases = phases ? *phases : phase_encoding::Phases{-2, -2, -2, -2, -2};
    if (probe) *probe = f.probe;
    return ev::encode_leaf(f);
}

void leaf_of(std::int64_t id, std::string_view probe, const sla::Sample& s, std::string& out) {
    ev::LeafFields f;
    f.time_ms = layout::result_time_ms(id);
    f.probe = probe;
    f.outcome = sla::to_string(s.outcome);
    f.http_status = s.http_status;
    f.error_code = s.error_code;
    if (s.outcome != sla::Outcome::ok)
        f.request_id = std::string_view(s.request_id).substr(0, max_request_id);
    const auto& p = s.phases;
    f.phases = {p.dns_us, p.connect_us, p.tls_us, p.first_byte_us, p.total_us};
    for (auto& v : f.phases) v = v >= 0 ? v : -1;
    ev::encode_leaf(f, out);
}

void append_leaf(std::string& chunk, std::int64_t previous_id, const LeafRef& leaf) {
    const auto d =
        static_cast<std::uint64_t>(leaf.result_id) - static_cast<std::uint64_t>(previous_id);
    // zigzag: small negative differences (a late replay) stay short too
    auto z = (d << 1) ^ static_cast<std::uint64_t>(static_cast<std::int64_t>(d) >> 63);
    while (z >= 0x80) {
        chunk.push_back(static_cast<char>((z & 0x7f) | 0x80));
        z >>= 7;
    }
    chunk.push_back(static_cast<char>(z));
    chunk.append(leaf.digest.data(), leaf.digest.size());
}

bool decode_chunk(std::uint64_t first_idx, std::string_view blob, std::vector<LeafRef>& out) {
    out.clear();
    std::int64_t previous = 0;
    std::size_t i = 0;
    while (i < blob.size()) {
        std::uint64_t z = 0;
        int shift = 0;
        for (;;) {
            if (i >= blob.size() || shift > 63) return false;
            const auto byte = static_cast<std::uint8_t>(blob[i++]);
            z |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
            shift += 7;
            if (!(byte & 0x80)) break;
        }
        if (blob.size() - i < evidence::digest_bytes) return false;
        const auto d = (z >> 1) ^ (~(z & 1) + 1);
        LeafRef leaf;
        leaf.idx = first_idx + out.size();
        leaf.result_id = static_cast<std::int64_t>(static_cast<std::uint64_t>(previous) + d);
        std::copy_n(blob.data() + i, leaf.digest.size(), leaf.digest.data());
        i += leaf.digest.size();
        previous = leaf.result_id;
        out.push_back(leaf);
    }
    return true;
}

void for_each_chunk(sqlite::Database& db, std::uint64_t from,
                    const std::function<bool(std::uint64_t, const std::vector<LeafRef>&)>& fn) {
    // Start at the chunk holding leaf `from`.
    auto st = db.prepare(
        "SELECT first_idx, leaves FROM evidence_chunk WHERE first_idx >= coalesce((SELECT "
        "max(first_idx) FROM evidence_chunk WHERE first_idx <= ?1), ?1) ORDER BY first_idx");
    st.bind(1, static_cast<std::int64_t>(from));
    std::vector<LeafRef> leaves;
    while (st.step()) {
        const auto first = static_cast<std::uint64_t>(st.column_int(0));
        if (!decode_chunk(first, st.column_blob(1), leaves))
            throw StoreError(fmt::format("evidence_chunk {} is corrupt", first));
        std::erase_if(leaves, [&](const LeafRef& l) { return l.idx < from; });
        if (!leaves.empty() && !fn(first, leaves)) return;
    }
}

sqlite::Statement& row_by_id(sqlite::Database& db) {
    return db.cached(fmt::format("SELECT {} FROM probe_result r WHERE r.id = ?", columns));
}

}  // namespace evidence_rows

std::string_view to_string(EvidenceProblem::Kind k) {
    using K = EvidenceProblem::Kind;
    switch (k) {
        case K::missing:
            return "missing";
        case K::edited:
            return "edited";
        case K::inserted:
            return "inserted";
        case K::tree_mismatch:
            return "tree_mismatch";
        case K::bad_checkpoint:
            return "bad_checkpoint";
        case K::bad_signature:
            return "bad_signature";
        case K::bad_index:
            return "bad_index";
        case K::wrong_log:
            return "wrong_log";
        case K::bad_timestamp:
            return "bad_timestamp";
        case K::untrusted_timestamp:
            return "untrusted_timestamp";
        case K::backdated_timestamp:
            return "backdated_timestamp";
    }
    return "?";
}

ev::Frontier EvidenceLog::read_frontier(std::string_view kind) const {
    auto& st = db_.cached("SELECT nodes FROM evidence_frontier WHERE kind = ?");
    st.bind(1, kind);
    std::optional<ev::Frontier> f;
    if (st.step()) {
        f = ev::Frontier::parse(st.column_blob(0));
        if (!f) {
            st.reset();
            throw StoreError(fmt::format("evidence_frontier '{}' is corrupt", kind));
        }
    }
    st.reset();
    return f ? *f : ev::Frontier{};
}

void EvidenceLog::write_frontier(std::string_view kind, const ev::Frontier& f) {
    auto& st = db_.cached("INSERT OR REPLACE INTO evidence_frontier (kind, nodes) VALUES (?, ?)");
    st.bind(1, kind).bind_blob(2, f.serialize()).run();
}

EvidenceLog::Batch::Batch(EvidenceLog& log) : log_(log), head_(log.read_frontier("head")) {
    // A last chunk that is not full is continued (the daemon appends a few rows at a time).
    auto& st = log_.db_.cached(
        "SELECT first_idx, leaves FROM evidence_chunk ORDER BY first_idx DESC LIMIT 1");
    std::vector<evidence_rows::LeafRef> leaves;
    if (st.step()) {
        const auto first = static_cast<std::uint64_t>(st.column_int(0));
        const auto blob = st.column_blob(1);
        if (evidence_rows::decode_chunk(first, blob, leaves) && !leaves.empty() &&
            !evidence_rows::chunk_full(leaves.size(), blob.size()) &&
            first + leaves.size() == head_.size()) {
            chunk_.assign(blob);
            chunk_first_ = first;
            chunk_count_ = leaves.size();
            previous_id_ = leaves.back().result_id;
        }
    }
    st.reset();
}

void EvidenceLog::Batch::add_leaf(std::int64_t result_id, const std::string& probe,
                                  const sla::Sample& s) {
    evidence_rows::leaf_of(result_id, probe, s, leaf_);
    add_hashed(result_id, log_.hasher_.leaf(leaf_));
}

void EvidenceLog::Batch::add_hashed(std::int64_t result_id, const ev::Hash& hash) {
    if (evidence_rows::chunk_full(chunk_count_, chunk_.size())) flush_chunk();
    if (chunk_count_ == 0) {
        chunk_first_ = head_.size();
        previous_id_ = 0;
    }
    evidence_rows::LeafRef leaf;
    leaf.result_id = result_id;
    std::copy_n(reinterpret_cast<const char*>(hash.data()), leaf.digest.size(), leaf.digest.data());
    evidence_rows::append_leaf(chunk_, previous_id_, leaf);
    previous_id_ = result_id;
    ++chunk_count_;
    head_.push(log_.hasher_, hash, [&](int level, std::uint64_t index, const ev::Hash& h) {
        if (level != ev::stored_level) return;
        auto& node =
            log_.db_.cached("INSERT OR REPLACE INTO evidence_node (idx, hash) VALUES (?, ?)");
        node.bind(1, static_cast<std::int64_t>(index))
            .bind_blob(2, {reinterpret_cast<const char*>(h.data()), h.size()})
            .run();
    });
}

void EvidenceLog::Batch::flush_chunk() {
    if (chunk_count_ == 0) return;
    auto& st =
        log_.db_.cached("INSERT OR REPLACE INTO evidence_chunk (first_idx, leaves) VALUES (?, ?)");
    st.bind(1, static_cast<std::int64_t>(chunk_first_)).bind_blob(2, chunk_).run();
    chunk_.clear();
    chunk_count_ = 0;
}

void EvidenceLog::Batch::commit() {
    flush_chunk();
    log_.write_frontier("head", head_);
}

void EvidenceLog::initialize() {
    std::lock_guard lock(mutex_);
    auto& has = db_.cached("SELECT count(*) FROM evidence_frontier WHERE kind = 'head'");
    has.step();
    const bool exists = has.column_int(0) > 0;
    has.reset();
    if (log_id().empty()) {
        // One log, one identity, fixed at its first write: checkpoints bind
        // it, so a copy renamed to another vantage point is still this log.
        db_.cached("INSERT INTO meta (key, value) VALUES ('log_id', ?)")
            .bind(1, ev::new_log_id())
            .run();
    }
    if (exists) return;
    sqlite::Transaction tx(db_);
    // Results stored before the evidence log existed become its first leaves.
    const auto names = evidence_rows::Names::load(db_);
    Batch b(*this);
    auto st = db_.prepare(
        fmt::format("SELECT {} FROM probe_result r ORDER BY r.id", evidence_rows::columns));
    while (st.step())
        b.add_hashed(st.column_int(0), hasher_.leaf(evidence_rows::read_leaf(st, 0, names)));
    b.commit();
    tx.commit();
}

std::vector<EvidenceLog::LeafIdentity> EvidenceLog::leaves(std::uint64_t index,
                                                           std::size_t n) const {
    std::lock_guard lock(mutex_);
    std::vector<LeafIdentity> out;
    if (n == 0) return out;
    evidence_rows::for_each_chunk(db_, index, [&](std::uint64_t, const auto& leaves) {
        for (const auto& l : leaves) {
            if (l.idx < index) continue;
            out.push_back({l.idx, l.result_id,
                           ev::to_hex(reinterpret_cast<const std::uint8_t*>(l.digest.data()),
                                      l.digest.size())});
            if (out.size() == n) return false;
        }
        return true;
    });
    return out;
}

void EvidenceLog::minutes_of_leaves(std::uint64_t index,
                                    std::unordered_set<std::int64_t>& keys) const {
    std::lock_guard lock(mutex_);
    auto& fold = db_.cached("SELECT probe, first_minute, minutes FROM folded WHERE id = ?");
    evidence_rows::for_each_chunk(db_, index, [&](std::uint64_t, const auto& leaves) {
        for (const auto& l : leaves) {
            if (l.idx < index) continue;
            if (!evidence_rows::is_fold_leaf(l.result_id)) {
                keys.insert(
                    layout::minute_key(layout::result_probe(l.result_id),
                                       sla::minute_of_ms(layout::result_time_ms(l.result_id))));
                continue;
            }
            fold.bind(1, -l.result_id);
            if (fold.step()) {
                const auto first = fold.column_int(1);
                for (std::int64_t m = 0; m < fold.column_int(2); ++m)
                    keys.insert(layout::minute_key(fold.column_int(0), first + m));
            }
            fold.reset();
        }
        return true;
    });
}

std::vector<StoredResult> EvidenceLog::stored_results(sla::EpochMillis from,
                                                      sla::EpochMillis to) const {
    std::lock_guard lock(mutex_);
    const auto names = evidence_rows::Names::load(db_);
    std::vector<StoredResult> out;
    auto& st =
        db_.cached(fmt::format("SELECT {} FROM probe_result r WHERE r.id >= ? AND r.id < ? "
                               "ORDER BY r.id",
                               evidence_rows::columns));
    st.bind(1, from * layout::id_slots).bind(2, to * layout::id_slots);
    while (st.step()) {
        StoredResult r;
        r.id = st.column_int(0);
        r.probe = names.probe(layout::result_probe(r.id));
        r.sample.sent_ms = layout::result_time_ms(r.id);
        r.sample.outcome = static_cast<sla::Outcome>(st.column_int(1));
        r.sample.http_status = static_cast<int>(st.column_int(2));
        if (!st.is_null(3))
            r.sample.error_code =
                names.errors.count(st.column_int(3)) ? names.errors.at(st.column_int(3)) : "?";
        r.sample.request_id = st.column_text(4);
        out.push_back(std::move(r));
    }
    st.reset();
    return out;
}

namespace {

// The chunks and holes of the leaves before `size`, which retention removed.
void drop_tree_below(sqlite::Database& db, std::uint64_t size) {
    db.cached("DELETE FROM evidence_chunk WHERE first_idx < ?")
        .bind(1, static_cast<std::int64_t>(size))
        .run();
    db.cached("DELETE FROM evidence_hole WHERE idx < ?")
        .bind(1, static_cast<std::int64_t>(size))
        .run();
}

// The chunk retention stopped in keeps its tail, under the tail's first index.
void keep_tail(sqlite::Database& db, std::uint64_t first,
               const std::vector<evidence_rows::LeafRef>& tail) {
    std::string chunk;
    std::int64_t previous = 0;
    for (const auto& l : tail) {
        evidence_rows::append_leaf(chunk, previous, l);
        previous = l.result_id;
    }
    db.cached("INSERT OR REPLACE INTO evidence_chunk (first_idx, leaves) VALUES (?, ?)")
        .bind(1, static_cast<std::int64_t>(first))
        .bind_blob(2, chunk)
        .run();
}

}  // namespace

std::int64_t EvidenceLog::prune(sla::EpochMillis cutoff_ms) {
    std::lock_guard lock(mutex_);
    auto pruned = read_frontier("pruned");
    const auto start = pruned.size();
    const auto names = evidence_rows::Names::load(db_);
    auto& row = evidence_rows::row_by_id(db_);
    auto& del = evidence_rows::delete_by_id(db_);
    std::int64_t deleted = 0;
    std::vector<evidence_rows::LeafRef> rest;  // the kept tail of the chunk where it stops
    std::uint64_t rest_first = 0;
    // Holes of compacted results go when their newest result is old.
    const auto holes = evidence_rows::load_holes(db_, start);
    auto prune_holes = [&](std::uint64_t to) {
        while (pruned.size() < to) {
            const auto it = holes.find(pruned.size());
            if (it == holes.end() || it->second.max_ms >= cutoff_ms) return false;
            pruned.push_subtree(hasher_, it->second.hash, it->second.level,
                                [](int, std::uint64_t, const ev::Hash&) {});
        }
        return true;
    };
    // A fold leaf goes with its counts when all its minutes are old.
    auto& fold_end = db_.cached("SELECT first_minute + minutes FROM folded WHERE id = ?");
    auto& del_fold = db_.cached("DELETE FROM folded WHERE id = ?");
    auto old_fold = [&](std::int64_t fold) -> std::optional<std::string> {
        fold_end.bind(1, fold);
        const bool old = fold_end.step() && fold_end.column_int(0) * 60'000 <= cutoff_ms;
        fold_end.reset();
        if (!old) return std::nullopt;
        return evidence_rows::read_fold_leaf(db_, fold, names);
    };
    bool stopped = false;
    // Leaves in order from the old prefix end while their results are old; a
    // missing result or a gap stops it, so that verify still reports it.
    evidence_rows::for_each_chunk(db_, start, [&](std::uint64_t, const auto& leaves) {
        for (std::size_t i = 0; i < leaves.size(); ++i) {
            const auto& l = leaves[i];
            bool old = prune_holes(l.idx) && l.idx == pruned.size();
            if (old && evidence_rows::is_fold_leaf(l.result_id)) {
                if (const auto leaf = old_fold(-l.result_id)) {
                    pruned.push(hasher_, hasher_.leaf(*leaf));
                    del_fold.bind(1, -l.result_id).run();
                    continue;
                }
                old = false;
            } else if (old) {
                old = layout::result_time_ms(l.result_id) < cutoff_ms;
            }
            if (old) {
                row.bind(1, l.result_id);
                old = row.step();
                if (old)
                    pruned.push(hasher_, hasher_.leaf(evidence_rows::read_leaf(row, 0, names)));
                row.reset();
            }
            if (!old) {
                rest.assign(leaves.begin() + static_cast<std::ptrdiff_t>(i), leaves.end());
                rest_first = l.idx;
                stopped = true;
                return false;
            }
            del.bind(1, l.result_id).run();
            deleted += db_.changes();
        }
        return true;
    });
    if (!stopped) prune_holes(UINT64_MAX);
    if (pruned.size() == start) return 0;
    write_frontier("pruned", pruned);
    drop_tree_below(db_, pruned.size());
    if (!rest.empty()) keep_tail(db_, rest_first, rest);
    return deleted;
}

}  // namespace slawatch::storage
