// SPDX-License-Identifier: Apache-2.0
// R7-R10: one Service Month's figures from its service-level minute rows.
#include "sla/month_report.hpp"

#include <catch2/catch.hpp>

using namespace slawatch::sla;
using namespace date::literals;
using S = MinuteState;

namespace {

// The documented example contract (docs/interface.md): 3 months from 17 March, March billed 500.
ContractTerms example_terms() {
    ContractTerms t;
    t.zone = *TimeZone::locate("Asia/Shanghai");
    t.start = 2026_y / 3 / 17;
    t.end = term_end(t.start, 3);
    t.monthly_fee = *Money::parse("1000.00");
    t.fees[2026_y / 3] = *Money::parse("500.00");
    return t;
}

}  // namespace

TEST_CASE("R7-R10: a finished first Service Month with 12 unavailable minutes",
          "[sla][month_report]") {
    const auto terms = example_terms();
    const auto months = terms.months();
    REQUIRE(months.size() == 4);
    StateCounts rows;
    rows[S::up] = 21585;
    rows[S::down] = 12;
    rows[S::unknown] = 3;
    CHECK(rows.total() == 21600);
    const auto r = make_month_report(terms, months[0], rows, 21600);
    CHECK(r.month.index == 1);
    CHECK(r.total_minutes == 21600);
    CHECK(r.elapsed_minutes == 21600);
    CHECK(r.complete);
    CHECK(r.up == 21585);
    CHECK(r.unavailable == 12);
    CHECK(r.unknown == 3);
    CHECK(r.maintenance + r.local_network + r.customer == 0);
    CHECK(r.standard_met);
    CHECK(r.availability_text == "99.944444");
    CHECK(r.availability_percent == Approx(100.0 * 21588 / 21600));
    CHECK(r.budget_minutes == 21);
    CHECK(r.budget_left == 9);
    CHECK(r.compensation_percent == 0);
    CHECK(r.fee.to_string() == "500.00");  // the override for March
    CHECK(r.compensation.to_string() == "0.00");
    CHECK(r.currency == "CNY");
    CHECK(r.projected_unavailable == 12);
    CHECK(r.projected_percent == 0);
    CHECK(r.claim.opens == Date{2026_y / 4 / 8});
    CHECK(r.claim.deadline == Date{2026_y / 5 / 30});
}

TEST_CASE("R3, R8: a running month counts missing rows as unknown and projects its end",
          "[sla][month_report]") {
    const auto terms = example_terms();
    const auto april = terms.months()[1];
    StateCounts rows;
    rows[S::up] = 21000;
    rows[S::down] = 30;
    rows[S::maintenance] = 60;
    rows[S::local_network] = 5;
    rows[S::customer] = 5;
    rows[S::unknown] = 100;
    const auto r = make_month_report(terms, april, rows, 21600);  // half of April
    CHECK_FALSE(r.complete);
    CHECK(r.total_minutes == 43200);
    CHECK(r.elapsed_minutes == 21600);
    CHECK(r.unknown == 21600 - (21000 + 30 + 60 + 5 + 5));
    CHECK(r.maintenance == 60);
    CHECK(r.local_network == 5);
    CHECK(r.customer == 5);
    // R8 over the whole month's 43,200 minutes, not the elapsed half.
    CHECK(r.standard_met);
    CHECK(r.availability_text == "99.930556");
    CHECK(r.budget_minutes == 43);
    CHECK(r.budget_left == 13);
    CHECK(r.compensation_percent == 0);
    CHECK(r.fee.to_string() == "1000.00");
    // At this rate the month ends with 60 unavailable minutes: the 10 % tier.
    CHECK(r.projected_unavailable == 60);
    CHECK(r.projected_percent == 10);
    CHECK(r.claim.opens == Date{2026_y / 5 / 8});
    CHECK(r.claim.deadline == Date{2026_y / 6 / 29});
}

TEST_CASE("R9: a missed standard earns its tier of the month's fee", "[sla][month_report]") {
    const auto terms = example_terms();
    const auto months = terms.months();
    StateCounts rows;
    rows[S::up] = 44140;
    rows[S::down] = 500;  // 98.88 % of May's 44,640 minutes
    const auto may = make_month_report(terms, months[2], rows, 44640);
    CHECK(may.total_minutes == 44640);
    CHECK_FALSE(may.standard_met);
    CHECK(may.availability_text == "98.879928");
    CHECK(may.budget_minutes == 44);
    CHECK(may.budget_left == 0);
    CHECK(may.compensation_percent == 25);
    CHECK(may.compensation.to_string() == "250.00");

    // The cut last month (1-16 June) has no override: it pays the full fee,
    // and below 95 % compensation is all of it, never more.
    StateCounts bad;
    bad[S::down] = 2000;
    bad[S::up] = 21040;
    const auto june = make_month_report(terms, months[3], bad, 23040);
    CHECK(june.total_minutes == 23040);
    CHECK(june.compensation_percent == 100);
    CHECK(june.compensation == june.fee);
    CHECK(june.fee.to_string() == "1000.00");
}

TEST_CASE("R3, R7: nothing elapsed, rows beyond elapsed, and elapsed beyond the end",
          "[sla][month_report]") {
    const auto terms = example_terms();
    const auto april = terms.months()[1];
    const auto empty = make_month_report(terms, april, StateCounts{}, 0);
    CHECK(empty.unknown == 0);
    CHECK(empty.projected_unavailable == 0);
    CHECK(empty.availability_text == "100.000000");
    CHECK(empty.standard_met);
    CHECK_FALSE(empty.complete);
    CHECK(empty.budget_left == 43);

    StateCounts rows;
    rows[S::up] = 120;
    CHECK(make_month_report(terms, april, rows, 100).unknown == 0);  // never negative

    const auto over = make_month_report(terms, april, rows, 50'000);
    CHECK(over.complete);
    CHECK(over.elapsed_minutes == 43200);
    CHECK(over.unknown == 43200 - 120);
}

TEST_CASE("R7: a DST zone still counts every day as 1440 minutes", "[sla][month_report]") {
    auto terms = example_terms();
    terms.zone = *TimeZone::locate("America/New_York");
    terms.start = 2026_y / 3 / 1;
    terms.end = term_end(terms.start, 1);
    terms.fees.clear();
    const auto months = terms.months();
    REQUIRE(months.size() == 1);
    StateCounts rows;
    rows[S::down] = 45;
    const auto r = make_month_report(terms, months[0], rows, 31 * 1440);
    CHECK(r.total_minutes == 44640);
    CHECK(r.budget_minutes == 44);
    CHECK_FALSE(r.standard_met);
    CHECK(r.compensation_percent == 10);
    CHECK(r.compensation.to_string() == "100.00");
}

TEST_CASE("R9: no projected tier before a day of the month was observed", "[sla][month_report]") {
    const auto terms = example_terms();
    const auto april = terms.months()[1];
    StateCounts c;
    c[MinuteState::down] = 10;
    c[MinuteState::up] = projection_min_observed_minutes - 11;
    // Ten down minutes in the first day would project to 300: the 10 % tier.
    auto early = make_month_report(terms, april, c, projection_min_observed_minutes + 500);
    CHECK(early.unknown == 501);
    CHECK_FALSE(early.projected);
    CHECK(early.projected_unavailable == 10);
    CHECK(early.projected_percent == early.compensation_percent);

    c[MinuteState::up] += 1;
    auto day = make_month_report(terms, april, c, projection_min_observed_minutes);
    CHECK(day.projected);
    CHECK(day.projected_unavailable == 10 * 30);
    CHECK(day.projected_percent == 10);
}
