// SPDX-License-Identifier: Apache-2.0
// Alerts: the pure detector (incidents, budget thresholds, tiers, claim
// windows, monitor health), the outbox (dedupe, backoff, give-up), the
// signature, and [[alert]] config errors.

#include "alerts/alerting.hpp"
#include "alerts/detector.hpp"
#include "alerts/hook.hpp"
#include "alerts/outbox.hpp"
#include "config/config.hpp"
#include "sla/claim_window.hpp"
#include "storage/store.hpp"
#include "tests/support/process.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <span>

using namespace slawatch;
using namespace date::literals;
using alerts::EventType;
using S = sla::MinuteState;

namespace {

sla::ContractTerms june_terms() {
    sla::ContractTerms t;
    t.zone = *sla::TimeZone::locate("Asia/Shanghai");
    t.start = 2026_y / 6 / 1;
    t.end = sla::term_end(t.start, 1);  // 30 days: 43200 minutes, budget 43 at 99.9 %
    t.monthly_fee = *sla::Money::parse("1000.00");
    return t;
}

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

const std::string base_config = R"([contract]
name = "alerts-test"
start = 2026-06-01
months = 1
monthly_fee = "1000.00"

[[probe]]
name = "update_check"
kind = "http"
url = "http://127.0.0.1:9/"
)";

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

TEST_CASE("alerts: retry delay doubles from 5 s to a 10 min cap, jittered into [d/2, d]",
          "[alerts][outbox]") {
    alerts::Backoff b;
    using std::chrono::milliseconds;
    CHECK(alerts::retry_delay(1, b, 0.999999) <= milliseconds(5000));
    CHECK(alerts::retry_delay(1, b, 0.0) == milliseconds(2500));
    CHECK(alerts::retry_delay(2, b, 0.0) == milliseconds(5000));
    CHECK(alerts::retry_delay(3, b, 0.0) == milliseconds(10000));
    CHECK(alerts::retry_delay(30, b, 0.0) == milliseconds(300000));
    CHECK(alerts::retry_delay(30, b, 0.999999) <= milliseconds(600000));
    CHECK(alerts::retry_delay(30, b, 0.999999) > milliseconds(599000));
}

TEST_CASE("alerts: the outbox stores an event once per hook, dedupes by id, retries, gives up",
          "[alerts][outbox]") {
    testing::TempDir dir;
    const auto db = dir / "t.db";
    auto loaded = config::parse(base_config, dir / "t.toml");
    REQUIRE(loaded);
    { storage::Store::open(*loaded.config, db, storage::OpenMode::read_write); }
    alerts::Outbox outbox(db, false);

    const auto zone = june_terms().zone;
    auto e =
        alerts::make_event(EventType::budget, "budget:2026-06:50", 1000, zone, "c", "v", "half");
    CHECK(outbox.enqueue(e, {"a", "b"}, 1000));
    CHECK_FALSE(outbox.enqueue(e, {"a", "b"}, 2000));  // a restart emitting it again
    CHECK(outbox.event_ids_since(0) == std::vector<std::string>{"budget:2026-06:50"});
    auto due = outbox.due("a", 1000, 10);
    REQUIRE(due.size() == 1);
    CHECK(due[0].body == e.json());
    CHECK(outbox.counts()["a"].pending == 1);

    outbox.mark_delivered("budget:2026-06:50", "a", 1500);
    CHECK(outbox.due("a", 10'000'000, 10).empty());
    CHECK(outbox.counts()["a"].delivered == 1);

    alerts::Backoff b{std::chrono::milliseconds(1000), std::chrono::milliseconds(4000), 3};
    CHECK(outbox.mark_failed("budget:2026-06:50", "b", "HTTP 503", 2000, b, 0.0) == "pending");
    CHECK(outbox.due("b", 2000, 10).empty());  // not before its backoff
    CHECK(outbox.next_due({"b"}) == 2500);
    CHECK(outbox.due("b", 2500, 10).size() == 1);
    CHECK(outbox.mark_failed("budget:2026-06:50", "b", "HTTP 503", 2500, b, 0.0) == "pending");
    CHECK(outbox.counts()["b"].retrying == 1);
    CHECK(outbox.mark_failed("budget:2026-06:50", "b", "HTTP 503", 4000, b, 0.0) == "failed");
    const auto row = outbox.find("budget:2026-06:50", "b");
    REQUIRE(row);
    CHECK(row->attempts == 3);
    CHECK(row->last_error == "HTTP 503");
    CHECK(outbox.next_due({"a", "b"}) == std::nullopt);

    // The daemon's Store writes between the outbox's reads and writes (two
    // connections): a read left open would make the next enqueue fail as busy.
    {
        auto store = storage::Store::open(*loaded.config, db, storage::OpenMode::read_write);
        CHECK(outbox.find("budget:2026-06:50", "a"));
        CHECK_FALSE(outbox.next_due({"a", "b"}));
        storage::ProbeResult r{"update_check", {}};
        r.sample.sent_ms = 5000;
        store->append(std::span<const storage::ProbeResult>(&r, 1));
        auto e2 =
            alerts::make_event(EventType::budget, "budget:2026-06:75", 6000, zone, "c", "v", "s");
        CHECK(outbox.enqueue(e2, {"a"}, 6000));
    }

    const auto recent = outbox.recent(5);
    REQUIRE(recent.size() == 2);
    CHECK(recent[1].deliveries.size() == 2);

    // The CLI's read-only view of a database that does not exist is empty, not created.
    alerts::Outbox missing(dir / "none.db", true);
    CHECK(missing.recent(5).empty());
    CHECK_FALSE(std::filesystem::exists(dir / "none.db"));
}

