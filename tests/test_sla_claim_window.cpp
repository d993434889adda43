// SPDX-License-Identifier: Apache-2.0
// R10: business days and claim windows.
#include "sla/claim_window.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>

using namespace slawatch::sla;
using namespace date::literals;

namespace {

// China's 2026 National Day holiday: 1-7 October off (the weekdays among
// them are holidays), Saturday 10 October worked instead.
BusinessCalendar golden_week_2026() {
    return BusinessCalendar{
        {2026_y / 10 / 1, 2026_y / 10 / 2, 2026_y / 10 / 5, 2026_y / 10 / 6, 2026_y / 10 / 7},
        {2026_y / 10 / 10}};
}

}  // namespace

TEST_CASE("R10: business days are Mon-Fri minus holidays plus workdays", "[sla][claim]") {
    const BusinessCalendar plain;
    CHECK(plain.is_business_day(2026_y / 4 / 1));        // Wednesday
    CHECK_FALSE(plain.is_business_day(2026_y / 4 / 4));  // Saturday
    CHECK_FALSE(plain.is_business_day(2026_y / 4 / 5));  // Sunday
    const auto cal = golden_week_2026();
    CHECK_FALSE(cal.is_business_day(2026_y / 10 / 1));
    CHECK(cal.is_business_day(2026_y / 10 / 8));
    CHECK(cal.is_business_day(2026_y / 10 / 10));        // make-up Saturday
    CHECK_FALSE(cal.is_business_day(2026_y / 10 / 11));  // ordinary Sunday
    CHECK(plain.nth_business_day(2026_y / 4, 1) == Date{2026_y / 4 / 1});
    CHECK(plain.nth_business_day(2026_y / 4, 5) == Date{2026_y / 4 / 7});
    CHECK(plain.nth_business_day(2026_y / 8, 1) == Date{2026_y / 8 / 3});  // 1 Aug is a Saturday
    CHECK_THROWS_AS(plain.nth_business_day(2026_y / 4, 0), std::invalid_argument);
}

TEST_CASE("R10: the SLA example: 2026-03-31 opens 2026-04-08, deadline 2026-05-30",
          "[sla][claim]") {
    const auto w = claim_window(2026_y / 3 / 31, BusinessCalendar{});
    CHECK(w.opens == Date{2026_y / 4 / 8});
    CHECK(w.deadline == Date{2026_y / 5 / 30});
}

TEST_CASE("R10: a claim window across Golden Week and a make-up Saturday", "[sla][claim]") {
    // Business days of October 2026: 8, 9, 10 (Sat, worked), 12, 13.
    const auto w = claim_window(2026_y / 9 / 30, golden_week_2026());
    CHECK(w.opens == Date{2026_y / 10 / 14});
    CHECK(w.deadline == Date{2026_y / 11 / 29});
    // Without the holiday calendar it would open a week earlier.
    CHECK(claim_window(2026_y / 9 / 30, BusinessCalendar{}).opens == Date{2026_y / 10 / 8});
}

TEST_CASE("R10: a term ending mid-month, December, and configured counts", "[sla][claim]") {
    const auto june = claim_window(2026_y / 6 / 16, BusinessCalendar{});
    CHECK(june.opens == Date{2026_y / 7 / 8});
    CHECK(june.deadline == Date{2026_y / 8 / 15});
    // December's claims open in January of the next year (1 Jan a holiday).
    const BusinessCalendar new_year{{2027_y / 1 / 1}, {}};
    const auto dec = claim_window(2026_y / 12 / 31, new_year);
    CHECK(dec.opens == Date{2027_y / 1 / 9});  // 4, 5, 6, 7, 8 January
    CHECK(dec.deadline == Date{2027_y / 3 / 1});
    const auto custom = claim_window(2026_y / 3 / 31, BusinessCalendar{}, 1, 30);
    CHECK(custom.opens == Date{2026_y / 4 / 2});
    CHECK(custom.deadline == Date{2026_y / 4 / 30});
}
