// SPDX-License-Identifier: Apache-2.0
// The alertmanager hook's mapping of slawatch events to Alertmanager v2
// alerts (stable labels, startsAt/endsAt), and its [[alert]] and `proxy` keys.

#include "alerts/alertmanager.hpp"
#include "alerts/detector.hpp"
#include "config/config.hpp"
#include "tests/support/alert_fixtures.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <set>

using namespace slawatch;
using namespace date::literals;
using S = sla::MinuteState;
namespace json = boost::json;
using testing::base_config;

namespace {

const sla::TimeZone shanghai = *sla::TimeZone::locate("Asia/Shanghai");

alerts::DetectorOptions options() {
    alerts::DetectorOptions o;
    o.contract = "prod";
    o.vantage = "idc-2";
    o.zone = shanghai;
    return o;
}

sla::EpochMinute june_minute(int offset) {
    return shanghai.start_of_day(2026_y / 6 / 1) + offset;
}

void add_minute(alerts::DetectorInput& in, sla::EpochMinute m, S state) {
    in.minutes.push_back({m, "service", state, 6, state == S::up ? 0 : 6});
    in.minutes.push_back({m, "api", state, 6, state == S::up ? 0 : 6});
}

config::Alert hook() {
    config::Alert a;
    a.name = "am";
    a.kind = config::AlertKind::alertmanager;
    a.url = "http://127.0.0.1:9093";
    a.labels = {{"team", "ops"}, {"alertname", "Overridden"}};
    a.resend_interval = std::chrono::minutes(1);
    return a;
}

std::string label(const alerts::AmAlert& a, std::string_view name) {
    const auto* v = a.alert.at("labels").as_object().if_contains(name);
    return v ? std::string(v->as_string()) : std::string();
}

std::string field(const alerts::AmAlert& a, std::string_view name) {
    return std::string(a.alert.at(name).as_string());
}

}  // namespace

