// SPDX-License-Identifier: Apache-2.0
#pragma once
// The tamper-evident evidence log (docs/evidence.md): every stored raw result
// is a leaf of an append-only RFC 9162 Merkle tree, in the order it was
// appended; checkpoints record the tree's size and root, signed with Ed25519
// when a key is configured. Lives in the store's database and transactions.

#include "sla/sample.hpp"
#include "storage/evidence/signing.hpp"
#include "storage/evidence/tree.hpp"
#include "storage/sqlite.hpp"

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

namespace slawatch::storage {

struct Checkpoint {
    std::int64_t id = 0;
    std::uint64_t tree_size = 0;
    evidence::Hash root{};
    sla::EpochMillis time_ms = 0;
    std::string signature;  // 64 bytes, or empty when unsigned
    std::string key_fpr;    // hex SHA-256 of the signer's raw public key, or empty
    // The evidence log's identity (meta.log_id) bound into the signed bytes;
    // empty in checkpoints recorded before logs had one (message v1).
    std::string log_id;
    // The C2SP origin, "slawatch/<vantage>/<log id>", also the signing key's
    // name; empty in checkpoints recorded before schema 10 (messages v1, v2).
    std::string origin;

    // The exact bytes that are signed (docs/evidence.md): the C2SP note text
    // "<origin>\n<tree size>\n<base64 root>\n"; for the checkpoints
    // recorded before, message version 2 with the log id, or version 1.
    std::string message() const;
    bool is_note() const { return !origin.empty(); }
};

// One thing `verify` found wrong, in the order of the tree.
struct EvidenceProblem {
    enum class Kind {
        missing,         // a leaf's result row is gone (deleted, or its time changed)
        edited,          // a result no longer hashes to its leaf's digest
        inserted,        // a result that is no leaf of the tree
        tree_mismatch,   // a checkpoint's root differs from the recomputed one
        bad_checkpoint,  // a checkpoint beyond the tree, or with an unknown key
        bad_signature,   // a checkpoint's signature does not verify
        bad_index,       // the stored tree structure was altered
        wrong_log,       // a checkpoint names another evidence log than this database's
        // RFC 3161 tokens (storage/evidence/timestamp_check.hpp):
        bad_timestamp,        // unreadable, or stamps another message than its checkpoint's note
        untrusted_timestamp,  // its signature or chain does not verify against its TSA's bundle
        backdated_timestamp,  // earlier than its checkpoint, or than its TSA's earlier tokens
    };
    Kind kind = Kind::edited;
    std::optional<sla::EpochMillis> time_ms;  // the result's send time, when known
    std::string probe;                        // the result's probe, when known
    std::optional<std::uint64_t> leaf;
    std::optional<std::int64_t> checkpoint;  // its id
    std::string message;                     // for people
};

std::string_view to_string(EvidenceProblem::Kind k);

struct VerifyReport {
    std::uint64_t tree_size = 0;
    std::uint64_t pruned = 0;         // leaves before this were removed by retention
    std::int64_t results = 0;         // raw result rows
    std::uint64_t folded_leaves = 0;  // leaves of compacted results, kept as holes
    std::int64_t folds = 0;           // fold leaves checked against `folded`
    std::int64_t checkpoints = 0;
    std::int64_t signed_checkpoints = 0;
    std::int64_t checked_roots = 0;     // checkpoints whose root was recomputed
    std::vector<std::string> key_fprs;  // keys that signed checkpoints
    // RFC 3161 tokens (set by check_timestamps): stored, checked in full
    // against a configured TSA's bundle, and of TSAs no longer configured
    // (their message imprint and times checked, their chain not).
    std::int64_t timestamps = 0;
    std::int64_t checked_timestamps = 0;
    std::int64_t unchecked_timestamps = 0;
    std::string log_id;  // meta.log_id, "" before logs had one
    std::optional<Checkpoint> latest;
    std::vector<EvidenceProblem> problems;