TEST_CASE("alerts: a hook gets its events in order even while the first one backs off",
          "[alerts][outbox]") {
    testing::TempDir dir;
    const auto db = dir / "t.db";
    auto loaded = config::parse(base_config, dir / "t.toml");
    REQUIRE(loaded);
    { storage::Store::open(*loaded.config, db, storage::OpenMode::read_write); }
    alerts::Outbox outbox(db, false);
    const auto zone = june_terms().zone;
    alerts::Backoff b{std::chrono::milliseconds(1000), std::chrono::milliseconds(60'000), 0};
    // Ids that sort against the order they happened in, stored in one millisecond.
    auto opened =
        alerts::make_event(EventType::incident_opened, "z-opened", 1000, zone, "c", "v", "o");
    auto budget = alerts::make_event(EventType::budget, "a-budget", 1000, zone, "c", "v", "b");
    REQUIRE(outbox.enqueue(opened, {"chat", "log"}, 1000));
    REQUIRE(outbox.enqueue(budget, {"chat", "log"}, 1000));
    CHECK(outbox.due("log", 1000, 10).front().id == "z-opened");

    // The receiver is down: the head fails again and again, its wait grows.
    sla::EpochMillis now = 1000;
    for (int i = 0; i < 6; ++i) {
        const auto head = outbox.due("chat", now, 1);
        REQUIRE(head.size() == 1);
        CHECK(head[0].id == "z-opened");
        CHECK(outbox.mark_failed("z-opened", "chat", "HTTP 503", now, b, 0.0) == "pending");
        now = *outbox.next_due({"chat"});
    }
    // resolved arrives fresh (due at once) while opened waits 16 s for its retry.
    auto resolved = alerts::make_event(EventType::incident_resolved, "m-resolved", now - 5000, zone,
                                       "c", "v", "r");
    REQUIRE(outbox.enqueue(resolved, {"chat"}, now - 5000));
    CHECK(outbox.due("chat", now - 5000, 10).empty());
    CHECK(outbox.next_due({"chat"}) == now);
    // The log hook is not held back by the chat hook's failures.
    CHECK(outbox.due("log", now - 5000, 10).size() == 2);

    // The receiver is back: the three come in the order they happened, each once.
    std::vector<std::string> got;
    for (int i = 0; i < 10; ++i) {
        const auto rows = outbox.due("chat", now, 1);
        if (rows.empty()) break;
        got.push_back(rows[0].id);
        outbox.mark_delivered(rows[0].id, "chat", now);
        now += 10;
    }
    CHECK(got == std::vector<std::string>{"z-opened", "a-budget", "m-resolved"});
    CHECK(outbox.counts()["chat"].delivered == 3);
    CHECK_FALSE(outbox.next_due({"chat"}));

    // A row given up on (max_attempts) no longer holds back the rows after it.
    alerts::Backoff twice{std::chrono::milliseconds(1000), std::chrono::milliseconds(1000), 2};
    CHECK(outbox.mark_failed("z-opened", "log", "exit 1", now, twice, 0.0) == "pending");
    CHECK(outbox.due("log", now, 10).empty());
    CHECK(outbox.mark_failed("z-opened", "log", "exit 1", now + 1000, twice, 0.0) == "failed");
    const auto rest = outbox.due("log", now + 1000, 10);
    REQUIRE(rest.size() == 1);
    CHECK(rest[0].id == "a-budget");
}

TEST_CASE("alerts: an exec hook's environment is the allow-list and its event, no secret",
          "[alerts][exec]") {
    const char* parent[] = {"PATH=/usr/bin:/bin",
                            "HOME=/var/lib/slawatch",
                            "LC_ALL=C.UTF-8",
                            "TZ=UTC",
                            "TENCENTCLOUD_SECRET_ID=AKIDleak",
                            "TENCENTCLOUD_SECRET_KEY=leak",
                            "CREDENTIALS_DIRECTORY=/run/credentials/slawatch.service",
                            "NOTIFY_SOCKET=/run/systemd/notify",
                            "SLAWATCH_EVENT_ID=stale",
                            "LD_PRELOAD=/tmp/evil.so",
                            "PATHX=no",
                            nullptr};
    alerts::Delivery d;
    d.id = "incident_opened:1";
    d.type = "incident_opened";
    const auto env = alerts::hook_environment(parent, d, "oncall");
    CHECK(env == std::vector<std::string>{
                     "PATH=/usr/bin:/bin", "HOME=/var/lib/slawatch", "LC_ALL=C.UTF-8", "TZ=UTC",
                     "SLAWATCH_EVENT_TYPE=incident_opened", "SLAWATCH_EVENT_ID=incident_opened:1",
                     "SLAWATCH_ALERT_NAME=oncall"});
    // Without a PATH the hook still finds /bin/sh and friends.
    const char* bare[] = {"TENCENTCLOUD_SECRET_KEY=leak", nullptr};
    CHECK(alerts::hook_environment(bare, d, "x").front() == "PATH=/usr/local/bin:/usr/bin:/bin");
}

TEST_CASE("alerts: each hook takes only its event types and its own thresholds", "[alerts]") {
    auto text = base_config + R"(
[[alert]]
name = "pager"
kind = "exec"
command = ["/bin/true"]
events = ["incident_opened", "budget"]
budget_thresholds = [100]

[[alert]]
name = "chat"
kind = "webhook"
url = "http://127.0.0.1:9/hook"
reminder_days = [3]
)";
    auto loaded = config::parse(text, "t.toml");
    REQUIRE(loaded);
    const auto& c = *loaded.config;
    const auto o = alerts::detector_options(c);
    CHECK(o.budget_thresholds == std::vector<int>{100, 50, 75});
    CHECK(o.reminder_days == std::vector<int>{7, 1, 3});
    const auto zone = june_terms().zone;
    auto budget = [&](int t) {
        auto e = alerts::make_event(EventType::budget, "b", 0, zone, "c", "v", "s");
        e.body["threshold_percent"] = t;
        return e;
    };
    CHECK(alerts::wants(c.alerts[0], budget(100)));
    CHECK_FALSE(alerts::wants(c.alerts[0], budget(50)));
    CHECK(alerts::wants(c.alerts[1], budget(50)));
    auto resolved = alerts::make_event(EventType::incident_resolved, "r", 0, zone, "c", "v", "s");
    CHECK_FALSE(alerts::wants(c.alerts[0], resolved));
    CHECK(alerts::wants(c.alerts[1], resolved));
    auto reminder = alerts::make_event(EventType::claim_window, "x", 0, zone, "c", "v", "s");
    reminder.body["reminder_days"] = 3;
    CHECK(alerts::wants(c.alerts[1], reminder));
    reminder.body["reminder_days"] = 7;
    CHECK_FALSE(alerts::wants(c.alerts[1], reminder));
    CHECK(c.alerts[0].timeout == std::chrono::seconds(10));
}

TEST_CASE("alerts: every event type is a valid `events` entry in the config", "[alerts][config]") {
    for (auto t : alerts::all_event_types) {
        auto text = base_config + "[[alert]]\nname = \"a\"\nkind = \"exec\"\ncommand = [\"x\"]\n" +
                    "events = [\"" + std::string(alerts::to_string(t)) + "\"]\n";
        INFO(alerts::to_string(t));
        CHECK(config::parse(text, "t.toml"));
    }
}

TEST_CASE("alerts: a bad [[alert]] is one file:line:col line each", "[alerts][config]") {
    struct Case {
        std::string name;
        std::string alert;
        std::string error;
    };
    // base_config has 10 lines; the alert table starts on line 11.
    const std::vector<Case> cases{
        {"unknown event type",
         "name = \"a\"\nkind = \"exec\"\ncommand = [\"x\"]\nevents = [\"budget\", \"outage\"]\n",
         "t.toml:15:21: alert.events: unknown event type 'outage' (expected one of "
         "incident_opened, "
         "incident_resolved, budget, tier, claim_window, monitor_health, test, "
         "evidence_checkpoint)"},
        {"missing command", "name = \"a\"\nkind = \"exec\"\n",
         "t.toml:11:1: alert: missing required key 'command'"},
        {"missing url", "name = \"a\"\nkind = \"webhook\"\n",
         "t.toml:11:1: alert: missing required key 'url'"},
        {"bad url", "name = \"a\"\nkind = \"webhook\"\nurl = \"ftp://h/x\"\n",
         "t.toml:14:7: alert.url: bad URL (expected http:// or https://)"},
        {"inline secret",
         "name = \"a\"\nkind = \"webhook\"\nurl = \"http://h/\"\nsecret = \"s3cr3t\"\n",
         "t.toml:15:10: alert.secret: secrets must not be written in the config; put it in a file "
         "readable only by slawatch and set 'secret_file'"},
        {"url key on an exec hook",
         "name = \"a\"\nkind = \"exec\"\ncommand = [\"x\"]\nurl = \"http://h/\"\n",
         "t.toml:15:1: unknown key 'alert.url' for an alert of kind 'exec'"},
        {"bad kind", "name = \"a\"\nkind = \"email\"\n",
         "t.toml:13:8: alert.kind: unknown kind 'email' (expected one of 'exec', 'webhook', "
         "'alertmanager')"},
        {"timeout too long", "name = \"a\"\nkind = \"exec\"\ncommand = [\"x\"]\ntimeout = \"1h\"\n",
         "t.toml:15:11: alert.timeout: must be above 0 and at most 300s"},
    };
    for (const auto& c : cases) {
        INFO(c.name);
        auto r = config::parse(base_config + "[[alert]]\n" + c.alert, "t.toml");
        REQUIRE_FALSE(r);
        REQUIRE(r.errors.size() == 1);
        CHECK(r.errors[0] == c.error);
    }
    auto dup = config::parse(base_config +
                                 "[[alert]]\nname = \"a\"\nkind = \"exec\"\ncommand = [\"x\"]\n"
                                 "[[alert]]\nname = \"a\"\nkind = \"exec\"\ncommand = [\"y\"]\n",
                             "t.toml");
    REQUIRE(dup.errors.size() == 1);
    CHECK(dup.errors[0] ==
          "t.toml:16:8: alert.name: duplicate alert name 'a' (first used on line 12)");
    // The secret itself is never echoed.
    auto secret = config::parse(base_config +
                                    "[[alert]]\nname = \"a\"\nkind = \"webhook\"\n"
                                    "url = \"http://h/\"\nsecret = \"s3cr3t\"\n",
                                "t.toml");
    CHECK(secret.errors.at(0).find("s3cr3t") == std::string::npos);
}

TEST_CASE("alerts: X-Slawatch-Signature is HMAC-SHA256 of the timestamp, a dot and the body",
          "[alerts][webhook]") {
    // Checked against: printf '%s' '1780000000.what do ya want for nothing?' | openssl dgst -sha256
    // -hmac Jefe
    CHECK(alerts::signature("Jefe", 1780000000, "what do ya want for nothing?") ==
          "v1=15e1b8d95056b738caa6fd979ffac3f8072777df578c2e9d086e7145fd74c578");
    // Another second is another signature: a captured one cannot be moved to a fresh timestamp.
    CHECK(alerts::signature("Jefe", 1780000001, "what do ya want for nothing?") !=
          alerts::signature("Jefe", 1780000000, "what do ya want for nothing?"));
}
