// SPDX-License-Identifier: Apache-2.0
// Hostile servers on loopback against the real `slawatch probe` binary: each one
// ends in its documented outcome (docs/architecture.md "Wire budgets") within the
// probe's timeout plus scheduling slack, with the child's peak RSS under 64 MB.
// The worst figures are printed with the prefix "reliability:" for the CI log.

#include "support/config_text.hpp"
#include "support/hostile_server.hpp"
#include "support/process.hpp"
#include "support/test_certs.hpp"

#include <boost/json.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using slawatch::testing::HostileServer;
using slawatch::testing::TempDir;
using tcp = boost::asio::ip::tcp;
namespace json = boost::json;
namespace t = slawatch::testing;

namespace {

#if defined(__SANITIZE_ADDRESS__)
// ASan's shadow memory and slower start: the bounds still catch a runaway.
constexpr long rss_limit_kb = 512 * 1024;
constexpr auto slack = 4000ms;
#else
constexpr long rss_limit_kb = 64 * 1024;
constexpr auto slack = 1500ms;  // process start, config load, scheduling on a busy machine
#endif
constexpr auto probe_timeout = 2000ms;

const std::string contract = slawatch::testing::contract_toml("hostile");

// The worst figures over the cases run by one test case.
struct Figures {
    long worst_rss_kb = 0;
    std::chrono::milliseconds worst_overrun{0};
    std::string worst_rss_case;
    std::string worst_overrun_case;
    int cases = 0;

