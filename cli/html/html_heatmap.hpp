// SPDX-License-Identifier: Apache-2.0
#pragma once
// The calendar heatmap of a Service Month: one row per day of its minutes
// (contract time zone), each an inline SVG where a run of minutes in the same
// service state is one rect with a <title>, plus a day-by-day table as the
// text alternative.

#include "sla/service_month.hpp"
#include "sla/time.hpp"
#include "storage/store.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace slawatch::cli::html {

struct DayMinutes {
    sla::Date day;
    sla::EpochMinute start = 0;
    std::vector<std::uint8_t> states;  // per minute: sla::MinuteState, or future_state
};

// The service row of every minute of `month`: stored states as `minutes`
// prints them (absent rows are unknown, R3), minutes at or after `now` not
// yet elapsed.
std::vector<DayMinutes> month_minutes(const storage::Figures& store, const sla::TimeZone& zone,
                                      const sla::ServiceMonth& month, sla::EpochMillis now);

// The legend, the hour axis and one row per day.
std::string heatmap(const std::vector<DayMinutes>& days, const sla::TimeZone& zone);

// Minutes per state per day, in a table (inside <details>, open when printed).
std::string day_table(const std::vector<DayMinutes>& days);

}  // namespace slawatch::cli::html
