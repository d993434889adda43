// SPDX-License-Identifier: Apache-2.0
#include "storage/minute_table.hpp"

namespace slawatch::storage {
namespace {

constexpr auto unknown_cell = static_cast<std::uint32_t>(sla::MinuteState::unknown);

}  // namespace

MinuteTable::MinuteTable(sla::EpochMinute from, sla::EpochMinute to, std::vector<std::string> rows)
    : from_(from), to_(std::max(from, to)), rows_(std::move(rows)) {
    cells_.assign(rows_.size() * static_cast<std::size_t>(to_ - from_), unknown_cell);
}

std::optional<std::size_t> MinuteTable::row_of(std::string_view name) const {
    for (std::size_t i = 0; i < rows_.size(); ++i)
        if (rows_[i] == name) return i;
    return std::nullopt;
}

void MinuteTable::set(std::size_t row, sla::EpochMinute minute, sla::MinuteState state,
                      std::int64_t samples, std::int64_t failures) {
    if (row >= rows_.size() || minute < from_ || minute >= to_) return;
    cells_[row * static_cast<std::size_t>(to_ - from_) + static_cast<std::size_t>(minute - from_)] =
        static_cast<std::uint32_t>(layout::minute_v(state, samples, failures));
}

MinuteTable::Cell MinuteTable::at(std::size_t row, sla::EpochMinute minute) const {
    if (row >= rows_.size() || minute < from_ || minute >= to_) return {};
    const auto v = cells_[row * static_cast<std::size_t>(to_ - from_) +
                          static_cast<std::size_t>(minute - from_)];
    const auto state = layout::minute_state(v);
    return {state < sla::minute_state_count ? static_cast<sla::MinuteState>(state)
                                            : sla::MinuteState::unknown,
            layout::minute_samples(v), layout::minute_failures(v)};
}

sla::StateCounts MinuteTable::count(std::size_t row, sla::EpochMinute from,
                                    sla::EpochMinute to) const {
    sla::StateCounts counts;
    if (from >= to) return counts;
    const auto a = std::clamp(from, from_, to_);
    const auto b = std::clamp(to, from_, to_);
    if (row < rows_.size() && a < b) {
        const auto* cell = &cells_[row * static_cast<std::size_t>(to_ - from_) +
                                   static_cast<std::size_t>(a - from_)];
        for (auto m = a; m < b; ++m, ++cell) {
            const auto state = layout::minute_state(*cell);
            if (state < sla::minute_state_count) ++counts.by_state[static_cast<std::size_t>(state)];
        }
    }
    // Minutes outside the span, or of no row, are unknown (R3).
    counts[sla::MinuteState::unknown] += (to - from) - counts.total();
    return counts;
}

}  // namespace slawatch::storage
