// SPDX-License-Identifier: Apache-2.0
#pragma once
// The batched result writer: buffers probe results and appends them to the
// store in one transaction per second or per `batch_rows` rows. When the
// store fails (disk full, database locked) it keeps results in a bounded
// buffer, dropping the oldest beyond the bound, and retries; it never throws.

#include "storage/store.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace slawatch::daemon {

class ResultWriter {
public:
    // Where batches go; normally Store::append. Throws storage::StoreError to fail.
    using Sink = std::function<void(std::span<const storage::ProbeResult>)>;

    explicit ResultWriter(Sink sink, std::size_t batch_rows = 1000,
                          std::size_t max_buffered = 50'000);

    // Buffers one result. True when a full batch is waiting (flush soon).
    bool add(storage::ProbeResult result);

    // Writes everything buffered, in batches. True when the buffer is empty
    // afterwards; false when the store failed (the results stay buffered).
    bool flush();

    std::size_t buffered() const { return buffer_.size(); }
    std::uint64_t dropped() const { return dropped_; }
    std::uint64_t errors() const { return errors_; }
    std::uint64_t written() const { return written_; }
    // The last flush succeeded (or none failed yet).
    bool healthy() const { return healthy_; }
    // The oldest minute a buffered result belongs to.
    std::optional<sla::EpochMinute> oldest_buffered_minute() const;

    // The error to log, at most once per minute of `now_ms`; nullopt otherwise.
    std::optional<std::string> error_report(sla::EpochMillis now_ms);

private:
    Sink sink_;
    std::size_t batch_rows_;
    std::size_t max_buffered_;
    std::deque<storage::ProbeResult> buffer_;
    std::vector<storage::ProbeResult> batch_;  // reused between flushes
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
