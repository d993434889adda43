// SPDX-License-Identifier: Apache-2.0
// R1: epoch minutes, calendar dates and the contract time zone.
#include "sla/time.hpp"

#include <date/tz.h>

#include <chrono>
#include <cstdio>
#include <exception>

namespace slawatch::sla {

namespace {

using std::chrono::minutes;
using std::chrono::seconds;

// A fixed-width run of decimal digits at text[pos, pos + width), or -1.
int digits_at(std::string_view text, std::size_t pos, std::size_t width) {
    if (pos + width > text.size()) return -1;
    int value = 0;
    for (std::size_t i = pos; i < pos + width; ++i) {
        const char c = text[i];
        if (c < '0' || c > '9') return -1;
        value = value * 10 + (c - '0');
    }
    return value;
}

// "YYYY-MM-DD" at the start of text, valid as a calendar date.
std::optional<Date> date_prefix(std::string_view text) {
    const int y = digits_at(text, 0, 4);
    const int m = digits_at(text, 5, 2);
    const int d = digits_at(text, 8, 2);
    if (y < 0 || m < 0 || d < 0 || text[4] != '-' || text[7] != '-') return std::nullopt;
    const Date date{date::year{y}, date::month{static_cast<unsigned>(m)},
                    date::day{static_cast<unsigned>(d)}};
    if (!date.ok()) return std::nullopt;
    return date;
}

// Ceiling division by 60 for seconds since the epoch, negative ones included.
EpochMinute ceil_minute(EpochSeconds s) {
    const EpochMinute floor = minute_of_seconds(s);
    return floor * 60 == s ? floor : floor + 1;
}

// RFC 3339 for the instant `ms` shown at UTC offset `offset`.
std::string format_at(EpochMillis ms, seconds offset, bool with_millis) {
    // The offset is written as +HH:MM, so shift by whole minutes only; the
    // text then still names exactly the instant `ms`.
    const minutes off = std::chrono::duration_cast<minutes>(offset);
    const auto local =
        date::sys_time<std::chrono::milliseconds>{std::chrono::milliseconds{ms}} + off;
    const auto day = date::floor<date::days>(local);
    const Date ymd{day};
    const date::hh_mm_ss<std::chrono::milliseconds> hms{local - day};
    const long long off_min = off.count();
    const long long abs_off = off_min < 0 ? -off_min : off_min;
    char buf[64];
    int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d",
                          static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                          static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                          static_cast<int>(hms.minutes().count()),
                          static_cast<int>(hms.seconds().count()));
    if (with_millis) {
        n += std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), ".%03d",
                           static_cast<int>(hms.subseconds().count()));
    }
    std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), "%c%02lld:%02lld",
                  off_min < 0 ? '-' : '+', abs_off / 60, abs_off % 60);
    return buf;
}

}  // namespace

std::int64_t days_between_inclusive(Date first, Date last) {
    return (date::sys_days{last} - date::sys_days{first}).count() + 1;
}

Date add_days(Date d, std::int64_t days) {
    return Date{date::sys_days{d} + date::days{days}};
}

std::string format_date(Date d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                  static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
    return buf;
}

std::optional<Date> parse_date(std::string_view text) {
    if (text.size() != 10) return std::nullopt;
    return date_prefix(text);
}

std::string format_year_month(date::year_month ym) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%04d-%02u", static_cast<int>(ym.year()),
                  static_cast<unsigned>(ym.month()));
    return buf;
}

std::optional<date::year_month> parse_year_month(std::string_view text) {
    if (text.size() != 7 || text[4] != '-') return std::nullopt;
    const int y = digits_at(text, 0, 4);
    const int m = digits_at(text, 5, 2);
    if (y < 0 || m < 1 || m > 12) return std::nullopt;
    return date::year{y} / date::month{static_cast<unsigned>(m)};
}

