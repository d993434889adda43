// SPDX-License-Identifier: Apache-2.0
// R6, R7: Service Months of a term and their total minutes.
#include "sla/service_month.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>

using namespace slawatch::sla;
using namespace date::literals;

TEST_CASE("R6: a 3-month term from 17 March gives 4 Service Months", "[sla][service_month]") {
    const Date start = 2026_y / 3 / 17;
    const Date end = term_end(start, 3);
    CHECK(end == Date{2026_y / 6 / 16});
    const auto months = service_months(start, end);
    REQUIRE(months.size() == 4);
    CHECK(months[0].first == Date{2026_y / 3 / 17});
    CHECK(months[0].last == Date{2026_y / 3 / 31});
    CHECK(months[1].first == Date{2026_y / 4 / 1});
    CHECK(months[1].last == Date{2026_y / 4 / 30});
    CHECK(months[2].first == Date{2026_y / 5 / 1});
    CHECK(months[2].last == Date{2026_y / 5 / 31});
    CHECK(months[3].first == Date{2026_y / 6 / 1});
    CHECK(months[3].last == Date{2026_y / 6 / 16});
    for (std::size_t i = 0; i < months.size(); ++i)
        CHECK(months[i].index == static_cast<int>(i) + 1);
    // R7: days x 1440.
    CHECK(months[0].days() == 15);
    CHECK(months[0].total_minutes() == 21600);
    CHECK(months[1].total_minutes() == 43200);
    CHECK(months[3].total_minutes() == 16 * 1440);
    CHECK(months[2].calendar_month() == 2026_y / 5);
}

TEST_CASE("R6: term ends, including a start on the 31st", "[sla][service_month]") {
    CHECK(term_end(2026_y / 1 / 31, 1) == Date{2026_y / 2 / 28});
    CHECK(term_end(2026_y / 1 / 28, 1) == Date{2026_y / 2 / 27});
    CHECK(term_end(2026_y / 1 / 1, 1) == Date{2026_y / 1 / 31});
    CHECK(term_end(2026_y / 1 / 1, 12) == Date{2026_y / 12 / 31});
    CHECK(term_end(2027_y / 12 / 31, 2) == Date{2028_y / 2 / 29});
    CHECK(term_end(2026_y / 3 / 31, 1) == Date{2026_y / 4 / 30});
    CHECK(term_end(2026_y / 5 / 31, 1) == Date{2026_y / 6 / 30});
    CHECK_THROWS_AS(term_end(2026_y / 1 / 1, 0), std::invalid_argument);

    const auto months = service_months(2026_y / 1 / 31, term_end(2026_y / 1 / 31, 1));
    REQUIRE(months.size() == 2);
    CHECK(months[0].first == Date{2026_y / 1 / 31});
    CHECK(months[0].last == Date{2026_y / 1 / 31});
    CHECK(months[0].total_minutes() == 1440);
    CHECK(months[1].first == Date{2026_y / 2 / 1});
    CHECK(months[1].last == Date{2026_y / 2 / 28});
}

TEST_CASE("R7: leap-year February has 29 days, 41760 minutes", "[sla][service_month]") {
    const auto months = service_months(2028_y / 1 / 15, 2028_y / 3 / 10);
    REQUIRE(months.size() == 3);
    CHECK(months[1].days() == 29);
    CHECK(months[1].total_minutes() == 41760);
    const auto plain = service_months(2026_y / 2 / 1, 2026_y / 2 / 28);
    REQUIRE(plain.size() == 1);
    CHECK(plain[0].total_minutes() == 40320);
}

TEST_CASE("R6: a term within one month, a year-long term, and an empty one",
          "[sla][service_month]") {
    const auto one = service_months(2026_y / 6 / 10, 2026_y / 6 / 20);
    REQUIRE(one.size() == 1);
    CHECK(one[0].days() == 11);
    const auto year = service_months(2026_y / 1 / 1, term_end(2026_y / 1 / 1, 12));
    REQUIRE(year.size() == 12);
    std::int64_t minutes = 0;
    for (const auto& m : year) minutes += m.total_minutes();
    CHECK(minutes == 365 * 1440);
    CHECK(service_months(2026_y / 6 / 2, 2026_y / 6 / 1).empty());
}

TEST_CASE("R6: finding the Service Month of a calendar month or a date", "[sla][service_month]") {
    const auto months = service_months(2026_y / 3 / 17, 2026_y / 6 / 16);
    const auto april = find_service_month(months, 2026_y / 4);
    REQUIRE(april);
    CHECK(april->index == 2);
    CHECK_FALSE(find_service_month(months, 2026_y / 7));
    CHECK_FALSE(find_service_month(months, 2025_y / 3));
    CHECK(service_month_of(months, 2026_y / 3 / 17)->index == 1);
    CHECK(service_month_of(months, 2026_y / 6 / 16)->index == 4);
    CHECK_FALSE(service_month_of(months, 2026_y / 3 / 16));
    CHECK_FALSE(service_month_of(months, 2026_y / 6 / 17));
}
