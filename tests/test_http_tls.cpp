// SPDX-License-Identifier: Apache-2.0
// The HTTP client over TLS: certificates made at run time with the openssl CLI;
// an untrusted or misnamed certificate is tls_error, a trusted one is ok.

#include "net/http_client.hpp"
#include "support/hostile_server.hpp"
#include "support/probe_run.hpp"
#include "support/process.hpp"
#include "support/test_certs.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/beast/http/field.hpp>

#include <catch2/catch.hpp>

#include <chrono>

using namespace slawatch;
using namespace std::chrono_literals;
using slawatch::testing::HostileServer;
using tcp = boost::asio::ip::tcp;
namespace ssl = boost::asio::ssl;

namespace {

using slawatch::testing::Cert;
using slawatch::testing::make_cert;
using slawatch::testing::server_context;
using slawatch::testing::tls_answer;

net::Response fetch_tls(std::uint16_t port, std::shared_ptr<ssl::context> client,
                        const std::string& host = "127.0.0.1") {
    return slawatch::testing::fetch("https://" + host + ":" + std::to_string(port) + "/", 3s, {},
                                    std::move(client))
        .response;
}

}  // namespace

TEST_CASE("tls: a self-signed certificate without ca_file is tls_error", "[http][tls]") {
    slawatch::testing::TempDir dir;
    const Cert cert = make_cert(dir, "self", "IP:127.0.0.1,DNS:localhost");
    HostileServer server(
        tls_answer(server_context(cert), slawatch::testing::response(200, "OK", "hi")));
    const auto r = fetch_tls(server.port(), net::make_tls_context("", false));
    CHECK(r.outcome == sla::Outcome::tls_error);
    CHECK(r.phases.connect_us >= 0);
    CHECK(r.phases.tls_us == -1);
    CHECK(r.detail.rfind("tls: ", 0) == 0);
}

TEST_CASE("tls: the same certificate trusted through ca_file is ok, with a TLS phase",
          "[http][tls]") {
    slawatch::testing::TempDir dir;
    const Cert cert = make_cert(dir, "self", "IP:127.0.0.1,DNS:localhost");
    HostileServer server(
        tls_answer(server_context(cert), slawatch::testing::response(200, "OK", "hi")));
    SECTION("by address") {
        const auto r = fetch_tls(server.port(), net::make_tls_context(cert.cert.string(), false));
        CHECK(r.outcome == sla::Outcome::ok);
        CHECK(r.body == "hi");
        CHECK(r.phases.tls_us >= r.phases.connect_us);
        CHECK(r.phases.first_byte_us >= r.phases.tls_us);
    }
    SECTION("by name, with SNI") {
        const auto r =
            fetch_tls(server.port(), net::make_tls_context(cert.cert.string(), false), "localhost");
        CHECK(r.outcome == sla::Outcome::ok);
    }
}

TEST_CASE("tls: a trusted certificate for another name is tls_error", "[http][tls]") {
    slawatch::testing::TempDir dir;
    const Cert cert = make_cert(dir, "other", "DNS:other.example");
    HostileServer server(
        tls_answer(server_context(cert), slawatch::testing::response(200, "OK", "hi")));
    const auto r = fetch_tls(server.port(), net::make_tls_context(cert.cert.string(), false));
    CHECK(r.outcome == sla::Outcome::tls_error);
}

TEST_CASE("tls: insecure skips verification (tests only)", "[http][tls]") {
    slawatch::testing::TempDir dir;
    const Cert cert = make_cert(dir, "self", "DNS:other.example");
    HostileServer server(
        tls_answer(server_context(cert), slawatch::testing::response(200, "OK", "hi")));
    CHECK(fetch_tls(server.port(), net::make_tls_context("", true)).outcome == sla::Outcome::ok);
}

TEST_CASE("tls: a plain HTTP server behind an https URL is tls_error", "[http][tls]") {
    HostileServer server([](tcp::socket& s) {
        char hello[512];
        s.read_some(boost::asio::buffer(hello));  // the ClientHello, taken for a request
        slawatch::testing::write_all(s, slawatch::testing::response(400, "Bad Request", ""));
    });
    CHECK(fetch_tls(server.port(), net::make_tls_context("", true)).outcome ==
          sla::Outcome::tls_error);
}
