// SPDX-License-Identifier: Apache-2.0
#include "daemon/result_writer.hpp"

#include <algorithm>

namespace slawatch::daemon {

ResultWriter::ResultWriter(Sink sink, std::size_t batch_rows, std::size_t max_buffered)
    : sink_(std::move(sink)),
      batch_rows_(std::max<std::size_t>(1, batch_rows)),
      max_buffered_(std::max<std::size_t>(1, max_buffered)) {}

bool ResultWriter::add(storage::ProbeResult result) {
    if (buffer_.size() >= max_buffered_) {
        // Bounded memory while the store is down: the oldest evidence goes first.
        buffer_.pop_front();
        ++dropped_;
    }
    buffer_.push_back(std::move(result));
    return buffer_.size() >= batch_rows_;
}

bool ResultWriter::flush() {
    while (!buffer_.empty()) {
        const auto n = std::min(batch_rows_, buffer_.size());
        batch_.assign(std::make_move_iterator(buffer_.begin()),
                      std::make_move_iterator(buffer_.begin() + static_cast<std::ptrdiff_t>(n)));
        try {
            sink_(batch_);
        } catch (const std::exception& e) {
            // Put the batch back untouched (moved-from strings restored) and retry later.
            std::move(batch_.begin(), batch_.end(), buffer_.begin());
            ++errors_;
            healthy_ = false;
            last_error_ = e.what();
            error_unreported_ = true;
            return false;
        }
        buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(n));
        written_ += n;
    }
    healthy_ = true;
    return true;
}

std::optional<sla::EpochMinute> ResultWriter::oldest_buffered_minute() const {
    if (buffer_.empty()) return std::nullopt;
    sla::EpochMinute oldest = sla::minute_of_ms(buffer_.front().sample.sent_ms);
    for (const auto& r : buffer_) oldest = std::min(oldest, sla::minute_of_ms(r.sample.sent_ms));
    return oldest;
}

std::optional<std::string> ResultWriter::error_report(sla::EpochMillis now_ms) {
    if (!error_unreported_ || healthy_) return std::nullopt;
    if (reported_once_ && now_ms - last_report_ms_ < 60'000) return std::nullopt;
    reported_once_ = true;
    last_report_ms_ = now_ms;
    error_unreported_ = false;
    return last_error_;
}

}  // namespace slawatch::daemon
