// SPDX-License-Identifier: Apache-2.0
// R9: compensation tiers, money and the liability caps.
#include "sla/compensation.hpp"

#include <catch2/catch.hpp>

#include <numeric>

using namespace slawatch::sla;
using namespace date::literals;

namespace {

const Percent p999 = Percent::from_units(99'900'000);

Money money(const char* text) {
    const auto m = Money::parse(text);
    REQUIRE(m.has_value());
    return *m;
}

}  // namespace

TEST_CASE("R9: the SLA's default tiers, best first", "[sla][compensation]") {
    const auto tiers = default_tiers();
    REQUIRE(tiers.size() == 3);
    CHECK(tiers[0].at_least == Percent::whole(99));
    CHECK(tiers[0].percent == 10);
    CHECK(tiers[1].at_least == Percent::whole(95));
    CHECK(tiers[1].percent == 25);
    CHECK(tiers[2].at_least == Percent::whole(0));
    CHECK(tiers[2].percent == 100);
}

TEST_CASE("R9: 360 of 36,000 is exactly 99 % and earns 10 %, not 25 %", "[sla][compensation]") {
    const auto tiers = default_tiers();
    const std::int64_t total = 36'000;
    CHECK(compensation_percent(tiers, p999, 0, total) == 0);
    CHECK(compensation_percent(tiers, p999, 36, total) == 0);    // exactly 99.9 %: met
    CHECK(compensation_percent(tiers, p999, 37, total) == 10);   // just below the standard
    CHECK(compensation_percent(tiers, p999, 360, total) == 10);  // exactly 99 %
    CHECK(compensation_percent(tiers, p999, 361, total) == 25);
    CHECK(compensation_percent(tiers, p999, 1800, total) == 25);  // exactly 95 %
    CHECK(compensation_percent(tiers, p999, 1801, total) == 100);
    CHECK(compensation_percent(tiers, p999, total, total) == 100);
}

TEST_CASE("R9: a 30-day month: 44 minutes earn 10 %", "[sla][compensation]") {
    const auto tiers = default_tiers();
    CHECK(compensation_percent(tiers, p999, 43, 43200) == 0);
    CHECK(compensation_percent(tiers, p999, 44, 43200) == 10);
    CHECK(compensation_percent(tiers, p999, 432, 43200) == 10);
    CHECK(compensation_percent(tiers, p999, 433, 43200) == 25);
}

TEST_CASE("R9: configured tiers, unsorted or without a floor", "[sla][compensation]") {
    // The same tiers in another order pick the same tier.
    const std::vector<Tier> shuffled{
        {Percent::whole(0), 100}, {Percent::whole(99), 10}, {Percent::whole(95), 25}};
    for (std::int64_t u : {37, 360, 361, 1800, 1801}) {
        INFO(u);
        CHECK(compensation_percent(shuffled, p999, u, 36'000) ==
              compensation_percent(default_tiers(), p999, u, 36'000));
    }
    // Below the lowest threshold, the worst configured tier still applies.
    const std::vector<Tier> two{{Percent::whole(99), 10}, {Percent::whole(98), 30}};
    CHECK(compensation_percent(two, p999, 500, 36'000) == 30);
    CHECK(compensation_percent(two, p999, 10'000, 36'000) == 30);
    CHECK(compensation_percent({}, p999, 10'000, 36'000) == 0);
    // A stricter standard: 99.95 % missed by 30 of 36,000 (99.9167 %).
    CHECK(compensation_percent(default_tiers(), Percent::from_units(99'950'000), 30, 36'000) == 10);
}

TEST_CASE("R9: Money parses decimals with at most 2 fraction digits", "[sla][money]") {
    CHECK(money("1000.00").cents() == 100'000);
    CHECK(money("1000").cents() == 100'000);
    CHECK(money("999.5").cents() == 99'950);
    CHECK(money("0.01").cents() == 1);
    CHECK(money("0").cents() == 0);
    CHECK(money("999999999999999.99").cents() == 99'999'999'999'999'999);
    for (const char* bad : {"", "-1", "+1", "1.234", "1.", ".5", "1,000", "1 000", "abc", " 1",
                            "1 ", "1e3", "1000000000000000", "12.3x", "1..2", "NaN", "0x10"}) {
        INFO(bad);
        CHECK_FALSE(Money::parse(bad));
    }
}

TEST_CASE("R9: Money prints two decimals and rounds percentages half-up", "[sla][money]") {
    CHECK(money("1000").to_string() == "1000.00");
    CHECK(money("999.5").to_string() == "999.50");
    CHECK(Money::from_cents(7).to_string() == "0.07");
    CHECK(Money::from_cents(-150).to_string() == "-1.50");
    CHECK(money("1000.00").percent_of(10).to_string() == "100.00");
    CHECK(money("0.05").percent_of(10).cents() == 1);               // 0.5 cent rounds up
    CHECK(money("0.04").percent_of(10).cents() == 0);               // 0.4 cent rounds down
    CHECK(money("999.99").percent_of(25).to_string() == "250.00");  // 249.9975
    CHECK(money("333.33").percent_of(25).to_string() == "83.33");   // 83.3325
    CHECK(money("0.02").percent_of(25).cents() == 1);               // 0.5 cent
    CHECK(money("999999999999999.99").percent_of(100) == money("999999999999999.99"));
    CHECK(money("1.50") + money("2.25") == money("3.75"));
    CHECK(money("2.00") - money("0.01") == money("1.99"));
    CHECK(money("0.01") < money("0.02"));
}

TEST_CASE("R9: each month is capped at its fee", "[sla][compensation]") {
    std::vector<MonthCompensation> months{
        {2026_y / 3, money("500.00"), 100, money("900.00")},
        {2026_y / 4, money("1000.00"), 10, money("100.00")},
        {2026_y / 5, money("0.00"), 100, money("50.00")},
    };
    apply_liability_cap(months);
    CHECK(months[0].amount == money("500.00"));
    CHECK(months[1].amount == money("100.00"));
    CHECK(months[2].amount == money("0.00"));
}

TEST_CASE("R9: over 14 months with varying fees no 12-month window pays more than its fees",
          "[sla][compensation]") {
    // Fees vary month to month; every amount starts at 100 % or more of it.
    std::vector<MonthCompensation> months;
    date::year_month ym = 2026_y / 1;
    std::vector<Money> original;
    for (int i = 0; i < 14; ++i, ym += date::months{1}) {
        const Money fee = Money::from_cents(50'000 + 7'500 * (i % 5));
        const Money claimed = i % 3 == 0 ? fee.percent_of(100) + Money::from_cents(999)
                                         : fee.percent_of(i % 2 ? 25 : 10);
        months.push_back({ym, fee, 0, claimed});
        original.push_back(claimed);
    }
    apply_liability_cap(months);
    for (std::size_t i = 0; i < months.size(); ++i) {
        INFO("month " << i);
        CHECK(months[i].amount <= months[i].fee);
        CHECK(months[i].amount >= Money{});
        // Amounts already within the caps are left alone.
        if (original[i] <= months[i].fee)
            CHECK(months[i].amount == original[i]);
        else
            CHECK(months[i].amount == months[i].fee);
    }
    for (std::size_t begin = 0; begin + 12 <= months.size(); ++begin) {
        Money paid;
        Money fees;
        for (std::size_t i = begin; i < begin + 12; ++i) {
            paid = paid + months[i].amount;
            fees = fees + months[i].fee;
        }
        INFO("window from " << begin);
        CHECK(paid <= fees);
    }
}
