// SPDX-License-Identifier: Apache-2.0
// R1: dates, RFC 3339 and the contract time zone (incl. DST zones).
#include "sla/service_month.hpp"
#include "sla/time.hpp"

#include <catch2/catch.hpp>

#include <chrono>

using namespace slawatch::sla;
using namespace date::literals;
using namespace std::chrono_literals;

namespace {

// Epoch minute of a UTC wall-clock time, computed independently of the code under test.
EpochMinute utc_minute(Date d, std::chrono::minutes time_of_day) {
    const auto tp = date::sys_days{d} + time_of_day;
    return std::chrono::duration_cast<std::chrono::minutes>(tp.time_since_epoch()).count();
}

EpochMillis utc_ms(Date d, std::chrono::milliseconds time_of_day) {
    const auto tp = date::sys_days{d} + time_of_day;
    return std::chrono::duration_cast<std::chrono::milliseconds>(tp.time_since_epoch()).count();
}

TimeZone zone(const char* name) {
    const auto z = TimeZone::locate(name);
    REQUIRE(z.has_value());
    return *z;
}

}  // namespace

TEST_CASE("R1: minutes are floored, also before the epoch", "[sla][time]") {
    CHECK(minute_of_ms(0) == 0);
    CHECK(minute_of_ms(59'999) == 0);
    CHECK(minute_of_ms(60'000) == 1);
    CHECK(minute_of_ms(-1) == -1);
    CHECK(minute_of_ms(-60'000) == -1);
    CHECK(minute_of_ms(-60'001) == -2);
    CHECK(minute_of_seconds(59) == 0);
    CHECK(minute_of_seconds(-1) == -1);
}

TEST_CASE("R1: dates parse and format as YYYY-MM-DD only", "[sla][time]") {
    CHECK(parse_date("2026-03-17") == Date{2026_y / 3 / 17});
    CHECK(parse_date("2028-02-29") == Date{2028_y / 2 / 29});
    CHECK(format_date(2026_y / 3 / 7) == "2026-03-07");
    for (const char* bad : {"", "2026-3-17", "2026-02-29", "2026-13-01", "2026-00-10", "2026-04-31",
                            "2026/03/17", "2026-03-17 ", "x026-03-17", "2026-03-170"}) {
        INFO(bad);
        CHECK_FALSE(parse_date(bad));
    }
    CHECK(parse_year_month("2026-06") == 2026_y / 6);
    CHECK(format_year_month(2026_y / 6) == "2026-06");
    for (const char* bad : {"2026-13", "2026-00", "2026-6", "2026-06-01", "", "abcd-ef"}) {
        INFO(bad);
        CHECK_FALSE(parse_year_month(bad));
    }
    CHECK(days_between_inclusive(2026_y / 3 / 17, 2026_y / 3 / 31) == 15);
    CHECK(add_days(2028_y / 2 / 28, 1) == Date{2028_y / 2 / 29});
    CHECK(add_days(2026_y / 3 / 1, -1) == Date{2026_y / 2 / 28});
}

TEST_CASE("R1: RFC 3339 with Z or an offset and an optional fraction", "[sla][time]") {
    // The two spellings of the same instant (RFC 3339 with Z and with an offset,
    // docs/interface.md).
    const EpochMillis expect = utc_ms(2026_y / 5 / 31, 16h + 5s);
    CHECK(parse_rfc3339("2026-06-01T00:00:05+08:00") == expect);
    CHECK(parse_rfc3339("2026-05-31T16:00:05Z") == expect);
    CHECK(parse_rfc3339("2026-05-31t16:00:05z") == expect);
    CHECK(parse_rfc3339("2026-05-31T16:00:05.250Z") == expect + 250);
    CHECK(parse_rfc3339("2026-05-31T16:00:05.5Z") == expect + 500);
    CHECK(parse_rfc3339("2026-05-31T16:00:05.123456789Z") == expect + 123);
    CHECK(parse_rfc3339("2026-05-31T11:30:05-04:30") == expect);
    CHECK(parse_rfc3339("2026-05-31T16:00:05-00:00") == expect);
    CHECK(parse_rfc3339("1969-12-31T23:59:59.500Z") == -500);
}

TEST_CASE("R1: RFC 3339 rejects garbage, bad fields and a missing offset", "[sla][time]") {
    for (const char* bad : {"",
                            "garbage",
                            "2026-06-01",
                            "2026-06-01T00:00:05",  // no offset
                            "2026-06-01T00:00:05+08",
                            "2026-06-01T00:00:05+0800",  // bad offsets
                            "2026-06-01T00:00:05+24:00",
                            "2026-06-01T00:00:05+08:60",
                            "2026-13-01T00:00:05Z",
                            "2026-02-30T00:00:05Z",  // bad date
                            "2026-06-01T24:00:00Z",
                            "2026-06-01T00:60:00Z",
                            "2026-06-01T00:00:60Z",
                            "2026-06-01T00:00:05.Z",
                            "2026-06-01T00:00:05ZZ",
                            "2026-06-01T00:00:05Z ",
                            " 2026-06-01T00:00:05Z",
                            "2026-06-01X00:00:05Z",
                            "2026-06-01T0:00:05Z",
                            "2026-06-01T00:00:05+08:00x",
                            "2026-06-01T-1:00:05Z"}) {
        INFO(bad);
        CHECK_FALSE(parse_rfc3339(bad));
    }
}

TEST_CASE("R1: the default zone is UTC and unknown zones are refused", "[sla][time]") {
    const TimeZone utc;
    CHECK(utc.name() == "UTC");
    CHECK_FALSE(TimeZone::locate("Mars/Olympus_Mons"));
    CHECK_FALSE(TimeZone::locate(""));
    const EpochMinute m = utc_minute(2026_y / 6 / 1, 5min);
    CHECK(utc.format_minute(m) == "2026-06-01T00:05:00+00:00");
    CHECK(utc.local_date(m) == Date{2026_y / 6 / 1});
    CHECK(utc.local_date(m - 6) == Date{2026_y / 5 / 31});
    CHECK(utc.start_of_day(2026_y / 6 / 1) == m - 5);
    CHECK(utc.format_millis(m * 60'000 + 250) == "2026-06-01T00:05:00.250+00:00");
}

TEST_CASE("R1: Asia/Shanghai minutes belong to their local date", "[sla][time]") {
    const TimeZone sh = zone("Asia/Shanghai");
    CHECK(sh.name() == "Asia/Shanghai");
    // 23:59:30 local on the last day of May is still May: 15:59:30 UTC.
    const auto last = parse_rfc3339("2026-05-31T23:59:30+08:00");
    REQUIRE(last);
    const EpochMinute m = minute_of_ms(*last);
    CHECK(m == utc_minute(2026_y / 5 / 31, 15h + 59min));
    CHECK(sh.local_date(m) == Date{2026_y / 5 / 31});
    CHECK(sh.local_date(m + 1) == Date{2026_y / 6 / 1});
    CHECK(sh.start_of_day(2026_y / 6 / 1) == m + 1);
    CHECK(sh.format_minute(m + 6) == "2026-06-01T00:05:00+08:00");
    CHECK(sh.format_millis(*last) == "2026-05-31T23:59:30.000+08:00");
}

TEST_CASE("R1, R7: America/New_York across the DST changes", "[sla][time]") {
    const TimeZone ny = zone("America/New_York");
    // 2026-03-08: 02:00 EST jumps to 03:00 EDT, the day has 23 hours.
    const EpochMinute mar8 = ny.start_of_day(2026_y / 3 / 8);
    const EpochMinute mar9 = ny.start_of_day(2026_y / 3 / 9);
    CHECK(mar8 == utc_minute(2026_y / 3 / 8, 5h));  // midnight EST
    CHECK(mar9 == utc_minute(2026_y / 3 / 9, 4h));  // midnight EDT
    CHECK(mar9 - mar8 == 23 * 60);
    // R7: the Service Month still counts every day as 1440 minutes.
    const ServiceMonth march{1, 2026_y / 3 / 1, 2026_y / 3 / 31};
    CHECK(march.total_minutes() == 31 * 1440);
    CHECK(ny.start_of_day(2026_y / 4 / 1) - ny.start_of_day(2026_y / 3 / 1) == 31 * 1440 - 60);

    // Around the jump: 01:59 EST is followed by 03:00 EDT, same date.
    const EpochMinute before = utc_minute(2026_y / 3 / 8, 6h + 59min);
    CHECK(ny.format_minute(before) == "2026-03-08T01:59:00-05:00");
    CHECK(ny.format_minute(before + 1) == "2026-03-08T03:00:00-04:00");
    CHECK(ny.local_date(before) == Date{2026_y / 3 / 8});
    CHECK(ny.local_date(before + 1) == Date{2026_y / 3 / 8});
    CHECK(ny.local_date(mar9 - 1) == Date{2026_y / 3 / 8});
    CHECK(ny.local_date(mar9) == Date{2026_y / 3 / 9});

    // 2026-11-01: 02:00 EDT falls back to 01:00 EST, the day has 25 hours and
    // both 01:30s are on 1 November.
    const EpochMinute nov1 = ny.start_of_day(2026_y / 11 / 1);
    const EpochMinute nov2 = ny.start_of_day(2026_y / 11 / 2);
    CHECK(nov2 - nov1 == 25 * 60);
    const EpochMinute first_0130 = utc_minute(2026_y / 11 / 1, 5h + 30min);
    CHECK(ny.format_minute(first_0130) == "2026-11-01T01:30:00-04:00");
    CHECK(ny.format_minute(first_0130 + 60) == "2026-11-01T01:30:00-05:00");
    CHECK(ny.local_date(first_0130) == Date{2026_y / 11 / 1});
    CHECK(ny.local_date(first_0130 + 60) == Date{2026_y / 11 / 1});
}

TEST_CASE("R1: a DST change at midnight starts the day at the first existing minute",
          "[sla][time]") {
    // America/Havana springs forward at midnight (00:00 CST -> 01:00 CDT) on
    // 2026-03-08 and falls back at 01:00 CDT -> 00:00 CST on 2026-11-01.
    const TimeZone havana = zone("America/Havana");
    const EpochMinute gap = havana.start_of_day(2026_y / 3 / 8);
    CHECK(gap == utc_minute(2026_y / 3 / 8, 5h));
    CHECK(havana.format_minute(gap) == "2026-03-08T01:00:00-04:00");
    CHECK(havana.local_date(gap) == Date{2026_y / 3 / 8});
    CHECK(havana.local_date(gap - 1) == Date{2026_y / 3 / 7});

    // Midnight of 1 November happens twice; the day starts at the earlier one.
    const EpochMinute twice = havana.start_of_day(2026_y / 11 / 1);
    CHECK(twice == utc_minute(2026_y / 11 / 1, 4h));
    CHECK(havana.format_minute(twice) == "2026-11-01T00:00:00-04:00");
    CHECK(havana.local_date(twice - 1) == Date{2026_y / 10 / 31});
}