    bool intact() const { return problems.empty(); }
};

// An RFC 3161 time-stamp token of a checkpoint's note, from one TSA
// (evidence_timestamp; docs/evidence.md, "Time-stamps").
struct StoredTimestamp {
    std::int64_t checkpoint = 0;  // the checkpoint's id
    std::string tsa;              // the TSA's URL
    std::string token;            // DER TimeStampToken
    sla::EpochMillis gen_time_ms = 0;
};

// A result's leaf and the RFC 9162 inclusion path to a checkpoint's root.
struct InclusionProof {
    std::int64_t result_id = 0;
    std::uint64_t leaf_index = 0;
    std::string leaf_bytes;
    std::vector<evidence::Hash> path;
};

// A tlog-cosignature this host's witness made of a peer's checkpoint
// (evidence_cosignature; docs/vantage.md, "Witnesses"). The cosigned note
// text is checkpoint_text({origin, tree_size, root}); the cosigner's name
// is this log's origin.
struct Cosignature {
    std::string peer;    // the peer's vantage name
    std::string origin;  // the peer's log
    std::uint64_t tree_size = 0;
    evidence::Hash root{};
    std::uint64_t time_s = 0;
    // 72 bytes as in the cosignature line: the big-endian time, then the
    // Ed25519 signature of note::cosignature_message.
    std::string signature;
};

// A result as stored, with its row id.
struct StoredResult {
    std::int64_t id = 0;
    std::string probe;
    sla::Sample sample;
};

class EvidenceLog {
public:
    EvidenceLog(sqlite::Database& db, std::recursive_mutex& mutex) : db_(db), mutex_(mutex) {}

    // The leaves appended inside one store transaction. commit() before the
    // transaction commits; dropped uncommitted, nothing of it remains.
    class Batch {
    public:
        explicit Batch(EvidenceLog& log);
        // One call per inserted probe_result row (its id and what was stored).
        void add_leaf(std::int64_t result_id, const std::string& probe, const sla::Sample& s);
        // The fold leaf (encoding version 2) of `folded` row `fold_id`.
        void add_fold(std::int64_t fold_id, std::string_view leaf_bytes);
        void commit();

    private:
        friend class EvidenceLog;
        void add_hashed(std::int64_t result_id, const evidence::Hash& hash);
        void flush_chunk();
        EvidenceLog& log_;
        evidence::Frontier head_;
        // The open chunk (continued from the last stored one when not full).
        std::string chunk_;
        std::uint64_t chunk_first_ = 0;
        std::size_t chunk_count_ = 0;
        std::int64_t previous_id_ = 0;
        std::string leaf_;  // reused for each leaf's bytes
    };
    Batch batch() { return Batch(*this); }

    // Read-write open: a database without a tree yet (new, or migrated from
    // schema 2) makes its existing results the first leaves, in id order; a
    // log without an identity gets one (a random 128-bit log id in meta).
    void initialize();

    // The log's identity: 32 hex digits, or "" in a database no writer of
    // this version has opened yet.
    std::string log_id() const;

    // Up to `n` leaves from `index` on, each as its index, result id (a fold
    // leaf's is the negative of its folded row) and digest in hex.
    struct LeafIdentity {
        std::uint64_t index = 0;
        std::int64_t result_id = 0;
        std::string digest;
        bool operator==(const LeafIdentity&) const = default;
    };
    std::vector<LeafIdentity> leaves(std::uint64_t index, std::size_t n) const;

    // minute_key(probe id, minute) of every probe minute that leaves from
    // `index` on hold results of (a fold leaf: every minute it folded).
    void minutes_of_leaves(std::uint64_t index, std::unordered_set<std::int64_t>& keys) const;

    // Records a checkpoint of the whole tree as of `now`, signed when
    // `signer` is given. In its own transaction.
    Checkpoint checkpoint(sla::EpochMillis now, const evidence::Signer* signer);

    // Recomputes the tree from the stored results and checks every leaf,
    // checkpoint and signature. Read-only, in one read transaction.
    VerifyReport verify() const;

