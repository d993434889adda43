// SPDX-License-Identifier: Apache-2.0
// Alerts: the pure detector - incidents, budget thresholds, tiers, claim
// windows, monitor health - and the vantage point every event names.
// (Delivery: test_alert_delivery.cpp.)

#include "alerts/alerting.hpp"
#include "alerts/detector.hpp"
#include "config/config.hpp"
#include "sla/claim_window.hpp"
#include "storage/store.hpp"
#include "tests/support/alert_fixtures.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <span>

using namespace slawatch;
using namespace date::literals;
using alerts::EventType;
using testing::base_config;
using testing::june_terms;
using S = sla::MinuteState;

namespace {

alerts::DetectorOptions options() {
    alerts::DetectorOptions o;
    o.contract = "test";
    o.vantage = "office-line";
    o.zone = june_terms().zone;
    return o;
}

sla::MonthReport june(std::int64_t down, std::int64_t elapsed) {
    const auto terms = june_terms();
    sla::StateCounts c;
    c[S::down] = down;
    c[S::up] = elapsed - down;
    return sla::make_month_report(terms, terms.months().front(), c, elapsed);
}

sla::EpochMinute june_minute(int offset) {
    return june_terms().zone.start_of_day(2026_y / 6 / 1) + offset;
}

std::vector<std::string> ids(const std::vector<alerts::Event>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.id);
    return out;
}

// The service row and one probe row of a minute, and its results.
void add_minute(alerts::DetectorInput& in, sla::EpochMinute m, S state,
                sla::Outcome failure = sla::Outcome::http_5xx) {
    in.minutes.push_back({m, "service", state, 6, state == S::up ? 0 : 6});
    in.minutes.push_back({m, "update_check", state, 6, state == S::up ? 0 : 6});
    for (int i = 0; i < 6; ++i) {
        storage::ProbeResult r{"update_check", {}};
        r.sample.sent_ms = m * 60'000 + i * 10'000;
        r.sample.outcome = state == S::up ? sla::Outcome::ok : failure;
        in.results.push_back(r);
    }
}

}  // namespace

TEST_CASE("alerts: an incident opens at the first down minute and resolves at the first up one",
          "[alerts][detector]") {
    alerts::DetectorState state;
    const auto m0 = june_minute(100);
    alerts::DetectorInput in;
    in.now = (m0 + 1) * 60'000;
    add_minute(in, m0, S::up);
    add_minute(in, m0 + 1, S::down, sla::Outcome::timeout);
    auto events = alerts::detect(options(), state, in);
    REQUIRE(ids(events) == std::vector<std::string>{fmt::format("incident_opened:{}", m0 + 1)});
    CHECK(events[0].type == EventType::incident_opened);
    CHECK(events[0].body.at("probes").as_array().size() == 1);
    CHECK(events[0].body.at("outcomes").at("timeout").as_int64() == 6);
    CHECK(std::string(events[0].body.at("summary").as_string().c_str()).find("unavailable") !=
          std::string::npos);

    // A second down minute and an unknown one do not open another or resolve it.
    alerts::DetectorInput more;
    add_minute(more, m0 + 2, S::down);
    add_minute(more, m0 + 3, S::unknown);
    CHECK(alerts::detect(options(), state, more).empty());

    alerts::DetectorInput up;
    add_minute(up, m0 + 4, S::up);
    events = alerts::detect(options(), state, up);
    REQUIRE(ids(events) == std::vector<std::string>{fmt::format("incident_resolved:{}", m0 + 1)});
    const auto& b = events[0].body;
    CHECK(b.at("duration_minutes").as_int64() == 3);
    CHECK(b.at("down_minutes").as_int64() == 2);
    CHECK(b.at("probes").at("update_check").as_int64() == 2);
    CHECK(b.at("outcomes").at("timeout").as_int64() == 6);
    CHECK(b.at("outcomes").at("http_5xx").as_int64() == 6);
    CHECK(!state.incident_start);
}

TEST_CASE("alerts: every event names the vantage point that saw it", "[alerts][detector]") {
    alerts::DetectorState state;
    const auto m0 = june_minute(100);
    alerts::DetectorInput in;
    in.now = (m0 + 2) * 60'000;
    add_minute(in, m0, S::down);
    add_minute(in, m0 + 1, S::up);
    const auto events = alerts::detect(options(), state, in);
    REQUIRE(events.size() == 2);
    for (const auto& e : events) {
        INFO(e.json());
        CHECK(e.body.at("vantage").as_string() == "office-line");
        // After contract, before summary, as docs/alerts.md lists the common fields.
        CHECK(e.json().find(R"("contract":"test","vantage":"office-line","summary")") !=
              std::string::npos);
    }
    // The daemon's options take the name from [vantage] (default: the host's short name).
    auto named = config::parse(base_config + "\n[vantage]\nname = \"idc-2\"\n", "t.toml");
    REQUIRE(named);
    CHECK(alerts::detector_options(*named.config).vantage == "idc-2");
    auto unnamed = config::parse(base_config, "t.toml");
    REQUIRE(unnamed);
    CHECK(alerts::detector_options(*unnamed.config).vantage == config::default_vantage_name());
}