    void print(const char* what) const {
        std::printf(
            "reliability: hostile servers (%s): %d cases, worst RSS %.1f MB (%s), worst overrun "
            "%lld ms past the %lld ms timeout (%s)\n",
            what, cases, static_cast<double>(worst_rss_kb) / 1024.0, worst_rss_case.c_str(),
            static_cast<long long>(worst_overrun.count()),
            static_cast<long long>(probe_timeout.count()), worst_overrun_case.c_str());
        std::fflush(stdout);
    }
};

struct Outcome {
    std::string outcome;
    std::optional<std::string> error_code;
    std::optional<std::string> request_id;
    std::string detail;
};

// Runs `slawatch probe` on the one probe of `probe_toml`; checks the time and
// memory bounds, records the figures and returns what the probe printed.
Outcome run_probe(const std::string& name, const std::string& probe_toml, Figures& figures) {
    TempDir dir;
    const auto config = dir.write("slawatch.toml", contract + probe_toml);
    dir.write("secret_id", "AKIDhostile000000000000000000000001\n");
    dir.write("secret_key", "hostilesecretkey00000000000000001\n");
    const auto r = t::run({t::slawatch_bin(), "probe", "--config", config.string(), "--name", "p",
                           "--format", "json"},
                          {}, 30s);
    INFO(name << ": " << r.err);
    const auto overrun = std::max(r.wall - probe_timeout, 0ms);
    ++figures.cases;
    if (r.max_rss_kb > figures.worst_rss_kb) {
        figures.worst_rss_kb = r.max_rss_kb;
        figures.worst_rss_case = name;
    }
    if (overrun >= figures.worst_overrun) {
        figures.worst_overrun = overrun;
        figures.worst_overrun_case = name;
    }
    CHECK(r.max_rss_kb < rss_limit_kb);
    CHECK(r.wall <= probe_timeout + slack);
    REQUIRE((r.exit_code == 0 || r.exit_code == 1));
    const json::object doc = json::parse(r.out).as_object();
    Outcome o;
    o.outcome = json::value_to<std::string>(doc.at("outcome"));
    if (doc.at("error_code").is_string())
        o.error_code = json::value_to<std::string>(doc.at("error_code"));
    if (doc.at("request_id").is_string())
        o.request_id = json::value_to<std::string>(doc.at("request_id"));
    if (const auto* d = doc.if_contains("detail"); d && d->is_string())
        o.detail = json::value_to<std::string>(*d);
    return o;
}

std::string http_probe(const std::string& url, const std::string& extra = {}) {
    return "[[probe]]\nname = \"p\"\nkind = \"http\"\nurl = \"" + url + "\"\ntimeout = \"" +
           std::to_string(probe_timeout.count()) + "ms\"\n" + extra;
}

std::string tc_probe(std::uint16_t port) {
    return "[[probe]]\nname = \"p\"\nkind = \"tencentcloud\"\nendpoint = \"http://127.0.0.1:" +
           std::to_string(port) +
           "\"\nservice = \"tcmpp\"\naction = \"DescribeMNPList\"\nversion = \"2024-08-01\"\n"
           "payload = '{\"PlatformId\": \"T1\", \"Offset\": 0, \"Limit\": 1}'\n"
           "secret_id_file = \"secret_id\"\nsecret_key_file = \"secret_key\"\ntimeout = \"" +
           std::to_string(probe_timeout.count()) + "ms\"\n";
}

// Reads the request head, then behaves as `then`.
HostileServer::Behaviour after_request(std::function<void(tcp::socket&)> then) {
    return [then = std::move(then)](tcp::socket& s) {
        t::read_request_head(s);
        then(s);
    };
}

struct Case {
    std::string name;
    HostileServer::Behaviour behaviour;
    std::string outcome;
};

const std::string ok_head = "HTTP/1.1 200 OK\r\n";
const std::string chunked_head = ok_head + "Transfer-Encoding: chunked\r\n\r\n";

std::vector<Case> plain_cases() {
    std::vector<Case> cases;
    auto add = [&](std::string name, std::function<void(tcp::socket&)> then, std::string outcome) {
        cases.push_back({std::move(name), after_request(std::move(then)), std::move(outcome)});
    };
    add(
        "endless headers",
        [](tcp::socket& s) { t::stream_forever(s, ok_head, "X-Filler: aaaaaaaaaaaaaaaa\r\n"); },
        "bad_response");
    add(
        "100k headers",
        [](tcp::socket& s) {
            std::string head = ok_head;
            for (int i = 0; i < 100000; ++i) head += "X-" + std::to_string(i) + ": v\r\n";
            head += "Content-Length: 0\r\n\r\n";
            boost::system::error_code ec;
            boost::asio::write(s, boost::asio::buffer(head), ec);
        },
        "bad_response");
    add(
        "one endless chunk extension",
        [](tcp::socket& s) { t::stream_forever(s, chunked_head + "1;", "ext=aaaaaaaaaaaaaa;"); },
        "bad_response");
    add(
        "endless chunks with long extensions",
        [](tcp::socket& s) {
            t::stream_forever(s, chunked_head, "1;x=" + std::string(2000, 'e') + "\r\nz\r\n");
        },
        "bad_response");
    add(
        "bogus chunk size",
        [](tcp::socket& s) { t::stream_forever(s, chunked_head + "zz-not-hex\r\n", "x"); },
        "bad_response");
    add(
        "chunk size of 2^64-1",
        [](tcp::socket& s) {
            t::stream_forever(s, chunked_head + "ffffffffffffffff\r\n", std::string(65536, 'x'));
        },
        "bad_response");
    add(
        "2 GB body by Content-Length",
        [](tcp::socket& s) {
            t::stream_forever(s, ok_head + "Content-Length: 2147483648\r\n\r\n",
                              std::string(65536, 'x'));
        },
        "bad_response");
    add(
        "2 GB chunked body",
        [](tcp::socket& s) {
            t::stream_forever(s, chunked_head, "10000\r\n" + std::string(65536, 'x') + "\r\n");
        },
        "bad_response");
    add(
        "endless body until close",
        [](tcp::socket& s) { t::stream_forever(s, ok_head + "\r\n", std::string(65536, 'x')); },
        "bad_response");
    add(
        "endless trailers",
        [](tcp::socket& s) {
            t::stream_forever(s, chunked_head + "1\r\nx\r\n0\r\n", "X-Trailer: aaaaaaaaaaaa\r\n");
        },
        "bad_response");
    add(
        "reset mid-body",
        [](tcp::socket& s) {
            t::write_all(s, ok_head + "Content-Length: 100000\r\n\r\n" + std::string(1000, 'x'));
            std::this_thread::sleep_for(100ms);
            t::reset(s);
        },
        "bad_response");
    add(
        "redirect loop",
        [](tcp::socket& s) { t::write_all(s, t::response(302, "Found", "", "Location: /\r\n")); },
        "bad_response");
    add(
        "non-HTTP banner",
        [](tcp::socket& s) {
            t::write_all(s, "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n");
            t::drain_until_closed(s);
        },
        "bad_response");
    add(
        "accept and hold", [](tcp::socket& s) { t::drain_until_closed(s); }, "timeout");
    add(
        "slow drip, 1 byte/s",
        [](tcp::socket& s) { t::drip(s, t::response(200, "OK", "hello"), 1000ms); }, "timeout");
    return cases;
}

}  // namespace

