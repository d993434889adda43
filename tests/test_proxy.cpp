// SPDX-License-Identifier: Apache-2.0
// R4: the egress proxy. Probes tunnel through an HTTP CONNECT proxy (a test
// proxy on 127.0.0.1); the proxy's own failures are proxy_error, the
// monitor's side, and a target's failures through it keep their outcome.

#include "net/http_client.hpp"
#include "net/proxy.hpp"
#include "probes/probe.hpp"
#include "support/connect_proxy.hpp"
#include "support/hostile_server.hpp"
#include "support/probe_run.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/beast/http/field.hpp>

#include <catch2/catch.hpp>

#include <map>

using namespace slawatch;
using namespace std::chrono_literals;
using slawatch::testing::ConnectProxy;
using slawatch::testing::HostileServer;
using tcp = boost::asio::ip::tcp;

namespace {

// A GET of `url_text` through `proxy`.
net::Response fetch(const std::string& url_text, const std::string& proxy,
                    std::chrono::milliseconds timeout = 2000ms) {
    return slawatch::testing::fetch(url_text, timeout, {}, nullptr, proxy).response;
}

HostileServer ok_server() {
    return HostileServer([](tcp::socket& s) {
        slawatch::testing::read_request_head(s);
        slawatch::testing::write_all(s, slawatch::testing::response(200, "OK", "through"));
    });
}

// A port nothing listens on: bound, then closed.
std::uint16_t closed_port() {
    boost::asio::io_context io;
    tcp::acceptor a(io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    return a.local_endpoint().port();
}

struct Env {
    std::map<std::string, std::string> vars;
    net::Getenv getenv() const {
        return [this](const char* name) -> const char* {
            auto it = vars.find(name);
            return it == vars.end() ? nullptr : it->second.c_str();
        };
    }
};

std::shared_ptr<const net::Proxy> chosen(const net::ProxyChoice& c, const std::string& url) {
    std::string error;
    auto u = net::parse_url(url, error);
    REQUIRE(u);
    return c.for_url(*u);
}

}  // namespace

TEST_CASE("R4: a request through a CONNECT proxy reaches its target", "[proxy]") {
    auto target = ok_server();
    ConnectProxy proxy;
    const auto r = fetch(target.url("/health"), proxy.url());
    CHECK(r.outcome == sla::Outcome::ok);
    CHECK(r.status == 200);
    CHECK(r.body == "through");
    CHECK(proxy.connections() == 1);
    CHECK(proxy.last_head().starts_with("CONNECT 127.0.0.1:" + std::to_string(target.port()) +
                                        " HTTP/1.1\r\n"));
    CHECK(r.phases.connect_us >= 0);  // the tunnel is the connection
    CHECK(r.phases.first_byte_us >= r.phases.connect_us);
}

TEST_CASE("R4: a proxy that is down is proxy_error, not the provider's connect_error", "[proxy]") {
    auto target = ok_server();
    const auto r = fetch(target.url(), "http://127.0.0.1:" + std::to_string(closed_port()));
    CHECK(r.outcome == sla::Outcome::proxy_error);
    CHECK(sla::attribution(r.outcome) == sla::Attribution::local);
    CHECK(r.detail.starts_with("proxy connect: "));
    CHECK(target.connections() == 0);
}

TEST_CASE("R4: a proxy answering 407 is proxy_error, credentials in the URL pass it", "[proxy]") {
    auto target = ok_server();
    // "user:s3cret" in Basic.
    ConnectProxy proxy(ConnectProxy::Mode::tunnel, "Basic dXNlcjpzM2NyZXQ=");
    const auto refused = fetch(target.url(), proxy.url());
    CHECK(refused.outcome == sla::Outcome::proxy_error);
    CHECK(refused.detail == "proxy: CONNECT answered 407");

    const auto wrong =
        fetch(target.url(), "http://user:wrong@127.0.0.1:" + std::to_string(proxy.port()));
    CHECK(wrong.outcome == sla::Outcome::proxy_error);
    CHECK(wrong.detail.find("wrong") == std::string::npos);  // never the password

    const auto r =
        fetch(target.url(), "http://user:s3cret@127.0.0.1:" + std::to_string(proxy.port()) + "/");
    CHECK(r.outcome == sla::Outcome::ok);
    CHECK(r.status == 200);
}

TEST_CASE("R4: a proxy answering 502 or never answering CONNECT is proxy_error", "[proxy]") {
    auto target = ok_server();
    ConnectProxy bad(ConnectProxy::Mode::bad_gateway);
    const auto r = fetch(target.url(), bad.url());
    CHECK(r.outcome == sla::Outcome::proxy_error);
    CHECK(r.detail == "proxy: CONNECT answered 502");

    ConnectProxy silent(ConnectProxy::Mode::silent);
    const auto started = net::Clock::now();
    const auto s = fetch(target.url(), silent.url(), 300ms);
    CHECK(s.outcome == sla::Outcome::proxy_error);  // not the provider's timeout
    CHECK(net::Clock::now() - started < 2300ms);
}

TEST_CASE("R4: a target failing through a working proxy keeps its provider outcome", "[proxy]") {
    ConnectProxy proxy;
    HostileServer unavailable([](tcp::socket& s) {
        slawatch::testing::read_request_head(s);
        slawatch::testing::write_all(s, slawatch::testing::response(503, "Unavailable", ""));
    });
    const auto r503 = fetch(unavailable.url(), proxy.url());
    CHECK(r503.outcome == sla::Outcome::ok);  // a complete answer: the probe judges 503
    CHECK(r503.status == 503);
    CHECK(sla::outcome_of_http_status(r503.status) == sla::Outcome::http_5xx);

    HostileServer closes([](tcp::socket& s) {
        slawatch::testing::read_request_head(s);
        s.close();
    });
    const auto closed = fetch(closes.url(), proxy.url());
    CHECK(closed.outcome == sla::Outcome::connect_error);

    HostileServer hangs([](tcp::socket& s) { slawatch::testing::drain_until_closed(s); });
    const auto hung = fetch(hangs.url(), proxy.url(), 300ms);
    CHECK(hung.outcome == sla::Outcome::timeout);
    CHECK(sla::attribution(hung.outcome) == sla::Attribution::provider);
}

TEST_CASE("proxy choice: the key wins, \"\" turns the environment off", "[proxy]") {
    Env env;
    env.vars = {{"https_proxy", "http://env-proxy:3128"}, {"http_proxy", "env-plain:8080"}};
    const net::ProxyChoice from_env(std::nullopt, env.getenv());
    auto p = chosen(from_env, "https://tcmpp.tencentcloudapi.com/");
    REQUIRE(p);
    CHECK(p->url.host == "env-proxy");
    CHECK(p->url.port == "3128");
    p = chosen(from_env, "http://example.com/");
    REQUIRE(p);
    CHECK(p->url.host == "env-plain");  // no scheme: http://

    const net::ProxyChoice configured(std::string("http://mine:9000"), env.getenv());
    p = chosen(configured, "https://tcmpp.tencentcloudapi.com/");
    REQUIRE(p);
    CHECK(p->url.host == "mine");
    CHECK(chosen(configured, "http://example.com/")->url.host == "mine");

    const net::ProxyChoice none(std::string(), env.getenv());
    CHECK(!chosen(none, "https://tcmpp.tencentcloudapi.com/"));
}

TEST_CASE("proxy choice: upper-case HTTPS_PROXY and no_proxy count, HTTP_PROXY does not",
          "[proxy]") {
    Env env;
    env.vars = {{"HTTPS_PROXY", "http://p:1"},
                {"HTTP_PROXY", "http://cgi-injected:1"},
                {"NO_PROXY", "localhost, .internal.example,10.0.0.1:443"}};
    const net::ProxyChoice c(std::nullopt, env.getenv());
    CHECK(chosen(c, "https://tcmpp.tencentcloudapi.com/"));
    CHECK(!chosen(c, "http://tcmpp.tencentcloudapi.com/"));  // httpoxy
    CHECK(!chosen(c, "https://localhost:8443/"));
    CHECK(!chosen(c, "https://a.internal.example/"));
    CHECK(!chosen(c, "https://internal.example/"));
    CHECK(chosen(c, "https://notinternal.example/"));
    CHECK(!chosen(c, "https://10.0.0.1/"));

    CHECK(net::no_proxy_matches("*", "anything"));
    CHECK(net::no_proxy_matches("[::1]:80", "::1"));
    CHECK(!net::no_proxy_matches("", "example.com"));
}

TEST_CASE("proxy choice: credentials go to Proxy-Authorization, never into an error", "[proxy]") {
    std::string error;
    auto p = net::parse_proxy("http://us%65r:p%40ss@proxy.local:3128", error);
    REQUIRE(p);
    CHECK(p->authorization == "Basic dXNlcjpwQHNz");  // user:p@ss
    CHECK(p->url.host == "proxy.local");

    for (const char* bad : {"https://u:topsecret@p:1", "http://u:topsecret@p:1/path",
                            "socks5://u:topsecret@p:1", "http://u:topsecret@p:99999"}) {
        CAPTURE(bad);
        CHECK(!net::parse_proxy(bad, error));
        CHECK(error.find("topsecret") == std::string::npos);
    }
    Env env;
    env.vars = {{"https_proxy", "https://u:topsecret@p:1"}};
    try {
        net::ProxyChoice c(std::nullopt, env.getenv());
        FAIL("a bad https_proxy was accepted");
    } catch (const std::invalid_argument& e) {
        CHECK(std::string(e.what()).starts_with("https_proxy: "));
        CHECK(std::string(e.what()).find("topsecret") == std::string::npos);
    }
}