TEST_CASE("alerts: after a restart the open incident is known from the stored ids, not re-emitted",
          "[alerts][detector]") {
    const auto m0 = june_minute(10);
    auto state = alerts::DetectorState::from_emitted(
        {fmt::format("incident_opened:{}", m0), "budget:2026-06:50",
         fmt::format("incident_opened:{}", m0 - 50), fmt::format("incident_resolved:{}", m0 - 50)});
    REQUIRE(state.incident_start == m0);
    alerts::DetectorInput in;
    add_minute(in, m0, S::down);
    add_minute(in, m0 + 1, S::up);
    in.month = june(22, 200);  // 50 % of the budget: already emitted
    const auto events = alerts::detect(options(), state, in);
    CHECK(ids(events) == std::vector<std::string>{fmt::format("incident_resolved:{}", m0)});
}

TEST_CASE("R8: budget thresholds fire once each, at the minute the budget use crosses them",
          "[alerts][detector]") {
    // 30 days at 99.9 %: a budget of 43 minutes; 50 % at 22, 75 % at 33 (32.25), 100 % at 43.
    alerts::DetectorState state;
    std::vector<std::pair<std::int64_t, std::vector<std::string>>> steps{
        {21, {}}, {22, {"budget:2026-06:50"}},  {23, {}}, {32, {}}, {33, {"budget:2026-06:75"}},
        {42, {}}, {43, {"budget:2026-06:100"}}, {43, {}},
    };
    for (const auto& [down, expected] : steps) {
        alerts::DetectorInput in;
        in.month = june(down, 100);  // too early in the month to project a tier
        std::vector<std::string> budget;
        for (const auto& e : alerts::detect(options(), state, in))
            if (e.type == EventType::budget) budget.push_back(e.id);
        INFO("unavailable " << down);
        CHECK(budget == expected);
    }
    // A jump over several thresholds fires each of them.
    alerts::DetectorState fresh;
    alerts::DetectorInput in;
    in.month = june(40, 100);
    const auto events = alerts::detect(options(), fresh, in);
    CHECK(ids(events) == std::vector<std::string>{"budget:2026-06:50", "budget:2026-06:75"});
    CHECK(events[1].body.at("budget_minutes").as_int64() == 43);
    CHECK(events[1].body.at("unavailable_minutes").as_int64() == 40);
}

TEST_CASE("R8: a zero error budget is spent by the first unavailable minute",
          "[alerts][detector]") {
    auto terms = june_terms();
    terms.standard = sla::Percent::whole(100);
    sla::StateCounts c;
    c[S::down] = 1;
    const auto r = sla::make_month_report(terms, terms.months().front(), c, 10);
    REQUIRE(r.budget_minutes == 0);
    alerts::DetectorState state;
    alerts::DetectorInput in;
    in.month = r;
    std::vector<std::string> budget;
    for (const auto& e : alerts::detect(options(), state, in))
        if (e.type == EventType::budget) budget.push_back(e.id);
    CHECK(budget ==
          std::vector<std::string>{"budget:2026-06:50", "budget:2026-06:75", "budget:2026-06:100"});
}

