// SPDX-License-Identifier: Apache-2.0
#pragma once
// Minute states held in memory for a span of minutes: one row per configured
// probe and one for the service, every minute of the span present. What
// VerifiedFigures derives from verified evidence; nothing reads it from disk.

#include "sla/minute_state.hpp"
#include "sla/month_report.hpp"
#include "storage/layout.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slawatch::storage {

class MinuteTable {
public:
    struct Cell {
        sla::MinuteState state = sla::MinuteState::unknown;
        int samples = 0;
        int failures = 0;
    };

    MinuteTable() = default;
    // Every minute of [from, to) of each row starts unknown with 0 samples.
    MinuteTable(sla::EpochMinute from, sla::EpochMinute to, std::vector<std::string> rows);

    sla::EpochMinute from() const { return from_; }
    sla::EpochMinute to() const { return to_; }
    const std::vector<std::string>& rows() const { return rows_; }
    std::optional<std::size_t> row_of(std::string_view name) const;

    void set(std::size_t row, sla::EpochMinute minute, sla::MinuteState state, std::int64_t samples,
             std::int64_t failures);
    // Outside the span a minute is unknown with 0 samples.
    Cell at(std::size_t row, sla::EpochMinute minute) const;
    // The row's minutes of [from, to) by state; those outside the span unknown.
    sla::StateCounts count(std::size_t row, sla::EpochMinute from, sla::EpochMinute to) const;

private:
    sla::EpochMinute from_ = 0;
    sla::EpochMinute to_ = 0;
    std::vector<std::string> rows_;
    std::vector<std::uint32_t> cells_;  // row-major, packed as layout::minute_v
};

}  // namespace slawatch::storage
