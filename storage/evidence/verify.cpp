// SPDX-License-Identifier: Apache-2.0
// `verify`: recompute the tree from the stored results and check every leaf
// digest, checkpoint root and signature.

#include "storage/evidence/log.hpp"

#include "storage/evidence/rows.hpp"
#include "storage/layout.hpp"

#include <date/date.h>
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace slawatch::storage {
namespace ev = evidence;
using Kind = EvidenceProblem::Kind;

namespace {

std::vector<Checkpoint> all_checkpoints(sqlite::Database& db) {
    std::vector<Checkpoint> out;
    auto st = db.prepare(
        fmt::format("SELECT {} ORDER BY tree_size, id", evidence_rows::checkpoint_columns));
    while (st.step()) out.push_back(evidence_rows::read_checkpoint(st));
    return out;
}

std::string when(sla::EpochMillis ms) {
    const auto s = ms / 1000;
    const auto days = s / 86400;
    const auto civil = date::year_month_day(date::sys_days(date::days(days)));
    const auto sod = s % 86400;
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", int(civil.year()),
                       unsigned(civil.month()), unsigned(civil.day()), sod / 3600, sod / 60 % 60,
                       sod % 60, ms % 1000);
}

// One run of `verify`: the tree recomputed leaf by leaf from the stored
// rows, with each check a step of its own. The problems come out in the
// order the steps run, then sorted once (sort_problems).
class Verification {
public:
    Verification(const EvidenceLog& log, sqlite::Database& db, ev::Hasher& hasher)
        : log_(log),
          db_(db),
          hasher_(hasher),
          names_(evidence_rows::Names::load(db)),
          row_(nullptr) {
        rep_.results = db_.query_int("SELECT count(*) FROM probe_result");
    }

    VerifyReport run(const ev::Frontier& pruned, const ev::Frontier& head) {
        read_checkpoints(pruned);
        rebuild_tree();
        check_holes_used();
        find_inserted_folds();
        rep_.tree_size = f_.size();
        check_checkpoints_beyond_tree();
        check_head(head);
        if (matched_ != rep_.results) find_inserted_results();
        check_log_ids();
        check_signatures();
        sort_problems();
        return std::move(rep_);
    }

private:
    EvidenceProblem* problem(Kind k, std::string message) {
        EvidenceProblem p;
        p.kind = k;
        p.message = std::move(message);
        rep_.problems.push_back(std::move(p));
        return &rep_.problems.back();
    }

    // The checkpoints, the stored subtree hashes and the holes the rebuilt
    // tree is compared with; the tree starts at the retained frontier.
    void read_checkpoints(const ev::Frontier& pruned) {
        rep_.pruned = pruned.size();
        cps_ = all_checkpoints(db_);
        rep_.checkpoints = static_cast<std::int64_t>(cps_.size());
        {
            auto st = db_.prepare("SELECT idx, hash FROM evidence_node");
            while (st.step())
                if (auto h = ev::hash_from_bytes(st.column_blob(1)))
                    stored_nodes_[static_cast<std::uint64_t>(st.column_int(0))] = *h;
        }
        f_ = pruned;
        good_size_ = pruned.size();
        check_roots();
        row_ = &evidence_rows::row_by_id(db_);
        holes_ = evidence_rows::load_holes(db_, pruned.size());
        for (const auto& [idx, h] : holes_) blocks_with_holes_.insert(idx >> ev::stored_level);
    }

    // Roots of the checkpoints as the recomputed tree reaches their size.
    void check_roots() {
        for (; ci_ < cps_.size() && cps_[ci_].tree_size <= f_.size(); ++ci_) {
            const auto& c = cps_[ci_];
            if (c.tree_size != f_.size()) continue;  // before the retained leaves
            ++rep_.checked_roots;
            if (f_.root(hasher_) == c.root) {
                good_size_ = c.tree_size;
                first_time_after_good_.reset();
                continue;
            }
            auto* p = problem(
                Kind::tree_mismatch,
                fmt::format("checkpoint #{} ({}, {} leaves): the recomputed root differs: a "
                            "result among leaves {} to {}{} was changed together with its "
                            "digest, or leaves were added, removed or reordered",
                            c.id, when(c.time_ms), c.tree_size, good_size_, c.tree_size - 1,
                            first_time_after_good_
                                ? fmt::format(" (sent from {})", when(*first_time_after_good_))
                                : std::string()));
            p->checkpoint = c.id;
            p->leaf = good_size_;
            p->time_ms = first_time_after_good_;
        }
    }

    // A completed subtree of the stored level against its stored hash.
    void check_node(int level, std::uint64_t index, const ev::Hash& h) {
        if (level != ev::stored_level) return;
        const auto it = stored_nodes_.find(index);
        if (it != stored_nodes_.end() && it->second == h) return;
        problem(Kind::bad_index,
                fmt::format("stored subtree hash {} (leaves {} to {}) differs from the "
                            "recomputed one{}",
                            index, index << ev::stored_level, ((index + 1) << ev::stored_level) - 1,
                            blocks_with_holes_.count(index)
                                ? ": it holds holes of compacted results, so a hole's hash "
                                  "(evidence_hole), a leaf beside it or the subtree hash was edited"
                                : ""));
    }
    auto on_node() {
        return [this](int level, std::uint64_t index, const ev::Hash& h) {
            check_node(level, index, h);
        };
    }

    // Every stored leaf in order, the holes of compacted leaves between them.
    void rebuild_tree() {
        evidence_rows::for_each_chunk(
            db_, rep_.pruned, [&](std::uint64_t first, const auto& leaves) {
                fill_holes(leaves.front().idx);
                if (leaves.front().idx != f_.size()) {
                    auto* p =
                        problem(Kind::bad_index,
                                fmt::format("leaves from {} are stored where leaf {} belongs: "
                                            "leaves were removed or renumbered",
                                            first, f_.size()));
                    p->leaf = f_.size();
                }
                for (const auto& l : leaves) on_leaf(l);
                return true;
            });
        fill_holes(UINT64_MAX);
    }

    // The holes of compacted results from the tree's edge up to leaf `to`.
    void fill_holes(std::uint64_t to) {
        while (f_.size() < to) {
            const auto it = holes_.find(f_.size());
            if (it == holes_.end()) return;
            const auto& h = it->second;
            const auto start = f_.size();
            for (const auto& c : cps_)
                if (c.tree_size > start && c.tree_size < start + h.span()) {
                    auto* p = problem(Kind::bad_index,
                                      fmt::format("the hole of compacted leaves {} to {} spans "
                                                  "checkpoint #{} ({} leaves): the stored "
                                                  "holes were altered",
                                                  start, start + h.span() - 1, c.id, c.tree_size));
                    p->checkpoint = c.id;
                }
            first_time_after_good_ = first_time_after_good_.value_or(h.max_ms);
            f_.push_subtree(hasher_, h.hash, h.level, on_node());
            rep_.folded_leaves += h.span();
            ++holes_used_;
            check_roots();
        }
    }

    static bool same_digest(const evidence_rows::LeafRef& l, const ev::Hash& hash) {
        return std::equal(l.digest.begin(), l.digest.end(),
                          reinterpret_cast<const char*>(hash.data()));
    }

    // A leaf of folded counts: its `folded` row must hash to its digest.
    void on_fold(const evidence_rows::LeafRef& l) {
        const auto fold = -l.result_id;
        folds_seen_.insert(fold);
        std::string probe;
        std::int64_t first_minute = 0;
        const auto leaf = evidence_rows::read_fold_leaf(db_, fold, names_, &probe, &first_minute);
        ev::Hash hash{};
        if (!leaf) {
            auto* p = problem(
                Kind::missing,
                fmt::format("the folded counts #{} (leaf {}) are missing: deleted", fold, l.idx));
            p->leaf = l.idx;
        } else {
            ++rep_.folds;
            hash = hasher_.leaf(*leaf);
            if (!same_digest(l, hash)) {
                auto* p = problem(
                    Kind::edited,
                    fmt::format("the folded counts #{} of probe {} from {} (leaf {}) no longer "
                                "match what was recorded: a count was edited",
                                fold, probe, when(first_minute * 60'000), l.idx));
                p->leaf = l.idx;
                p->time_ms = first_minute * 60'000;
                p->probe = probe;
            }
        }
        f_.push(hasher_, hash, on_node());
        check_roots();
    }

    // A leaf of one result: its probe_result row must hash to its digest.
    void on_leaf(const evidence_rows::LeafRef& l) {
        if (evidence_rows::is_fold_leaf(l.result_id)) return on_fold(l);
        const auto time = layout::result_time_ms(l.result_id);
        if (!first_time_after_good_) first_time_after_good_ = time;
        ev::Hash hash{};
        auto& row = *row_;
        row.bind(1, l.result_id);
        if (!row.step()) {
            auto* p = problem(Kind::missing,
                              fmt::format("result sent {} (leaf {}) is missing: deleted, or its "
                                          "time changed",
                                          when(time), l.idx));
            p->leaf = l.idx;
            p->time_ms = time;
        } else {
            ++matched_;
            std::string_view probe;
            hash = hasher_.leaf(evidence_rows::read_leaf(row, 0, names_, &probe));
            if (!same_digest(l, hash)) {
                auto* p =
                    problem(Kind::edited, fmt::format("result sent {} probe {} (leaf {}) no longer "
                                                      "matches what was recorded: edited",
                                                      when(time), probe, l.idx));
                p->leaf = l.idx;
                p->time_ms = time;
                p->probe = std::string(probe);
            }
        }
        row.reset();
        f_.push(hasher_, hash, on_node());
        check_roots();
    }

    // Stored holes the rebuilt tree never reached.
    void check_holes_used() {
        if (holes_used_ == holes_.size()) return;
        problem(Kind::bad_index,
                fmt::format("{} of the {} holes of compacted leaves are not where the tree's "
                            "leaves end: the stored holes were altered",
                            holes_.size() - holes_used_, holes_.size()));
    }

    // Folded counts that are no leaf: inserted behind the log's back.
    void find_inserted_folds() {
        auto st = db_.prepare("SELECT id, first_minute FROM folded ORDER BY id");
        int reported = 0;
        while (reported < 100 && st.step()) {
            if (folds_seen_.count(st.column_int(0))) continue;
            auto* p = problem(Kind::inserted,
                              fmt::format("the folded counts #{} from {} are not in the evidence "
                                          "log: inserted",
                                          st.column_int(0), when(st.column_int(1) * 60'000)));
            p->time_ms = st.column_int(1) * 60'000;
            ++reported;
        }
    }

    // Checkpoints the rebuilt tree never grew to.
    void check_checkpoints_beyond_tree() {
        for (; ci_ < cps_.size(); ++ci_) {
            auto* p = problem(
                Kind::bad_checkpoint,
                fmt::format("checkpoint #{} ({}) covers {} leaves but the tree has "
                            "only {}: leaves were removed",
                            cps_[ci_].id, when(cps_[ci_].time_ms), cps_[ci_].tree_size, f_.size()));
            p->checkpoint = cps_[ci_].id;
        }
    }

    // The stored tree head, which appends continue from, against the rebuilt one.
    void check_head(const ev::Frontier& head) {
        if (head.size() == f_.size() && head.nodes() == f_.nodes()) return;
        problem(Kind::bad_index,
                fmt::format("the stored tree head ({} leaves) differs from the recomputed tree "
                            "({} leaves)",
                            head.size(), f_.size()));
    }

    // Results that are no leaf: inserted behind the log's back. Merge the
    // sorted leaf ids with the rows (only on this path: it holds every id).
    void find_inserted_results() {
        std::vector<std::int64_t> ids;
        evidence_rows::for_each_chunk(db_, 0, [&](std::uint64_t, const auto& leaves) {
            for (const auto& l : leaves) ids.push_back(l.result_id);
            return true;
        });
        std::sort(ids.begin(), ids.end());
        auto ins = db_.prepare("SELECT id FROM probe_result ORDER BY id");
        int reported = 0;
        while (reported < 100 && ins.step()) {
            const auto id = ins.column_int(0);
            if (std::binary_search(ids.begin(), ids.end(), id)) continue;
            const auto time = layout::result_time_ms(id);
            const auto probe = names_.probe(layout::result_probe(id));
            auto* p = problem(Kind::inserted,
                              fmt::format("result sent {} probe {} is not in the evidence log: "
                                          "inserted",
                                          when(time), probe));
            p->time_ms = time;
            p->probe = std::string(probe);
            ++reported;
        }
    }

    // A checkpoint binds the log it was taken of (its origin, or message v2's
    // log id): one naming another log was copied in from elsewhere, or this
    // log's id or vantage name was changed.
    void check_log_ids() {
        rep_.log_id = log_.log_id();
        const auto origin = log_.origin();
        for (const auto& c : cps_) {
            if (!c.log_id.empty() && c.log_id != rep_.log_id) {
                auto* p = problem(
                    Kind::wrong_log,
                    fmt::format("checkpoint #{} ({}, {} leaves) is of evidence log {}, but this "
                                "database's log is {}: its identity was changed, or the "
                                "checkpoint comes from another log",
                                c.id, when(c.time_ms), c.tree_size, c.log_id,
                                rep_.log_id.empty() ? "unnamed" : rep_.log_id));
                p->checkpoint = c.id;
            } else if (c.is_note() && c.origin != origin) {
                // The origin names the vantage point too: a copy renamed to another one.
                auto* p =
                    problem(Kind::wrong_log,
                            fmt::format("checkpoint #{} ({}, {} leaves) has origin {}, but "
                                        "this database's log is {}: it comes from another "
                                        "log, or the log was renamed",
                                        c.id, when(c.time_ms), c.tree_size, c.origin, origin));
                p->checkpoint = c.id;
            }
        }
    }

    // Each signed checkpoint against the key it names; the signing keys and
    // the newest checkpoint for the report.
    void check_signatures() {
        std::set<std::string> fprs;
        for (const auto& c : cps_) {
            if (c.signature.empty() && c.key_fpr.empty()) continue;
            ++rep_.signed_checkpoints;
            fprs.insert(c.key_fpr);
            const auto key = log_.public_key(c.key_fpr);
            std::string why;
            if (!key || ev::fingerprint(*key) != c.key_fpr)
                why = fmt::format("its key {} is not recorded", c.key_fpr);
            else if (!ev::verify_signature(*key, c.message(), c.signature))
                why = "its signature does not verify (forged, or the checkpoint was edited)";
            if (why.empty()) continue;
            auto* p =
                problem(Kind::bad_signature, fmt::format("checkpoint #{} ({}, {} leaves): {}", c.id,
                                                         when(c.time_ms), c.tree_size, why));
            p->checkpoint = c.id;
        }
        rep_.key_fprs.assign(fprs.begin(), fprs.end());
        for (const auto& c : cps_)
            if (!rep_.latest || c.id > rep_.latest->id) rep_.latest = c;
    }

    // Problems with a result first, earliest sent first: the headline names it.
    void sort_problems() {
        const auto of_result = [](const EvidenceProblem& p) {
            return p.kind == Kind::missing || p.kind == Kind::edited || p.kind == Kind::inserted;
        };
        std::stable_sort(rep_.problems.begin(), rep_.problems.end(),
                         [&](const EvidenceProblem& a, const EvidenceProblem& b) {
                             const bool ra = of_result(a);
                             const bool rb = of_result(b);
                             if (ra != rb) return ra;
                             if (ra) return a.time_ms < b.time_ms;
                             return false;
                         });
    }

    const EvidenceLog& log_;
    sqlite::Database& db_;
    ev::Hasher& hasher_;
    const evidence_rows::Names names_;
    VerifyReport rep_;
    std::vector<Checkpoint> cps_;
    std::map<std::uint64_t, ev::Hash> stored_nodes_;  // evidence_node, by index
    std::map<std::uint64_t, evidence_rows::Hole> holes_;
    std::set<std::uint64_t> blocks_with_holes_;  // stored-level indexes holding holes
    sqlite::Statement* row_;                     // evidence_rows::row_by_id
    ev::Frontier f_;                             // the tree as rebuilt so far
    std::size_t ci_ = 0;                         // the next checkpoint to reach
    std::uint64_t good_size_ = 0;                // the last size whose root matched
    std::optional<sla::EpochMillis> first_time_after_good_;
    std::int64_t matched_ = 0;  // leaves whose result row was found
    std::size_t holes_used_ = 0;
    std::set<std::int64_t> folds_seen_;
};

}  // namespace

VerifyReport EvidenceLog::verify() const {
    std::lock_guard lock(mutex_);
    sqlite::Transaction snapshot(db_, sqlite::Transaction::Kind::read);
    Verification verification(*this, db_, hasher_);
    const auto pruned = read_frontier("pruned");
    const auto head = read_frontier("head");
    return verification.run(pruned, head);
}

}  // namespace slawatch::storage
