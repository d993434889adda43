// SPDX-License-Identifier: Apache-2.0
// The HTTP(S) client against hostile servers on 127.0.0.1: every failure mode
// ends in one classified response within the deadline, never a crash.

#include "net/http_client.hpp"
#include "support/hostile_server.hpp"
#include "support/probe_run.hpp"
#include "support/process.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/beast/http/field.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <thread>

using namespace slawatch;
using namespace std::chrono_literals;
using slawatch::testing::HostileServer;
using tcp = boost::asio::ip::tcp;
using slawatch::testing::fetch;

namespace {

void answer(tcp::socket& s, const std::string& reply) {
    slawatch::testing::read_request_head(s);
    slawatch::testing::write_all(s, reply);
}

}  // namespace

TEST_CASE("http client: a complete 200 is ok with status, body and ordered phases", "[http]") {
    HostileServer server([](tcp::socket& s) {
        answer(s, slawatch::testing::response(200, "OK", "hello", "Content-Type: text/plain\r\n"));
    });
    const auto f = fetch(server.url("/x?y=1"));
    const auto& r = f.response;
    CHECK(r.outcome == sla::Outcome::ok);
    CHECK(r.status == 200);
    CHECK(r.body == "hello");
    CHECK(r.content_type == "text/plain");
    CHECK(r.phases.dns_us >= 0);
    CHECK(r.phases.connect_us >= r.phases.dns_us);
    CHECK(r.phases.tls_us == -1);  // plain http: no TLS phase
    CHECK(r.phases.first_byte_us >= r.phases.connect_us);
    CHECK(r.phases.total_us >= r.phases.first_byte_us);
}

TEST_CASE("http client: a name is resolved (localhost) and then connected", "[http]") {
    HostileServer server(
        [](tcp::socket& s) { answer(s, slawatch::testing::response(200, "OK", "")); });
    const auto f = fetch("http://localhost:" + std::to_string(server.port()) + "/");
    CHECK(f.response.outcome == sla::Outcome::ok);
    CHECK(f.response.phases.dns_us >= 0);
}

TEST_CASE("http client: a server that accepts and never answers is a timeout within the deadline",
          "[http]") {
    HostileServer server([](tcp::socket& s) { slawatch::testing::drain_until_closed(s); });
    const auto f = fetch(server.url(), 300ms);
    CHECK(f.response.outcome == sla::Outcome::timeout);
    CHECK(f.response.status == 0);
    CHECK(f.elapsed >= 290ms);
    CHECK(f.elapsed < 300ms + 2s);
    CHECK(f.response.detail == "read: timed out");
}

TEST_CASE("http client: a connection closed before any answer is connect_error", "[http]") {
    HostileServer server([](tcp::socket& s) {
        slawatch::testing::read_request_head(s);
        s.close();
    });
    const auto f = fetch(server.url());
    CHECK(f.response.outcome == sla::Outcome::connect_error);
}

TEST_CASE("http client: a reset after the request, before any answer, is connect_error", "[http]") {
    HostileServer server([](tcp::socket& s) {
        slawatch::testing::read_request_head(s);
        s.set_option(boost::asio::socket_base::linger(true, 0));  // close sends RST
        s.close();
    });
    const auto f = fetch(server.url());
    CHECK(f.response.outcome == sla::Outcome::connect_error);
}

TEST_CASE("http client: a refused connection is connect_error", "[http]") {
    const auto port = slawatch::testing::free_port();
    const auto f = fetch("http://127.0.0.1:" + std::to_string(port) + "/");
    CHECK(f.response.outcome == sla::Outcome::connect_error);
    CHECK(f.response.phases.connect_us == -1);
    CHECK(f.response.detail.rfind("connect: ", 0) == 0);
}

TEST_CASE("http client: a garbage status line is bad_response", "[http]") {
    HostileServer server([](tcp::socket& s) { answer(s, "HELLO THERE\r\n\r\n"); });
    CHECK(fetch(server.url()).response.outcome == sla::Outcome::bad_response);
}

