// SPDX-License-Identifier: Apache-2.0
// R8: availability compared with the standard exactly; exact percentages.
#include "sla/availability.hpp"
#include "sla/percent.hpp"

#include <catch2/catch.hpp>

using namespace slawatch::sla;

namespace {
const Percent p999 = Percent::from_units(99'900'000);
}

TEST_CASE("R8: a 30-day month allows 43.2 minutes, so 43 meet and 44 do not",
          "[sla][availability]") {
    CHECK(standard_met(43, 43200, p999));
    CHECK_FALSE(standard_met(44, 43200, p999));
    CHECK(error_budget_minutes(43200, p999) == 43);
    CHECK(availability_text(43, 43200) == "99.900463");
    CHECK(availability_text(44, 43200) == "99.898148");
}

TEST_CASE("R8: exactly 99.9 % meets the standard (36 of a 25-day month)", "[sla][availability]") {
    const std::int64_t total = 25 * 1440;  // 36,000
    CHECK(standard_met(36, total, p999));
    CHECK_FALSE(standard_met(37, total, p999));
    CHECK(availability_text(36, total) == "99.900000");
    CHECK(error_budget_minutes(total, p999) == 36);
    // The R8 shortcut for 99.9 %: unavailable * 1000 <= total, over many totals.
    for (std::int64_t t = 1; t <= 50'000; t += 37) {
        for (std::int64_t u : {std::int64_t{0}, t / 1000, t / 1000 + 1, t / 999, t}) {
            INFO("t=" << t << " u=" << u);
            CHECK(standard_met(u, t, p999) == (u * 1000 <= t));
        }
        CHECK(error_budget_minutes(t, p999) == t / 1000);
    }
}

TEST_CASE("R8: other thresholds and a year of minutes stay exact", "[sla][availability]") {
    const std::int64_t year = 366 * 1440;  // 527,040
    CHECK(availability_at_least(0, year, Percent::whole(100)));
    CHECK_FALSE(availability_at_least(1, year, Percent::whole(100)));
    CHECK(availability_at_least(year, year, Percent::whole(0)));
    // 99.99 % of a year: 52.704 minutes allowed.
    const Percent p9999 = Percent::from_units(99'990'000);
    CHECK(availability_at_least(52, year, p9999));
    CHECK_FALSE(availability_at_least(53, year, p9999));
    CHECK(error_budget_minutes(year, p9999) == 52);
    CHECK(error_budget_minutes(year, Percent::whole(100)) == 0);
    CHECK(error_budget_minutes(year, Percent::whole(0)) == year);
    // The smallest step: 0.000001 % of 100,000,000 minutes is exactly 1 minute.
    const Percent almost = Percent::from_units(100 * Percent::scale - 1);
    CHECK(availability_at_least(1, 100'000'000, almost));
    CHECK_FALSE(availability_at_least(2, 100'000'000, almost));
}

TEST_CASE("R8: availability_text rounds half-up exactly", "[sla][availability]") {
    CHECK(availability_text(12, 21600, 6) == "99.944444");
    CHECK(availability_text(0, 43200) == "100.000000");
    CHECK(availability_text(1, 3, 6) == "66.666667");
    CHECK(availability_text(1, 8, 2) == "87.50");
    CHECK(availability_text(1, 8, 1) == "87.5");
    CHECK(availability_text(1, 8, 0) == "88");  // 87.5 rounds up
    CHECK(availability_text(1, 16, 2) == "93.75");
    CHECK(availability_text(1, 16, 1) == "93.8");
    CHECK(availability_text(3, 3, 2) == "0.00");
    CHECK(availability_percent(12, 21600) == Approx(100.0 * 21588 / 21600));
    CHECK(availability_percent(0, 0) == 100.0);
}

TEST_CASE("R8: Percent parses decimals in [0, 100] with up to 6 fraction digits",
          "[sla][percent]") {
    CHECK(Percent::parse("99.9")->units() == 99'900'000);
    CHECK(Percent::parse("99")->units() == 99'000'000);
    CHECK(Percent::parse("95.5")->units() == 95'500'000);
    CHECK(Percent::parse("100")->units() == 100'000'000);
    CHECK(Percent::parse("100.000000")->units() == 100'000'000);
    CHECK(Percent::parse("0")->units() == 0);
    CHECK(Percent::parse("0.000001")->units() == 1);
    CHECK(Percent::parse("099.90")->units() == 99'900'000);
    for (const char* bad : {"",      "abc",   "-1",     "+1",         "100.000001",
                            "100.5", "101",   "1000",   "99.1234567", ".5",
                            "5.",    "99.9%", " 99",    "99 ",        "1e2",
                            "9 9",   "99..9", "99.9.9", "99,9",       "99999999999999999999999"}) {
        INFO(bad);
        CHECK_FALSE(Percent::parse(bad));
    }
}

TEST_CASE("R8: Percent prints the shortest exact decimal", "[sla][percent]") {
    CHECK(Percent::from_units(99'900'000).to_string() == "99.9");
    CHECK(Percent::whole(99).to_string() == "99");
    CHECK(Percent::from_units(1).to_string() == "0.000001");
    CHECK(Percent::from_units(95'050'000).to_string() == "95.05");
    CHECK(Percent::whole(100).to_string() == "100");
    for (const char* text : {"99.95", "0.5", "12.345678", "100"}) {
        CHECK(Percent::parse(text)->to_string() == text);
    }
    CHECK(Percent::whole(99) < Percent::from_units(99'900'000));
}
