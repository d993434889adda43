// SPDX-License-Identifier: Apache-2.0
// kind = "http" through make_probe: status and body checks, one Sample per run,
// runs that outlive their Probe.

#include "probes/probe.hpp"
#include "sla/clock.hpp"
#include "support/hostile_server.hpp"
#include "support/probe_run.hpp"
#include "support/process.hpp"

#include <boost/asio/io_context.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <vector>

using namespace slawatch;
using namespace std::chrono_literals;
using slawatch::testing::HostileServer;
using slawatch::testing::run_once;
using tcp = boost::asio::ip::tcp;

namespace {

config::Probe http_probe(const std::string& url, std::chrono::milliseconds timeout = 2000ms) {
    config::Probe p;
    p.name = "test_http";
    p.kind = config::ProbeKind::http;
    p.timeout = timeout;
    p.http.url = url;
    return p;
}

HostileServer::Behaviour answer(std::string reply) {
    return [reply = std::move(reply)](tcp::socket& s) {
        slawatch::testing::read_request_head(s);
        slawatch::testing::write_all(s, reply);
    };
}

}  // namespace

TEST_CASE("R2: an http probe's sample carries the wall-clock time it was sent", "[probe][http]") {
    HostileServer server(answer(slawatch::testing::response(200, "OK", "fine")));
    const auto before = sla::now_ms();
    const auto s = run_once(http_probe(server.url()));
    const auto after = sla::now_ms();
    CHECK(s.outcome == sla::Outcome::ok);
    CHECK(s.http_status == 200);
    CHECK(s.sent_ms >= before);
    CHECK(s.sent_ms <= after);
    CHECK(s.error_code.empty());
    CHECK(s.phases.total_us >= 0);
}

TEST_CASE("R4: HTTP 503 is http_5xx (provider)", "[probe][http]") {
    HostileServer server(answer(slawatch::testing::response(503, "Service Unavailable", "down")));
    const auto s = run_once(http_probe(server.url()));
    CHECK(s.outcome == sla::Outcome::http_5xx);
    CHECK(s.http_status == 503);
}

TEST_CASE("R4: HTTP 401 and 403 are auth_error, other 4xx client_error (customer)",
          "[probe][http]") {
    HostileServer s401(answer(slawatch::testing::response(401, "Unauthorized", "")));
    CHECK(run_once(http_probe(s401.url())).outcome == sla::Outcome::auth_error);
    HostileServer s403(answer(slawatch::testing::response(403, "Forbidden", "")));
    CHECK(run_once(http_probe(s403.url())).outcome == sla::Outcome::auth_error);
    HostileServer s404(answer(slawatch::testing::response(404, "Not Found", "")));
    CHECK(run_once(http_probe(s404.url())).outcome == sla::Outcome::client_error);
}

TEST_CASE("http probe: an unexpected 2xx/3xx is bad_response, expect_status widens it",
          "[probe][http]") {
    HostileServer server(answer(slawatch::testing::response(302, "Found", "", "Location: /x\r\n")));
    auto p = http_probe(server.url());
    CHECK(run_once(p).outcome == sla::Outcome::bad_response);
    p.http.expect_status = {200, 302};
    CHECK(run_once(p).outcome == sla::Outcome::ok);
}

TEST_CASE("http probe: body_contains missing is bad_response", "[probe][http]") {
    HostileServer server(answer(slawatch::testing::response(200, "OK", "status: green")));
    auto p = http_probe(server.url());
    p.http.body_contains = "green";
    CHECK(run_once(p).outcome == sla::Outcome::ok);
    p.http.body_contains = "red";
    const auto s = run_once(p);
    CHECK(s.outcome == sla::Outcome::bad_response);
    CHECK(s.detail.find("status: green") == std::string::npos);  // R12: no body in the detail
}

TEST_CASE("http probe: method, headers and body are sent as configured", "[probe][http]") {
    std::string seen;
    HostileServer server([&](tcp::socket& s) {
        seen = slawatch::testing::read_request_head(s);
        slawatch::testing::write_all(s, slawatch::testing::response(200, "OK", ""));
    });
    auto p = http_probe(server.url("/hook"));
    p.http.method = "POST";
    p.http.headers = {{"X-Probe", "yes"}};
    p.http.body = "{}";
    CHECK(run_once(p).outcome == sla::Outcome::ok);
    CHECK(seen.rfind("POST /hook HTTP/1.1\r\n", 0) == 0);
    CHECK(seen.find("X-Probe: yes\r\n") != std::string::npos);
    CHECK(seen.find("Content-Length: 2\r\n") != std::string::npos);
}

TEST_CASE("http probe: bad settings are a ProbeSetupError naming the problem", "[probe][http]") {
    boost::asio::io_context io;
    CHECK_THROWS_AS(probes::make_probe(io.get_executor(), http_probe("not a url")),
                    probes::ProbeSetupError);
    auto p = http_probe("http://127.0.0.1:1/");
    p.http.method = "FETCH";
    CHECK_THROWS_WITH(probes::make_probe(io.get_executor(), p), Catch::Contains("FETCH"));
    p = http_probe("https://127.0.0.1:1/");
    p.http.ca_file = "/nonexistent/ca.pem";
    CHECK_THROWS_WITH(probes::make_probe(io.get_executor(), p),
                      Catch::Contains("/nonexistent/ca.pem"));
}

TEST_CASE("http probe: a run stays valid when the Probe is destroyed mid-flight", "[probe][http]") {
    HostileServer server([](tcp::socket& s) { slawatch::testing::drain_until_closed(s); });
    boost::asio::io_context io;
    std::vector<sla::Sample> samples;
    {
        auto probe = probes::make_probe(io.get_executor(), http_probe(server.url(), 200ms));
        probe->run([&](sla::Sample s) { samples.push_back(std::move(s)); });
        io.run_for(20ms);  // connected and waiting for the answer
    }                      // a config reload drops the probe
    io.run();
    REQUIRE(samples.size() == 1);
    CHECK(samples[0].outcome == sla::Outcome::timeout);
}

TEST_CASE("http probe: overlapping runs each end in exactly one sample", "[probe][http]") {
    HostileServer server(answer(slawatch::testing::response(200, "OK", "")));
    boost::asio::io_context io;
    auto probe = probes::make_probe(io.get_executor(), http_probe(server.url()));
    int ok = 0, total = 0;
    for (int i = 0; i < 40; ++i)
        probe->run([&](sla::Sample s) {
            ++total;
            if (s.outcome == sla::Outcome::ok) ++ok;
        });
    io.run();
    CHECK(total == 40);
    CHECK(ok == 40);
    CHECK(server.connections() == 40);  // a fresh connection per run
}