TEST_CASE("http client: a header over the limit is bad_response", "[http]") {
    HostileServer server([](tcp::socket& s) {
        answer(s, "HTTP/1.1 200 OK\r\nX-Big: " + std::string(20000, 'a') +
                      "\r\nContent-Length: 0\r\n\r\n");
    });
    const auto f = fetch(server.url(), 2000ms, net::Limits{16 * 1024, 1024});
    CHECK(f.response.outcome == sla::Outcome::bad_response);
}

TEST_CASE("http client: a body over the limit is bad_response, with or without Content-Length",
          "[http]") {
    const std::string big(64 * 1024, 'x');
    SECTION("declared length") {
        HostileServer server(
            [&](tcp::socket& s) { answer(s, slawatch::testing::response(200, "OK", big)); });
        const auto f = fetch(server.url(), 2000ms, net::Limits{16 * 1024, 1024});
        CHECK(f.response.outcome == sla::Outcome::bad_response);
        CHECK(f.response.status == 200);
        CHECK(f.response.body.empty());
    }
    SECTION("body until close") {
        HostileServer server([&](tcp::socket& s) { answer(s, "HTTP/1.1 200 OK\r\n\r\n" + big); });
        const auto f = fetch(server.url(), 2000ms, net::Limits{16 * 1024, 1024});
        CHECK(f.response.outcome == sla::Outcome::bad_response);
    }
}

TEST_CASE("http client: a body cut short by the server is bad_response", "[http]") {
    HostileServer server([](tcp::socket& s) {
        answer(s, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b");
    });
    CHECK(fetch(server.url()).response.outcome == sla::Outcome::bad_response);
}

TEST_CASE("http client: a slowloris body is a timeout at the deadline", "[http]") {
    HostileServer server([](tcp::socket& s) {
        slawatch::testing::read_request_head(s);
        slawatch::testing::write_all(s, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
        for (int i = 0; i < 100; ++i) {  // one byte every 50 ms: never done in time
            slawatch::testing::write_all(s, "x");
            std::this_thread::sleep_for(50ms);
        }
    });
    const auto f = fetch(server.url(), 400ms);
    CHECK(f.response.outcome == sla::Outcome::timeout);
    CHECK(f.response.status == 200);  // the header did arrive
    CHECK(f.response.phases.first_byte_us >= 0);
    CHECK(f.elapsed < 400ms + 2s);
}

TEST_CASE("http client: an already passed deadline is a timeout, reported once", "[http]") {
    HostileServer server(
        [](tcp::socket& s) { answer(s, slawatch::testing::response(200, "OK", "")); });
    CHECK(fetch(server.url(), 0ms).response.outcome == sla::Outcome::timeout);
}

TEST_CASE("http client: URLs are parsed strictly", "[http]") {
    std::string error;
    auto u = net::parse_url("https://Example.COM/a/b?c=d#frag", error);
    REQUIRE(u);
    CHECK(u->tls);
    CHECK(u->port == "443");
    CHECK(u->target == "/a/b?c=d");
    CHECK(u->host_header == "Example.COM");
    CHECK_FALSE(u->address);
    u = net::parse_url("http://[::1]:8080", error);
    REQUIRE(u);
    CHECK(u->host == "::1");
    CHECK(u->host_header == "[::1]:8080");
    CHECK(u->target == "/");
    CHECK(u->address);
    CHECK_FALSE(net::parse_url("ftp://example.com/", error));
    CHECK_FALSE(net::parse_url("example.com/path", error));
    CHECK_FALSE(net::parse_url("http://user:pw@example.com/", error));
    CHECK_FALSE(net::parse_url("http://example.com:99999/", error));
    CHECK_FALSE(net::parse_url("", error));
}

TEST_CASE("http client: an unreadable CA file is refused at setup", "[http][tls]") {
    CHECK_THROWS_WITH(net::make_tls_context("/nonexistent/ca.pem", false),
                      Catch::Contains("/nonexistent/ca.pem"));
}
