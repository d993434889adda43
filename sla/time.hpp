// SPDX-License-Identifier: Apache-2.0
#pragma once
// R1: wall-clock minutes as UTC epoch minutes; dates taken in the contract zone.

#include <date/date.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace date {
class time_zone;
}

namespace slawatch::sla {

using Date = date::year_month_day;
using EpochMinute = std::int64_t;   // minutes since 1970-01-01T00:00:00Z
using EpochSeconds = std::int64_t;  // seconds since the epoch
using EpochMillis = std::int64_t;   // milliseconds since the epoch

// Floor division, so that times before the epoch still land in their minute.
constexpr EpochMinute minute_of_ms(EpochMillis ms) {
    return ms >= 0 ? ms / 60'000 : -((-ms + 59'999) / 60'000);
}
constexpr EpochMinute minute_of_seconds(EpochSeconds s) {
    return s >= 0 ? s / 60 : -((-s + 59) / 60);
}

// Inclusive number of calendar days in [first, last].
std::int64_t days_between_inclusive(Date first, Date last);
Date add_days(Date d, std::int64_t days);

// "YYYY-MM-DD" in and out; parse rejects anything else (including invalid days).
std::string format_date(Date d);
std::optional<Date> parse_date(std::string_view text);

// "YYYY-MM" in and out.
std::string format_year_month(date::year_month ym);
std::optional<date::year_month> parse_year_month(std::string_view text);

// RFC 3339 with 'Z' or a numeric offset, optional fraction of a second:
// "2026-06-01T00:00:05+08:00", "2026-05-31T16:00:05.250Z".
std::optional<EpochMillis> parse_rfc3339(std::string_view text);

// An IANA time zone from the system tzdata (R1).
class TimeZone {
public:
    // UTC.
    TimeZone() = default;

    // nullopt when the name is unknown.
    static std::optional<TimeZone> locate(std::string_view iana_name);

    std::string_view name() const;

    // The local calendar date of a minute.
    Date local_date(EpochMinute minute) const;

    // The first minute whose local date is `d` (local midnight, or the first
    // minute after a DST gap that swallows midnight).
    EpochMinute start_of_day(Date d) const;

    // RFC 3339 in this zone with its offset at that instant,
    // e.g. "2026-06-01T00:05:00+08:00".
    std::string format_minute(EpochMinute minute) const;
    std::string format_millis(EpochMillis ms) const;

private:
    explicit TimeZone(const date::time_zone* zone) : zone_(zone) {}
    const date::time_zone* zone_ = nullptr;  // nullptr: UTC
};

}  // namespace slawatch::sla