TEST_CASE("R9: the month entering a tier, and a projection heading for one", "[alerts][detector]") {
    alerts::DetectorState state;
    alerts::DetectorInput in;
    in.month = june(44, 43'000);  // below 99.9 %: tier 10 %
    auto events = alerts::detect(options(), state, in);
    auto tier = std::find_if(events.begin(), events.end(),
                             [](const auto& e) { return e.id == "tier:2026-06:10"; });
    REQUIRE(tier != events.end());
    CHECK(tier->body.at("amount").as_string() == "100.00");
    CHECK(tier->body.at("projected").as_bool() == false);

    // 5 minutes in the first 10 % of the month project to 50: heading for 10 %.
    alerts::DetectorState s2;
    in.month = june(5, 4320);
    events = alerts::detect(options(), s2, in);
    CHECK(std::count_if(events.begin(), events.end(),
                        [](const auto& e) { return e.id == "tier:2026-06:projected:10"; }) == 1);
    // The same rate earlier in the month is noise: no projection.
    alerts::DetectorState s3;
    in.month = june(1, 864);
    events = alerts::detect(options(), s3, in);
    CHECK(std::none_of(events.begin(), events.end(),
                       [](const auto& e) { return e.type == EventType::tier; }));
}

TEST_CASE(
    "R3: a first start in mid-month raises no unknown-minutes alert for the minutes before it",
    "[alerts][detector]") {
    // Started 1,762 minutes into June, then watched 300 minutes without a gap.
    alerts::DetectorInput in;
    in.month = june(0, 1762 + 300);
    in.month->up = 300;
    in.month->unknown = 1762;
    in.month_minutes_before_monitoring = 1762;
    alerts::DetectorState state;
    auto events = alerts::detect(options(), state, in);
    CHECK(std::none_of(events.begin(), events.end(),
                       [](const auto& e) { return e.type == EventType::monitor_health; }));

    // 61 minutes missed after monitoring began do count.
    in.month->unknown = 1762 + 61;
    events = alerts::detect(options(), state, in);
    REQUIRE(ids(events) == std::vector<std::string>{"monitor_health:unknown:2026-06:60"});
    CHECK(events[0].body.at("unknown_minutes_while_monitoring").as_int64() == 61);
}

TEST_CASE("R10: claim window notice and reminders 7 and 1 days before the deadline",
          "[alerts][detector]") {
    const auto ended = june(100, 43'200);
    REQUIRE(ended.complete);
    REQUIRE(!ended.standard_met);
    const auto deadline = ended.claim.deadline;
    const auto zone = june_terms().zone;
    auto at = [&](int days_before) {
        return zone.start_of_day(sla::add_days(deadline, -days_before)) * 60'000 + 3'600'000;
    };
    alerts::DetectorState state;
    auto run = [&](int days_before) {
        alerts::DetectorInput in;
        in.now = at(days_before);
        in.ended_months.push_back(ended);
        return ids(alerts::detect(options(), state, in));
    };
    const auto first = run(20);
    REQUIRE(first == std::vector<std::string>{"claim_window:2026-06"});
    CHECK(run(8).empty());
    CHECK(run(7) == std::vector<std::string>{"claim_window:2026-06:reminder:7"});
    CHECK(run(3).empty());
    CHECK(run(1) == std::vector<std::string>{"claim_window:2026-06:reminder:1"});
    CHECK(run(0).empty());
    CHECK(run(-1).empty());

    alerts::DetectorState s2;
    alerts::DetectorInput in;
    in.now = at(20);
    in.ended_months.push_back(ended);
    const auto e = alerts::detect(options(), s2, in).front();
    CHECK(e.body.at("deadline").as_string() == sla::format_date(deadline));
    CHECK(e.body.at("opens").as_string() == sla::format_date(ended.claim.opens));
    CHECK(e.body.at("tier_percent").as_int64() == 10);
    CHECK(e.body.at("amount").as_string() == "100.00");

    // A month that met the standard has nothing to claim.
    alerts::DetectorState s3;
    alerts::DetectorInput ok;
    ok.now = at(20);
    ok.ended_months.push_back(june(10, 43'200));
    CHECK(alerts::detect(options(), s3, ok).empty());
}

TEST_CASE("R4: monitor health - misconfigured probe, local network down, unknown minutes",
          "[alerts][detector]") {
    alerts::DetectorState state;
    const auto m0 = june_minute(500);
    alerts::DetectorInput in;
    in.control_probes = {"ref"};
    in.minutes.push_back({m0, "service", S::customer, 6, 6});
    in.minutes.push_back({m0, "update_check", S::customer, 6, 6});
    in.minutes.push_back({m0, "ref", S::up, 6, 0});
    in.minutes.push_back({m0 + 1, "service", S::local_network, 6, 6});
    in.minutes.push_back({m0 + 1, "update_check", S::local_network, 6, 6});
    in.minutes.push_back({m0 + 1, "ref", S::down, 6, 6});
    for (int i = 0; i < 6; ++i) {
        storage::ProbeResult r{"update_check", {}};
        r.sample.sent_ms = m0 * 60'000 + i * 10'000;
        r.sample.outcome = sla::Outcome::auth_error;
        in.results.push_back(r);
    }
    auto events = alerts::detect(options(), state, in);
    REQUIRE(ids(events) == std::vector<std::string>{
                               fmt::format("monitor_health:misconfigured:update_check:{}", m0),
                               fmt::format("monitor_health:local_network:{}", m0 + 1)});
    CHECK(events[0].body.at("outcomes").at("auth_error").as_int64() == 6);
    CHECK(state.incident_start == std::nullopt);  // neither counts as an incident

    alerts::DetectorInput back;
    back.control_probes = {"ref"};
    back.minutes.push_back({m0 + 2, "service", S::up, 6, 0});
    back.minutes.push_back({m0 + 2, "update_check", S::up, 6, 0});
    back.minutes.push_back({m0 + 2, "ref", S::up, 6, 0});
    back.month = june(0, 1000);
    back.month->unknown = 61;
    events = alerts::detect(options(), state, back);
    CHECK(ids(events) ==
          std::vector<std::string>{
              fmt::format("monitor_health:misconfigured:update_check:{}:resolved", m0),
              fmt::format("monitor_health:local_network:{}:resolved", m0 + 1),
              "monitor_health:unknown:2026-06:60"});
    // Rebuilt after a restart: nothing open any more.
    std::vector<std::string> all(state.emitted.begin(), state.emitted.end());
    CHECK(alerts::DetectorState::from_emitted(all).health_open.empty());
}