std::optional<EpochMillis> parse_rfc3339(std::string_view text) {
    // YYYY-MM-DD T HH:MM:SS [.fraction] (Z | +HH:MM | -HH:MM)
    if (text.size() < 20) return std::nullopt;
    const auto day = date_prefix(text);
    if (!day) return std::nullopt;
    // RFC 3339 allows 't' and, in its section 5.6 note, a space.
    const char sep = text[10];
    if (sep != 'T' && sep != 't' && sep != ' ') return std::nullopt;
    const int hh = digits_at(text, 11, 2);
    const int mm = digits_at(text, 14, 2);
    const int ss = digits_at(text, 17, 2);
    if (text[13] != ':' || text[16] != ':') return std::nullopt;
    // Leap seconds (:60) are not accepted: the clocks we compare with smear them.
    if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59) return std::nullopt;

    std::size_t pos = 19;
    std::int64_t millis = 0;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        const std::size_t begin = pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            // Only milliseconds are kept; further digits are truncated.
            if (pos - begin < 3) millis = millis * 10 + (text[pos] - '0');
            ++pos;
        }
        const std::size_t count = pos - begin;
        if (count == 0) return std::nullopt;
        for (std::size_t i = count; i < 3; ++i) millis *= 10;
    }

    std::int64_t offset_minutes = 0;
    if (pos >= text.size()) return std::nullopt;  // the offset is required
    const char z = text[pos];
    if (z == 'Z' || z == 'z') {
        ++pos;
    } else if (z == '+' || z == '-') {
        const int oh = digits_at(text, pos + 1, 2);
        const int om = digits_at(text, pos + 4, 2);
        if (pos + 6 > text.size() || text[pos + 3] != ':') return std::nullopt;
        if (oh < 0 || oh > 23 || om < 0 || om > 59) return std::nullopt;
        offset_minutes = (oh * 60 + om) * (z == '-' ? -1 : 1);
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != text.size()) return std::nullopt;

    const std::int64_t days = date::sys_days{*day}.time_since_epoch().count();
    const std::int64_t local_seconds = days * 86'400 + hh * 3600 + mm * 60 + ss;
    return (local_seconds - offset_minutes * 60) * 1000 + millis;
}

std::optional<TimeZone> TimeZone::locate(std::string_view iana_name) {
    if (iana_name.empty()) return std::nullopt;
    try {
        return TimeZone{date::locate_zone(iana_name)};
    } catch (const std::exception&) {
        // Unknown name, or no tzdata installed: both mean "no such zone".
        return std::nullopt;
    }
}

std::string_view TimeZone::name() const {
    return zone_ ? std::string_view{zone_->name()} : std::string_view{"UTC"};
}

Date TimeZone::local_date(EpochMinute minute) const {
    // R1: the minute's date is the local date of its first second.
    const date::sys_seconds at{seconds{minute * 60}};
    if (!zone_) return Date{date::floor<date::days>(at)};
    const auto local = zone_->to_local(at);
    return Date{date::floor<date::days>(local)};
}

EpochMinute TimeZone::start_of_day(Date d) const {
    if (!zone_) return date::sys_days{d}.time_since_epoch().count() * 1440;
    const date::local_seconds midnight{date::local_days{d}.time_since_epoch()};
    const date::local_info info = zone_->get_info(midnight);
    EpochSeconds at = 0;
    switch (info.result) {
        case date::local_info::unique:
        case date::local_info::ambiguous:
            // Ambiguous: `first` is the earlier of the two instants.
            at = (midnight.time_since_epoch() - info.first.offset).count();
            break;
        case date::local_info::nonexistent:
            // DST gap over midnight: the day starts when the gap ends.
            at = info.first.end.time_since_epoch().count();
            break;
    }
    // The first minute that starts on or after that instant (zones with
    // historical second offsets do not start days on a minute boundary).
    return ceil_minute(at);
}

std::string TimeZone::format_minute(EpochMinute minute) const {
    const date::sys_seconds at{seconds{minute * 60}};
    const seconds offset = zone_ ? zone_->get_info(at).offset : seconds{0};
    return format_at(minute * 60'000, offset, false);
}

std::string TimeZone::format_millis(EpochMillis ms) const {
    const auto at = date::floor<seconds>(
        date::sys_time<std::chrono::milliseconds>{std::chrono::milliseconds{ms}});
    const seconds offset = zone_ ? zone_->get_info(at).offset : seconds{0};
    return format_at(ms, offset, true);
}

}  // namespace slawatch::sla
