// SPDX-License-Identifier: Apache-2.0
// Alert delivery: the outbox (dedupe, order, backoff, give-up), the exec
// hook's environment, each hook's event filter, [[alert]] config errors and
// the webhook signature. (The detector: test_alerts.cpp.)

#include "alerts/alerting.hpp"
#include "alerts/hook.hpp"
#include "alerts/outbox.hpp"
#include "config/config.hpp"
#include "storage/store.hpp"
#include "tests/support/alert_fixtures.hpp"
#include "tests/support/process.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <algorithm>

using namespace slawatch;
using alerts::EventType;
using testing::base_config;
using testing::june_terms;

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
         "evidence_checkpoint, evidence_rewritten, evidence_timestamp_failing)"},
        {"missing command", "name = \"a\"\nkind = \"exec\"\n",
         "t.toml:11:1: alert: missing required key 'command'"},
        {"missing url", "name = \"a\"\nkind = \"webhook\"\n",
         "t.toml:11:1: alert: missing required key 'url'"},
        {"bad url", "name = \"a\"\nkind = \"webhook\"\nurl = \"ftp://h/x\"\n",
         "t.toml:14:7: alert.url: bad URL (expected http:// or https://)"},
        // The probes' URL rule (one check): a port the HTTP client would refuse
        // is refused at load, and the URL with its token is not echoed.
        {"bad port in url", "name = \"a\"\nkind = \"webhook\"\nurl = \"https://h:70000/?t=abc\"\n",
         "t.toml:14:7: alert.url: bad URL (bad port)"},
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

TEST_CASE(
    "alerts: X-Slawatch-Signature v2 signs the timestamp, the event id, its type and the body",
    "[alerts][webhook]") {
    const std::string id = "incident_opened:29666000";
    const std::string type = "incident_opened";
    const std::string body = R"({"what":"do ya want for nothing?"})";
    // Checked against: printf 'v2\n1780000000\nincident_opened:29666000\nincident_opened\n
    // {"what":"do ya want for nothing?"}' | openssl dgst -sha256 -hmac Jefe (one line)
    CHECK(alerts::signed_text(1780000000, id, type, body) ==
          "v2\n1780000000\n" + id + "\n" + type + "\n" + body);
    const auto base = alerts::signature("Jefe", 1780000000, id, type, body);
    CHECK(base == "v2=f9bf7806ab96c7cd070c3ff347bb410889d5e616e3cb8f415962367fbdd39fcb");
    // Each signed part changes it: a captured signature fits no fresh timestamp,
    // no other dedupe key, no other event type and no other body.
    CHECK(alerts::signature("Jefe", 1780000001, id, type, body) != base);
    CHECK(alerts::signature("Jefe", 1780000000, "incident_opened:29666001", type, body) != base);
    CHECK(alerts::signature("Jefe", 1780000000, id, "incident_resolved", body) != base);
    CHECK(alerts::signature("Jefe", 1780000000, id, type, body + " ") != base);
    CHECK(alerts::signature("Jefd", 1780000000, id, type, body) != base);
}
