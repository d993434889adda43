// SPDX-License-Identifier: Apache-2.0
#pragma once
// The batched result writer: the hand-over between the probe loop and the
// storage pipeline. add() (probe loop) only buffers, under a mutex, never
// touching SQLite; flush(into) (storage thread) hands the buffered results,
// in batches, to the pipeline's append. The writer holds no reference to its
// reader: results go one way, loop -> writer -> pipeline -> store.
// When the store fails (disk full, database locked) results stay in a
// bounded buffer, the oldest dropped beyond the bound, and flush() retries
// later; it never throws.

#include "sla/clock.hpp"
#include "storage/store.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace slawatch::daemon {

// What the writer has done so far, read in one go (for /metrics and the log).
struct WriterCounts {
    std::size_t buffered = 0;  // waiting, including a batch being written
    std::size_t peak = 0;      // the most ever buffered
    std::size_t capacity = 0;
    std::uint64_t written = 0;
    std::uint64_t dropped = 0;
    std::uint64_t errors = 0;
    bool healthy = true;
};

// Results sent more than sla::max_result_lead_ms after `now_ms`: none of the
// daemon's own, but one would decide a minute before anyone watched it.
std::size_t count_future_results(std::span<const storage::ProbeResult> results,
                                 sla::EpochMillis now_ms);
// `results` without those.
std::vector<storage::ProbeResult> without_future_results(
    std::span<const storage::ProbeResult> results, sla::EpochMillis now_ms);

class ResultWriter {
public:
    // Where a flush hands its batches (the pipeline's append); throws to fail.
    using Sink = std::function<void(std::span<const storage::ProbeResult>)>;

    explicit ResultWriter(std::size_t batch_rows = 1000, std::size_t max_buffered = 50'000);

    // Buffers one result (any thread). True when a full batch is waiting.
    bool add(storage::ProbeResult result);

    // Hands what was buffered when it was called to `into`, in batches (one
    // thread at a time: the storage thread). True when all of that was
    // written; false when `into` threw (the results stay buffered).
    bool flush(const Sink& into);

    std::size_t buffered() const;
    std::uint64_t dropped() const;
    std::uint64_t errors() const;
    std::uint64_t written() const;
    // The last flush succeeded (or none failed yet).
    bool healthy() const;
    WriterCounts counts() const;
    // The oldest minute a buffered result belongs to.
    std::optional<sla::EpochMinute> oldest_buffered_minute() const;

    // The error to log, at most once per minute of `now_ms`; nullopt otherwise.
    std::optional<std::string> error_report(sla::EpochMillis now_ms);

private:
    std::size_t batch_rows_;
    std::size_t max_buffered_;
    mutable std::mutex mutex_;  // guards everything below
    std::deque<storage::ProbeResult> buffer_;
    std::size_t writing_ = 0;  // results taken out by flush(), not yet written
    std::size_t peak_ = 0;
    std::uint64_t dropped_ = 0;
    std::uint64_t errors_ = 0;
    std::uint64_t written_ = 0;
    bool healthy_ = true;
    std::string last_error_;
    bool error_unreported_ = false;
    sla::EpochMillis last_report_ms_ = 0;
    bool reported_once_ = false;
};

}  // namespace slawatch::daemon