TEST_CASE("alertmanager: an incident is one alert from opening to resolution",
          "[alerts][alertmanager]") {
    alerts::DetectorState state;
    const auto m0 = june_minute(100);
    alerts::DetectorInput in;
    in.now = (m0 + 1) * 60'000;
    add_minute(in, m0, S::down);
    auto opened = alerts::detect(options(), state, in);
    REQUIRE(opened.size() == 1);
    const sla::EpochMillis now = (m0 + 1) * 60'000 + 5'000;
    auto a = alerts::alertmanager_alert(opened[0].body, hook(), now);
    REQUIRE(a);
    CHECK(a->open);
    CHECK(label(*a, "alertname") == "SlawatchIncident");  // a hook label never replaces it
    CHECK(label(*a, "team") == "ops");
    CHECK(label(*a, "contract") == "prod");
    // Several hosts send the same incident: the vantage point keeps them apart.
    CHECK(label(*a, "vantage") == "idc-2");
    CHECK(label(*a, "severity") == "critical");
    CHECK(label(*a, "incident_start") == shanghai.format_minute(m0));
    CHECK(field(*a, "startsAt") == shanghai.format_minute(m0));
    // Open: it ends by itself three resend intervals after the last send.
    CHECK(field(*a, "endsAt") == sla::TimeZone().format_millis(now + 180'000));
    CHECK(a->alert.at("annotations").at("summary").as_string().starts_with("TCMPP unavailable"));

    // An event stored before events named their vantage point maps without the label.
    auto older = opened[0].body;
    older.erase("vantage");
    const auto without = alerts::alertmanager_alert(older, hook(), now);
    REQUIRE(without);
    CHECK(without->alert.at("labels").as_object().if_contains("vantage") == nullptr);

    // A re-send later, e.g. after a restart, is the same alert.
    auto again = alerts::alertmanager_alert(opened[0].body, hook(), now + 3'600'000);
    CHECK(again->key == a->key);
    alerts::refresh_ends_at(*a, hook(), now + 60'000);
    CHECK(field(*a, "endsAt") == sla::TimeZone().format_millis(now + 240'000));

    alerts::DetectorInput up;
    add_minute(up, m0 + 3, S::up);
    auto resolved = alerts::detect(options(), state, up);
    REQUIRE(resolved.size() == 1);
    auto r = alerts::alertmanager_alert(resolved[0].body, hook(), now + 200'000);
    REQUIRE(r);
    CHECK_FALSE(r->open);
    CHECK(r->key == a->key);
    CHECK(field(*r, "startsAt") == shanghai.format_minute(m0));
    CHECK(field(*r, "endsAt") == shanghai.format_minute(m0 + 3));

    // Another incident is another alert.
    alerts::DetectorInput later;
    add_minute(later, m0 + 10, S::down);
    auto second = alerts::detect(options(), state, later);
    REQUIRE(second.size() == 1);
    CHECK(alerts::alertmanager_alert(second[0].body, hook(), now)->key != a->key);
}

TEST_CASE("alertmanager: budget, tier and claim events last until the month or deadline ends",
          "[alerts][alertmanager]") {
    sla::ContractTerms t;
    t.zone = shanghai;
    t.start = 2026_y / 6 / 1;
    t.end = sla::term_end(t.start, 1);
    t.monthly_fee = *sla::Money::parse("1000.00");
    sla::StateCounts c;
    c[S::down] = 50;  // over the 43-minute budget: every threshold, tier 10 %
    c[S::up] = 43150;
    alerts::DetectorState state;
    alerts::DetectorInput in;
    in.now = june_minute(43200) * 60'000 + 60'000;
    in.month = sla::make_month_report(t, t.months().front(), c, 43200);
    in.ended_months.push_back(*in.month);  // ended below the standard: claim window
    const auto events = alerts::detect(options(), state, in);
    std::set<std::string> budget, tier, claim;  // distinct alerts
    for (const auto& e : events) {
        auto a = alerts::alertmanager_alert(e.body, hook(), in.now);
        REQUIRE(a);
        CHECK_FALSE(a->open);
        CHECK(label(*a, "month") == "2026-06");
        const auto name = label(*a, "alertname");
        if (name == "SlawatchErrorBudget") {
            budget.insert(a->key);
            CHECK(field(*a, "endsAt") == "2026-06-30T23:59:59+08:00");
            CHECK(label(*a, "severity") ==
                  (label(*a, "threshold_percent") == "100" ? "critical" : "warning"));
        } else if (name == "SlawatchCompensationTier") {
            tier.insert(a->key);
            CHECK(label(*a, "tier_percent") == "10");
        } else if (name == "SlawatchClaimWindow") {
            claim.insert(a->key);
            CHECK(field(*a, "endsAt").ends_with("T23:59:59+08:00"));
        }
    }
    CHECK(budget.size() == 3);  // 50, 75 and 100 %
    CHECK(tier.size() == 1);
    CHECK(claim.size() == 1);

    // The evidence checkpoint is no alert: the hook skips it.
    json::object checkpoint{{"id", "evidence_checkpoint:1"}, {"type", "evidence_checkpoint"}};
    CHECK_FALSE(alerts::alertmanager_alert(checkpoint, hook(), in.now));
    // A witnessed peer's rewritten history is: critical, by peer, for a day.
    json::object rewritten{{"id", "evidence_rewritten:gz:slawatch/gz/00:48:9a1c"},
                           {"type", "evidence_rewritten"},
                           {"time", "2026-06-02T10:05:01+08:00"},
                           {"summary", "the evidence history of vantage point gz was rewritten"},
                           {"peer", "gz"}};
    const auto r = alerts::alertmanager_alert(rewritten, hook(), in.now);
    REQUIRE(r);
    CHECK(label(*r, "alertname") == "SlawatchEvidenceRewritten");
    CHECK(label(*r, "peer") == "gz");
    CHECK(label(*r, "severity") == "critical");
    CHECK_FALSE(r->open);
}

TEST_CASE("alertmanager: [[alert]] kind alertmanager with labels, resend_interval and proxy",
          "[alerts][alertmanager][config]") {
    auto r = config::parse(base_config + R"([[alert]]
name = "am"
kind = "alertmanager"
url = "http://127.0.0.1:9093"
labels = { team = "ops", env = "prod" }
resend_interval = "2m"
proxy = "http://user:pw@proxy.local:3128"
)",
                           "t.toml");
    INFO((r.errors.empty() ? std::string() : r.errors.front()));
    REQUIRE(r.config);
    const auto& a = r.config->alerts.at(0);
    CHECK(a.kind == config::AlertKind::alertmanager);
    CHECK(config::to_string(a.kind) == "alertmanager");
    CHECK(a.resend_interval == std::chrono::minutes(2));
    CHECK(a.labels.size() == 2);
    CHECK(a.proxy == "http://user:pw@proxy.local:3128");
    CHECK_FALSE(r.config->probes.at(0).proxy);  // unset: the environment

    struct Case {
        std::string alert;
        std::string error;
    };
    const std::vector<Case> cases{
        {"labels = { \"bad-name\" = \"x\" }\n",
         "t.toml:15:25: alert.labels: bad label name 'bad-name' (use [a-zA-Z_][a-zA-Z0-9_]*, not "
         "starting with __)"},
        {"labels = { team = 1 }\n", "t.toml:15:19: alert.labels.team: expected a non-empty string"},
        {"proxy = \"https://u:topsecret@p:1\"\n",
         "t.toml:15:9: alert.proxy: bad proxy URL (expected http:// (TLS to the proxy itself is "
         "not "
         "supported))"},
        {"secret_file = \"/k\"\n",
         "t.toml:15:1: unknown key 'alert.secret_file' for an alert of kind 'alertmanager'"},
    };
    for (const auto& c : cases) {
        INFO(c.alert);
        auto bad = config::parse(base_config +
                                     "[[alert]]\nname = \"am\"\nkind = \"alertmanager\"\nurl = "
                                     "\"http://h:9093\"\n" +
                                     c.alert,
                                 "t.toml");
        REQUIRE(bad.errors.size() == 1);
        CHECK(bad.errors[0] == c.error);
        CHECK(bad.errors[0].find("topsecret") == std::string::npos);
    }
}

TEST_CASE("proxy: a probe's proxy key, \"\" for none, bad URLs never echoed", "[config][proxy]") {
    auto with = [](std::string_view line) {
        std::string text = base_config;
        text.insert(text.find("url = \"http://127.0.0.1:9/\""), std::string(line) + "\n");
        return config::parse(text, "t.toml");
    };
    auto r = with("proxy = \"http://proxy.local:3128\"");
    REQUIRE(r.config);
    CHECK(r.config->probes.at(0).proxy == "http://proxy.local:3128");
    r = with("proxy = \"\"");
    REQUIRE(r.config);
    CHECK(r.config->probes.at(0).proxy == "");
    r = with("proxy = \"http://u:topsecret@proxy.local:3128/path\"");
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0] == "t.toml:10:9: probe.proxy: bad proxy URL (a proxy URL has no path)");
}
