// SPDX-License-Identifier: Apache-2.0
// The alertmanager hook end to end: a real Alertmanager (Debian's
// prometheus-alertmanager) on 127.0.0.1, the daemon against tcmpp-sim with one
// real down minute (R1: minutes are never shortened for tests), posting through
// a loopback CONNECT proxy. The incident arrives as one alert, stays that one
// alert across a kill -9 and restart, and resolves. Takes about 2 to 3 minutes.

#include "sla/time.hpp"
#include "tests/support/alerting_daemon.hpp"
#include "tests/support/connect_proxy.hpp"
#include "tests/support/process.hpp"
#include "tests/support/wall_clock.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>
#include <thread>

using namespace slawatch;
using namespace slawatch::testing;
using namespace std::chrono;
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

const char* alertmanager_bin = "/usr/bin/prometheus-alertmanager";

// GET http://127.0.0.1:port/target; "" when nothing answers.
std::string http_get(std::uint16_t port, const std::string& target) {
    try {
        asio::io_context io;
        asio::ip::tcp::socket s(io);
        s.connect({asio::ip::make_address("127.0.0.1"), port});
        bhttp::request<bhttp::empty_body> req(bhttp::verb::get, target, 11);
        req.set(bhttp::field::host, "127.0.0.1");
        bhttp::write(s, req);
        boost::beast::flat_buffer buf;
        bhttp::response<bhttp::string_body> res;
        bhttp::read(s, buf, res);
        return res.result_int() == 200 ? res.body() : std::string();
    } catch (const std::exception&) {
        return {};
    }
}

// The active alerts Alertmanager holds with alertname SlawatchIncident.
boost::json::array incident_alerts(std::uint16_t port) {
    boost::json::array out;
    const auto body = http_get(port, "/api/v2/alerts");
    if (body.empty()) return out;
    const auto all = boost::json::parse(body);
    for (const auto& a : all.as_array()) {
        const auto& labels = a.at("labels").as_object();
        if (const auto* n = labels.if_contains("alertname"); n && *n == "SlawatchIncident")
            out.push_back(a);
    }
    return out;
}

std::string str(const boost::json::value& v, std::string_view key) {
    return std::string(v.at(key).as_string());
}

}  // namespace

TEST_CASE("alertmanager: an incident is one alert across a restart and resolves",
          "[alerts][alertmanager][daemon]") {
    if (!std::filesystem::exists(alertmanager_bin)) {
        WARN("prometheus-alertmanager is not installed (scripts/install-deps.sh): skipped");
        return;
    }
    TempDir dir;
    const auto am_port = free_port();
    const auto sim_port = free_port();
    const auto metrics_port = free_port();

    dir.write("am/alertmanager.yml", R"(route:
  receiver: "null"
  group_wait: 1s
receivers:
  - name: "null"
)");
    Process am({alertmanager_bin, "--config.file=" + (dir / "am/alertmanager.yml").string(),
                "--storage.path=" + (dir / "am").string(),
                "--web.listen-address=127.0.0.1:" + std::to_string(am_port),
                "--cluster.listen-address=", "--log.level=warn"},
               dir.path());
    REQUIRE(eventually([&] { return !http_get(am_port, "/-/ready").empty(); }, seconds(20)));

    // The first whole minute from now (with room to start) is down, the next one up.
    auto start_s = now_ms() / 1000;
    if (start_s % 60 > 45) {
        std::this_thread::sleep_for(seconds(61 - start_s % 60));
        start_s = now_ms() / 1000;
    }
    const sla::EpochMinute m1 = start_s / 60 + 1;
    Process sim = down_minute_sim(dir, sim_port, m1);
    REQUIRE(wait_for_port(sim_port, seconds(10)));

    // The hook posts through a CONNECT proxy (the probe goes direct: proxy = "").
    ConnectProxy proxy;
    const auto today = now_ms() / 1000;
    const std::string config =
        alerting_daemon_toml("am-test", today, metrics_port, sim_port, "proxy = \"\"\n") +
        "[[alert]]\nname = \"am\"\nkind = \"alertmanager\"\nurl = \"http://127.0.0.1:" +
        std::to_string(am_port) + "\"\nproxy = \"" + proxy.url() +
        "\"\nlabels = { team = \"sre\" }\nresend_interval = \"1m\"\nbackoff = \"1s\"\n"
        "events = [\"incident_opened\", \"incident_resolved\"]\n";
    const auto config_file = dir.write("slawatch.toml", config);
    const auto checked = run({slawatch_bin(), "check-config", "--config", config_file.string()});
    INFO(checked.err);
    REQUIRE(checked.exit_code == 0);

    const std::vector<std::string> argv{slawatch_bin(),       "run",          "--config",
                                        config_file.string(), "--log-format", "plain"};
    auto daemon = std::make_unique<Process>(argv, dir.path());
    REQUIRE(wait_for_port(metrics_port, seconds(10)));

    // Minute m1 is down: once finalized, the incident arrives as one alert.
    const bool arrived = eventually([&] { return incident_alerts(am_port).size() == 1; },
                                    milliseconds((m1 + 1) * 60'000 - now_ms() + 25'000));
    INFO("daemon log:\n" << daemon->err() << daemon->out() << "\nalertmanager log:\n" << am.err());
    REQUIRE(arrived);
    auto first = incident_alerts(am_port).at(0);
    const auto& labels = first.at("labels").as_object();
    const std::string m1_text = utc(m1 * 60).substr(0, 19) + "+00:00";
    CHECK(str(labels, "incident_start") == m1_text);
    CHECK(str(labels, "contract") == "am-test");
    CHECK(str(labels, "team") == "sre");
    CHECK(str(first, "startsAt").starts_with(utc(m1 * 60).substr(0, 19)));
    CHECK(proxy.connections() >= 1);
    CHECK(proxy.last_head().starts_with("CONNECT 127.0.0.1:" + std::to_string(am_port)));

    // kill -9 in the middle of the incident, and start again: the restarted
    // daemon re-sends the open alert (updatedAt moves), still ONE alert.
    daemon->signal(SIGKILL);
    daemon->wait(seconds(10));
    const auto before = str(first, "updatedAt");
    std::this_thread::sleep_for(milliseconds(1100));
    daemon = std::make_unique<Process>(argv, dir.path());
    REQUIRE(wait_for_port(metrics_port, seconds(10)));
    CHECK(eventually(
        [&] {
            const auto now = incident_alerts(am_port);
            return now.size() == 1 && str(now[0], "updatedAt") != before;
        },
        seconds(15)));
    const auto again = incident_alerts(am_port);
    REQUIRE(again.size() == 1);
    CHECK(str(again[0], "fingerprint") == str(first, "fingerprint"));
    // Open: endsAt three resend intervals ahead, so only a resolution ends it soon.
    CHECK(str(again[0], "endsAt") > utc(now_ms() / 1000 + 120));

    // Minute m1 + 1 is up: once finalized, the alert is resolved (no longer active).
    const bool resolved = eventually([&] { return incident_alerts(am_port).empty(); },
                                     milliseconds((m1 + 2) * 60'000 - now_ms() + 25'000));
    INFO("daemon log:\n" << daemon->err() << daemon->out());
    CHECK(resolved);
    CHECK(!http_get(am_port, "/api/v2/status").empty());  // Alertmanager itself is still up

    daemon->signal(SIGTERM);
    CHECK(daemon->wait(seconds(10)) == 0);
}
