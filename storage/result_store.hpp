// SPDX-License-Identifier: Apache-2.0
#pragma once
// Appending raw probe results and the evidence log over them: what the
// daemon's writer, `replay` and the checkpointer use.

#include "storage/figures.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace slawatch::storage {

class EvidenceLog;  // storage/evidence/log.hpp

// What appending one result did. A result is identified by its probe and
// send time (ms): the same identity with the same outcome, HTTP status,
// error code and request id is `identical` and stored once; with any of
// those different it is `conflicting` and the stored result is kept.
// Latencies are not part of the comparison: the stored ones are kept.
// A result sent in a minute whose successful results of its probe were
// already compacted (folded into counts) is `compacted`: not stored, so that
// nothing is counted twice (a replay of an old file after compaction).
enum class AppendStatus { inserted, identical, conflicting, compacted };

struct AppendCounts {
    std::int64_t inserted = 0;
    std::int64_t identical = 0;
    std::int64_t conflicting = 0;
    std::int64_t compacted = 0;  // skipped: its minute is compacted for its probe
};

// A result that has the identity of a stored one but another outcome.
struct AppendConflict {
    std::size_t index = 0;  // into the appended span
    ProbeResult stored;
};

// A bulk import in one write transaction (BEGIN IMMEDIATE), holding the
// store until it is destroyed: the results and the minutes they touch
// commit together in commit(), or not at all (destroyed uncommitted, or the
// process killed).
class Import {
public:
    virtual ~Import() = default;

    // Inserts `results`; statuses[i] (resized) says what became of
    // results[i], and for a conflicting one stored[i] is the stored result.
    virtual void add(std::span<const ProbeResult> results, std::vector<AppendStatus>& statuses,
                     std::vector<ProbeResult>& stored) = 0;

    // Derives, inside the transaction, the minutes of the results inserted
    // since the last call (only those minutes, not the span between them).
    // Returns the number of distinct minutes derived.
    virtual std::int64_t derive_pending() = 0;

    // Derives what is pending, then commits.
    virtual void commit() = 0;

    virtual const AppendCounts& counts() const = 0;
    // Distinct minutes derived so far (a minute derived twice counts twice).
    virtual std::int64_t minutes_derived() const = 0;
};

class ResultStore {
public:
    virtual ~ResultStore() = default;

    // Appends raw results in one transaction (BEGIN IMMEDIATE). A result
    // whose identity (probe, send time) is stored already is not stored
    // again; a conflicting one is skipped (see append_results).
    virtual void append(std::span<const ProbeResult> results) = 0;

    // append(), saying how many results were new, identical or conflicting;
    // `conflicts`, when given, receives each conflicting result.
    virtual AppendCounts append_results(std::span<const ProbeResult> results,
                                        std::vector<AppendConflict>* conflicts) = 0;

    // Starts a bulk import (replay); see Import. The store may not be used
    // otherwise while the Import lives.
    virtual std::unique_ptr<Import> begin_import() = 0;

    // The tamper-evident evidence log over the raw results (docs/evidence.md):
    // checkpoints, verify, inclusion proofs.
    virtual EvidenceLog& evidence() = 0;
    virtual const EvidenceLog& evidence() const = 0;
};

}  // namespace slawatch::storage