    // Checkpoints recorded in [from_ms, to_ms), oldest first.
    std::vector<Checkpoint> checkpoints(sla::EpochMillis from_ms, sla::EpochMillis to_ms) const;
    // The newest checkpoint, the newest signed one preferred.
    std::optional<Checkpoint> proof_checkpoint() const;
    // Public key of a fingerprint seen on checkpoints.
    std::optional<evidence::PublicKey> public_key(const std::string& fpr) const;

    // The log's C2SP origin (and its key's name): "slawatch/<vantage>/<log id>".
    std::string origin() const;
    // A C2SP checkpoint as a signed note: its text, a blank line and its
    // signature line; an unsigned one is its text alone. Empty for a
    // checkpoint recorded before schema 10 (it has no note form).
    std::string note(const Checkpoint& c) const;
    // The newest checkpoint of exactly `tree_size` leaves, if any.
    std::optional<Checkpoint> checkpoint_at(std::uint64_t tree_size) const;

    // Time-stamp tokens (timestamps.cpp): stores one (a second of the same
    // checkpoint and TSA is ignored), and all of them, by checkpoint then TSA.
    void add_timestamp(const StoredTimestamp& t);
    std::vector<StoredTimestamp> timestamps() const;

    // RFC 9162 consistency proof that the tree of `old_size` leaves is a
    // prefix of the tree of `new_size` (new_size at most the tree's size).
    // Throws StoreError when the evidence needed is gone or incomplete.
    std::vector<evidence::Hash> consistency(std::uint64_t old_size, std::uint64_t new_size) const;

    // Stored results with sent time in [from, to), with their row ids.
    std::vector<StoredResult> stored_results(sla::EpochMillis from, sla::EpochMillis to) const;
    // Inclusion proofs of `result_ids` in the tree of checkpoint `at`; ids
    // that are not leaves of it are left out.
    std::vector<InclusionProof> prove(const std::vector<std::int64_t>& result_ids,
                                      const Checkpoint& at) const;

    // Retention: deletes the longest prefix of leaves whose results are all
    // older than `cutoff_ms`, with those results, and keeps the frontier of
    // the prefix so the rest still verifies. Call inside a transaction.
    // Returns the number of results deleted.
    std::int64_t prune(sla::EpochMillis cutoff_ms);

    // Compaction (fold.cpp): folds the successful results sent in
    // [from_ms, to_ms). Each is checked against its leaf digest (and a
    // complete 1024-leaf block of folded leaves against its stored subtree
    // hash), its row deleted, and its leaf replaced by the holes (perfect
    // subtrees of folded leaves) it completes; failed results stay. Throws
    // StoreError when the evidence does not match: the caller's transaction
    // must then be rolled back. Call inside a transaction.
    struct Folded {
        // Per probe id: the folded results per minute.
        std::map<std::int64_t, std::map<sla::EpochMinute, int>> counts;
        std::int64_t results = 0;
    };
    Folded fold_ok_results(sla::EpochMillis from_ms, sla::EpochMillis to_ms);

    // Witnesses (cosignature.cpp). Records a cosignature, in its own
    // transaction (one per origin and size: a second one is ignored).
    void add_cosignature(const Cosignature& c);
    // The cosignature of the largest tree of `origin`, if any.
    std::optional<Cosignature> last_cosignature(std::string_view origin) const;
    // The origin of the newest cosignature made for `peer`, if any.
    std::optional<std::string> witnessed_origin(std::string_view peer) const;
    // Every cosignature of `origin`'s checkpoints, smallest tree first.
    std::vector<Cosignature> cosignatures(std::string_view origin) const;

private:
    evidence::Frontier read_frontier(std::string_view kind) const;
    void write_frontier(std::string_view kind, const evidence::Frontier& f);

    sqlite::Database& db_;
    std::recursive_mutex& mutex_;
    mutable evidence::Hasher hasher_;
};

}  // namespace slawatch::storage