TEST_CASE("hostile HTTP servers end in their documented outcome in time and memory",
          "[reliability][hostile]") {
    Figures figures;
    for (auto& c : plain_cases()) {
        HostileServer server(c.behaviour);
        const Outcome o = run_probe(c.name, http_probe(server.url()), figures);
        INFO(c.name << ": " << o.detail);
        CHECK(o.outcome == c.outcome);
    }
    figures.print("http");
}

TEST_CASE("hostile API answers are stored bounded and printable", "[reliability][hostile]") {
    Figures figures;
    SECTION("a 900 KB error code and a request id with control characters") {
        const std::string code(900 * 1024, 'E');
        const std::string body = R"({"Response": {"RequestId": "id-\u001b[31m-\n-)" +
                                 std::string(5000, 'r') + R"(", "Error": {"Code": ")" + code +
                                 R"(", "Message": "no"}}})";
        HostileServer server(after_request([&](tcp::socket& s) {
            t::write_all(s, t::response(200, "OK", body, "Content-Type: application/json\r\n"));
        }));
        const Outcome o = run_probe("900 KB error code", tc_probe(server.port()), figures);
        REQUIRE(o.error_code);
        REQUIRE(o.request_id);
        CHECK(o.error_code->size() <= 128);
        CHECK(o.error_code->starts_with("EEEE"));
        CHECK(o.request_id->size() <= 128);
        CHECK(o.request_id->starts_with("id-?[31m-?-rrr"));
        CHECK(o.detail.size() <= 512);
        for (const std::string* text : {&*o.error_code, &*o.request_id, &o.detail})
            for (unsigned char ch : *text) CHECK((ch >= 0x20 && ch != 0x7f));
    }
    SECTION("an answer over the body budget is bad_response") {
        HostileServer server(after_request([](tcp::socket& s) {
            t::stream_forever(s, ok_head + "Content-Length: 2147483648\r\n\r\n{\"Response\": {",
                              "\"RequestId\": \"x\", ");
        }));
        CHECK(run_probe("2 GB API answer", tc_probe(server.port()), figures).outcome ==
              "bad_response");
    }
    figures.print("api");
}

TEST_CASE("hostile TLS servers are tls_error or timeout in time and memory",
          "[reliability][hostile][tls]") {
    Figures figures;
    TempDir dir;
    const t::Cert self = t::make_cert(dir, "self", "IP:127.0.0.1");
    const t::Cert other = t::make_cert(dir, "other", "DNS:other.example");
    const t::Cert ca = t::make_cert(dir, "ca", "DNS:ca.example");
    const t::Cert expired = t::make_expired_cert(dir, ca, "expired", "IP:127.0.0.1");
    const std::string reply = t::response(200, "OK", "hi");
    auto https = [](const HostileServer& s) {
        return "https://127.0.0.1:" + std::to_string(s.port()) + "/";
    };
    auto ca_file = [](const t::Cert& c) { return "ca_file = \"" + c.cert.string() + "\"\n"; };

    struct TlsCase {
        std::string name;
        HostileServer::Behaviour behaviour;
        std::string extra;
        std::string outcome;
        std::string detail;  // part of the detail that names the reason
    };
    const std::vector<TlsCase> cases{
        {"self-signed certificate", t::tls_answer(t::server_context(self), reply), "", "tls_error",
         "self-signed"},
        {"certificate for another host", t::tls_answer(t::server_context(other), reply),
         ca_file(other), "tls_error", "mismatch"},
        {"expired certificate", t::tls_answer(t::server_context(expired), reply), ca_file(ca),
         "tls_error", "expired"},
        {"TLS accept and hold", [](tcp::socket& s) { t::drain_until_closed(s); }, ca_file(self),
         "timeout", "timed out"},
        {"plain HTTP on the TLS port",
         [](tcp::socket& s) {
             t::write_all(s, t::response(200, "OK", "hi"));
             t::drain_until_closed(s);
         },
         ca_file(self), "tls_error", ""},
    };
    for (const auto& c : cases) {
        HostileServer server(c.behaviour);
        const Outcome o = run_probe(c.name, http_probe(https(server), c.extra), figures);
        INFO(c.name << ": " << o.detail);
        CHECK(o.outcome == c.outcome);
        CHECK(o.detail.find(c.detail) != std::string::npos);
    }
    // The control: the same rig with a trusted certificate is ok.
    HostileServer good(t::tls_answer(t::server_context(self), reply));
    CHECK(
        run_probe("trusted certificate", http_probe(https(good), ca_file(self)), figures).outcome ==
        "ok");
    figures.print("tls");
}
