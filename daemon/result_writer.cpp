// SPDX-License-Identifier: Apache-2.0
#include "daemon/result_writer.hpp"

#include <algorithm>
#include <iterator>

namespace slawatch::daemon {

namespace {
bool from_future(const storage::ProbeResult& r, sla::EpochMillis now_ms) {
    return r.sample.sent_ms > now_ms + sla::max_result_lead_ms;
}
}  // namespace

std::size_t count_future_results(std::span<const storage::ProbeResult> results,
                                 sla::EpochMillis now_ms) {
    return static_cast<std::size_t>(std::count_if(
        results.begin(), results.end(), [&](const auto& r) { return from_future(r, now_ms); }));
}

std::vector<storage::ProbeResult> without_future_results(
    std::span<const storage::ProbeResult> results, sla::EpochMillis now_ms) {
    std::vector<storage::ProbeResult> out;
    std::copy_if(results.begin(), results.end(), std::back_inserter(out),
                 [&](const auto& r) { return !from_future(r, now_ms); });
    return out;
}

ResultWriter::ResultWriter(std::size_t batch_rows, std::size_t max_buffered)
    : batch_rows_(std::max<std::size_t>(1, batch_rows)),
      max_buffered_(std::max<std::size_t>(1, max_buffered)) {}

bool ResultWriter::add(storage::ProbeResult result) {
    std::lock_guard lock(mutex_);
    if (buffer_.size() + writing_ >= max_buffered_) {
        // Bounded memory while the store is down: the oldest evidence goes first.
        if (buffer_.empty()) {
            ++dropped_;
            return true;
        }
        buffer_.pop_front();
        ++dropped_;
    }
    buffer_.push_back(std::move(result));
    peak_ = std::max(peak_, buffer_.size() + writing_);
    return buffer_.size() >= batch_rows_;
}

bool ResultWriter::flush(const Sink& into) {
    std::vector<storage::ProbeResult> batch;
    std::unique_lock lock(mutex_);
    // Only what is here now: a steady stream of adds cannot keep us looping.
    auto left = buffer_.size();
    while (left > 0) {
        const auto n = std::min(batch_rows_, left);
        batch.assign(std::make_move_iterator(buffer_.begin()),
                     std::make_move_iterator(buffer_.begin() + static_cast<std::ptrdiff_t>(n)));
        buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(n));
        writing_ = n;
        // SQLite may block (a lock, a slow disk): the probe loop can still add meanwhile.
        lock.unlock();
        std::optional<std::string> error;
        try {
            into(batch);
        } catch (const std::exception& e) {
            error = e.what();
        }
        lock.lock();
        writing_ = 0;
        if (error) {
            // Back at the front, in order; beyond the bound the oldest go.
            const auto room = max_buffered_ > buffer_.size() ? max_buffered_ - buffer_.size() : 0;
            const auto keep = std::min(room, batch.size());
            dropped_ += batch.size() - keep;
            buffer_.insert(buffer_.begin(),
                           std::make_move_iterator(batch.end() - static_cast<std::ptrdiff_t>(keep)),
                           std::make_move_iterator(batch.end()));
            ++errors_;
            healthy_ = false;
            last_error_ = *error;
            error_unreported_ = true;
            return false;
        }
        written_ += n;
        left -= n;
    }
    healthy_ = true;
    return true;
}

std::size_t ResultWriter::buffered() const {
    std::lock_guard lock(mutex_);
    return buffer_.size() + writing_;
}

std::uint64_t ResultWriter::dropped() const {
    std::lock_guard lock(mutex_);
    return dropped_;
}

std::uint64_t ResultWriter::errors() const {
    std::lock_guard lock(mutex_);
    return errors_;
}

std::uint64_t ResultWriter::written() const {
    std::lock_guard lock(mutex_);
    return written_;
}

bool ResultWriter::healthy() const {
    std::lock_guard lock(mutex_);
    return healthy_;
}

WriterCounts ResultWriter::counts() const {
    std::lock_guard lock(mutex_);
    return {buffer_.size() + writing_, peak_, max_buffered_, written_, dropped_, errors_, healthy_};
}

std::optional<sla::EpochMinute> ResultWriter::oldest_buffered_minute() const {
    std::lock_guard lock(mutex_);
    if (buffer_.empty()) return std::nullopt;
    sla::EpochMinute oldest = sla::minute_of_ms(buffer_.front().sample.sent_ms);
    for (const auto& r : buffer_) oldest = std::min(oldest, sla::minute_of_ms(r.sample.sent_ms));
    return oldest;
}

std::optional<std::string> ResultWriter::error_report(sla::EpochMillis now_ms) {
    std::lock_guard lock(mutex_);
    if (!error_unreported_ || healthy_) return std::nullopt;
    if (reported_once_ && now_ms - last_report_ms_ < 60'000) return std::nullopt;
    reported_once_ = true;
    last_report_ms_ = now_ms;
    error_unreported_ = false;
    return last_error_;
}

}  // namespace slawatch::daemon
