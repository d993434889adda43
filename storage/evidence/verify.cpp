// SPDX-License-Identifier: Apache-2.0
// `verify`: recompute the tree from the stored results and check every leaf
// digest, checkpoint root and signature.

#include "storage/evidence/log.hpp"

#include "storage/evidence/read.hpp"
#include "storage/evidence/rows.hpp"

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
        "SELECT id, tree_size, root, time_ms, signature, key_fpr, log_id FROM "
        "evidence_checkpoint ORDER BY tree_size, id");
    while (st.step()) {
        Checkpoint c;
        c.id = st.column_int(0);
        c.tree_size = static_cast<std::uint64_t>(std::max<std::int64_t>(0, st.column_int(1)));
        if (auto h = ev::hash_from_bytes(st.column_blob(2))) c.root = *h;
        c.time_ms = st.column_int(3);
        c.signature = std::string(st.column_blob(4));
        c.key_fpr = st.column_text(5);
        c.log_id = st.column_text(6);
        out.push_back(std::move(c));
    }
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

}  // namespace

VerifyReport EvidenceLog::verify() const {
    std::lock_guard lock(mutex_);
    evidence_read::Snapshot snapshot(db_);
    VerifyReport rep;
    const auto names = evidence_rows::Names::load(db_);
    rep.results = db_.query_int("SELECT count(*) FROM probe_result");
    const auto pruned = read_frontier("pruned");
    const auto head = read_frontier("head");
    rep.pruned = pruned.size();
    const auto cps = all_checkpoints(db_);
    rep.checkpoints = static_cast<std::int64_t>(cps.size());
    std::map<std::uint64_t, ev::Hash> stored_nodes;
    {
        auto st = db_.prepare("SELECT idx, hash FROM evidence_node");
        while (st.step())
            if (auto h = ev::hash_from_bytes(st.column_blob(1)))
                stored_nodes[static_cast<std::uint64_t>(st.column_int(0))] = *h;
    }

    auto problem = [&](Kind k, std::string message) {
        EvidenceProblem p;
        p.kind = k;
        p.message = std::move(message);
        rep.problems.push_back(std::move(p));
        return &rep.problems.back();
    };

    // Roots of the checkpoints as the recomputed tree reaches their size.
    ev::Frontier f = pruned;
    std::size_t ci = 0;
    std::uint64_t good_size = pruned.size();  // the last size whose root matched
    std::optional<sla::EpochMillis> first_time_after_good;
    auto check_roots = [&] {
        for (; ci < cps.size() && cps[ci].tree_size <= f.size(); ++ci) {
            const auto& c = cps[ci];
            if (c.tree_size != f.size()) continue;  // before the retained leaves
            ++rep.checked_roots;
            if (f.root(hasher_) == c.root) {
                good_size = c.tree_size;
                first_time_after_good.reset();
                continue;
            }
            auto* p = problem(
                Kind::tree_mismatch,
                fmt::format("checkpoint #{} ({}, {} leaves): the recomputed root differs: a "
                            "result among leaves {} to {}{} was changed together with its "
                            "digest, or leaves were added, removed or reordered",
                            c.id, when(c.time_ms), c.tree_size, good_size, c.tree_size - 1,
                            first_time_after_good
                                ? fmt::format(" (sent from {})", when(*first_time_after_good))
                                : std::string()));
            p->checkpoint = c.id;
            p->leaf = good_size;
            p->time_ms = first_time_after_good;
        }
    };
    check_roots();

    std::int64_t matched = 0;
    auto& row = evidence_rows::row_by_id(db_);
    const auto holes = evidence_rows::load_holes(db_, pruned.size());
    std::set<std::uint64_t> blocks_with_holes;
    for (const auto& [idx, h] : holes) blocks_with_holes.insert(idx >> ev::stored_level);
    std::size_t holes_used = 0;
    std::set<std::int64_t> folds_seen;
    auto on_node = [&](int level, std::uint64_t index, const ev::Hash& h) {
        if (level != ev::stored_level) return;
        const auto it = stored_nodes.find(index);
        if (it != stored_nodes.end() && it->second == h) return;
        problem(Kind::bad_index,
                fmt::format("stored subtree hash {} (leaves {} to {}) differs from the "
                            "recomputed one{}",
                            index, index << ev::stored_level, ((index + 1) << ev::stored_level) - 1,
                            blocks_with_holes.count(index)
                                ? ": it holds holes of compacted results, so a hole's hash "
                                  "(evidence_hole), a leaf beside it or the subtree hash was edited"
                                : ""));
    };
    // The holes of compacted results from the tree's edge up to leaf `to`.
    auto fill_holes = [&](std::uint64_t to) {
        while (f.size() < to) {
            const auto it = holes.find(f.size());
            if (it == holes.end()) return;
            const auto& h = it->second;
            const auto start = f.size();
            for (const auto& c : cps)
                if (c.tree_size > start && c.tree_size < start + h.span()) {
                    auto* p = problem(Kind::bad_index,
                                      fmt::format("the hole of compacted leaves {} to {} spans "
                                                  "checkpoint #{} ({} leaves): the stored "
                                                  "holes were altered",
                                                  start, start + h.span() - 1, c.id, c.tree_size));
                    p->checkpoint = c.id;
                }
            first_time_after_good = first_time_after_good.value_or(h.max_ms);
            f.push_subtree(hasher_, h.hash, h.level, on_node);
            rep.folded_leaves += h.span();
            ++holes_used;
            check_roots();
        }
    };
    auto on_fold = [&](const evidence_rows::LeafRef& l) {
        const auto fold = -l.result_id;
        folds_seen.insert(fold);
        std::string probe;
        std::int64_t first_minute = 0;
        const auto leaf = evidence_rows::read_fold_leaf(db_, fold, names, &probe, &first_minute);
        ev::Hash hash{};
        if (!leaf) {
            auto* p = problem(
                Kind::missing,
                fmt::format("the folded counts #{} (leaf {}) are missing: deleted", fold, l.idx));
            p->leaf = l.idx;
        } else {
            ++rep.folds;
            hash = hasher_.leaf(*leaf);
            if (!std::equal(l.digest.begin(), l.digest.end(),
                            reinterpret_cast<const char*>(hash.data()))) {
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
        f.push(hasher_, hash, on_node);
        check_roots();
    };
    auto on_leaf = [&](const evidence_rows::LeafRef& l) {
        if (evidence_rows::is_fold_leaf(l.result_id)) return on_fold(l);
        const auto time = evidence_rows::time_of_id(l.result_id);
        if (!first_time_after_good) first_time_after_good = time;
        ev::Hash hash{};
        row.bind(1, l.result_id);
        if (!row.step()) {
            auto* p = problem(Kind::missing,
                              fmt::format("result sent {} (leaf {}) is missing: deleted, or its "
                                          "time changed",
                                          when(time), l.idx));
            p->leaf = l.idx;
            p->time_ms = time;
        } else {
            ++matched;
            std::string_view probe;
            hash = hasher_.leaf(evidence_rows::read_leaf(row, 0, names, &probe));
            if (!std::equal(l.digest.begin(), l.digest.end(),
                            reinterpret_cast<const char*>(hash.data()))) {
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
        f.push(hasher_, hash, on_node);
        check_roots();
    };
    evidence_rows::for_each_chunk(db_, pruned.size(), [&](std::uint64_t first, const auto& leaves) {
        fill_holes(leaves.front().idx);
        if (leaves.front().idx != f.size()) {
            auto* p = problem(Kind::bad_index,
                              fmt::format("leaves from {} are stored where leaf {} belongs: "
                                          "leaves were removed or renumbered",
                                          first, f.size()));
            p->leaf = f.size();
        }
        for (const auto& l : leaves) on_leaf(l);
        return true;
    });
    fill_holes(UINT64_MAX);
    if (holes_used != holes.size())
        problem(Kind::bad_index,
                fmt::format("{} of the {} holes of compacted leaves are not where the tree's "
                            "leaves end: the stored holes were altered",
                            holes.size() - holes_used, holes.size()));
    {
        // Folded counts that are no leaf: inserted behind the log's back.
        auto st = db_.prepare("SELECT id, first_minute FROM folded ORDER BY id");
        int reported = 0;
        while (reported < 100 && st.step()) {
            if (folds_seen.count(st.column_int(0))) continue;
            auto* p = problem(Kind::inserted,
                              fmt::format("the folded counts #{} from {} are not in the evidence "
                                          "log: inserted",
                                          st.column_int(0), when(st.column_int(1) * 60'000)));
            p->time_ms = st.column_int(1) * 60'000;
            ++reported;
        }
    }
    rep.tree_size = f.size();
    for (; ci < cps.size(); ++ci) {
        auto* p =
            problem(Kind::bad_checkpoint,
                    fmt::format("checkpoint #{} ({}) covers {} leaves but the tree has "
                                "only {}: leaves were removed",
                                cps[ci].id, when(cps[ci].time_ms), cps[ci].tree_size, f.size()));
        p->checkpoint = cps[ci].id;
    }
    if (head.size() != f.size() || head.nodes() != f.nodes())
        problem(Kind::bad_index,
                fmt::format("the stored tree head ({} leaves) differs from the recomputed tree "
                            "({} leaves)",
                            head.size(), f.size()));

    if (matched != rep.results) {
        // Results that are no leaf: inserted behind the log's back. Merge the
        // sorted leaf ids with the rows (only on this path: it holds every id).
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
            const auto time = evidence_rows::time_of_id(id);
            const auto probe = names.probe(evidence_rows::probe_of_id(id));
            auto* p = problem(Kind::inserted,
                              fmt::format("result sent {} probe {} is not in the evidence log: "
                                          "inserted",
                                          when(time), probe));
            p->time_ms = time;
            p->probe = std::string(probe);
            ++reported;
        }
    }

    // A checkpoint binds the log it was taken of (message v2): one naming
    // another log was copied in from elsewhere, or this log's id was changed.
    rep.log_id = log_id();
    for (const auto& c : cps) {
        if (c.log_id.empty() || c.log_id == rep.log_id) continue;
        auto* p = problem(Kind::wrong_log,
                          fmt::format("checkpoint #{} ({}, {} leaves) is of evidence log {}, but "
                                      "this database's log is {}: its identity was changed, or "
                                      "the checkpoint comes from another log",
                                      c.id, when(c.time_ms), c.tree_size, c.log_id,
                                      rep.log_id.empty() ? "unnamed" : rep.log_id));
        p->checkpoint = c.id;
    }

    std::set<std::string> fprs;
    for (const auto& c : cps) {
        if (c.signature.empty() && c.key_fpr.empty()) continue;
        ++rep.signed_checkpoints;
        fprs.insert(c.key_fpr);
        const auto key = public_key(c.key_fpr);
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
    rep.key_fprs.assign(fprs.begin(), fprs.end());
    for (const auto& c : cps)
        if (!rep.latest || c.id > rep.latest->id) rep.latest = c;

    // Problems with a result first, earliest sent first: the headline names it.
    std::stable_sort(rep.problems.begin(), rep.problems.end(),
                     [](const EvidenceProblem& a, const EvidenceProblem& b) {
                         const bool ra = a.kind == Kind::missing || a.kind == Kind::edited ||
                                         a.kind == Kind::inserted;
                         const bool rb = b.kind == Kind::missing || b.kind == Kind::edited ||
                                         b.kind == Kind::inserted;
                         if (ra != rb) return ra;
                         if (ra) return a.time_ms < b.time_ms;
                         return false;
                     });
    return rep;
}

}  // namespace slawatch::storage
