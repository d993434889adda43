// SPDX-License-Identifier: Apache-2.0
// tcmpp-sim, run as a real process on 127.0.0.1: TC3 verification, the actions, package
// ranges, and every fault kind applying inside its window and ending after it.

#include "probes/tc3_signer.hpp"
#include "tests/support/process.hpp"

#include <signal.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace json = boost::json;
namespace tc3 = slawatch::probes::tc3;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;
using slawatch::testing::Process;
using slawatch::testing::TempDir;

constexpr std::string_view secret_id = "AKIDsimtest0000000000000000000000001";
constexpr std::string_view secret_key = "simtestsecretkey000000000000000001";
constexpr std::string_view content_type = "application/json; charset=utf-8";
constexpr std::string_view list_body = R"({"PlatformId": "T0000000001", "Offset": 0, "Limit": 2})";

struct Reply {
    beast::error_code ec;  // connect/handshake/write/read failure, or none
    unsigned status = 0;
    http::fields headers;
    std::string body;

    json::value json() const { return json::parse(body); }
    std::string api_error() const {
        const json::value v = json();
        const auto* e = v.at("Response").as_object().if_contains("Error");
        return e ? std::string(e->at("Code").as_string()) : std::string();
    }
};

// One request on a fresh connection, async under the hood so that every step has a deadline.
template <class Stream>
void exchange(net::io_context& ioc, Stream& stream, std::uint16_t port,
              http::request<http::string_body>& req, Reply& out, std::size_t body_limit) {
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(body_limit);
    auto on_read = [&](beast::error_code ec, std::size_t) {
        out.ec = ec;
        if (ec) return;
        auto res = parser.release();
        out.status = res.result_int();
        for (const auto& f : res) out.headers.insert(f.name_string(), f.value());
        out.body = std::move(res.body());
    };
    auto on_write = [&](beast::error_code ec, std::size_t) {
        if (ec) return void(out.ec = ec);
        http::async_read(stream, buffer, parser, on_read);
    };
    auto start = [&] { http::async_write(stream, req, on_write); };
    beast::get_lowest_layer(stream).async_connect(
        tcp::endpoint(net::ip::make_address("127.0.0.1"), port), [&](beast::error_code ec) {
            if (ec) return void(out.ec = ec);
            if constexpr (std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>) {
                stream.async_handshake(net::ssl::stream_base::client, [&](beast::error_code e) {
                    if (e) return void(out.ec = e);
                    start();
                });
            } else {
                start();
            }
        });
    ioc.run();
}

struct Options {
    std::string ca_file;  // non-empty: HTTPS, verified against it
    std::chrono::milliseconds timeout = 5s;
    std::size_t body_limit = 2 * 1024 * 1024;
};

Reply send(std::uint16_t port, http::request<http::string_body> req, const Options& o = {}) {
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
    req.prepare_payload();
    Reply out;
    net::io_context ioc;
    if (o.ca_file.empty()) {
        beast::tcp_stream stream(ioc);
        stream.expires_after(o.timeout);
        exchange(ioc, stream, port, req, out, o.body_limit);
    } else {
        net::ssl::context ctx(net::ssl::context::tls_client);
        ctx.load_verify_file(o.ca_file);
        ctx.set_verify_mode(net::ssl::verify_peer);
        beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
        stream.set_verify_callback(net::ssl::host_name_verification("127.0.0.1"));
        beast::get_lowest_layer(stream).expires_after(o.timeout);
        exchange(ioc, stream, port, req, out, o.body_limit);
    }
    return out;
}

struct Signing {
    std::string_view key = secret_key;
    std::int64_t skew_s = 0;             // added to the timestamp
    std::string_view sent_body = "";     // non-empty: send this instead of the signed body
    std::string_view signed_host = "";   // non-empty: sign this host instead of the one sent
    std::string_view service = "tcmpp";  // the credential scope's service
};

http::request<http::string_body> api_request(std::uint16_t port, std::string_view action,
                                             std::string_view body, const Signing& s = {}) {
    const std::string host = "127.0.0.1:" + std::to_string(port);
    const std::int64_t ts = std::chrono::duration_cast<std::chrono::seconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count() +
                            s.skew_s;
    const tc3::Request r{s.signed_host.empty() ? std::string_view(host) : s.signed_host, s.service,
                         content_type, body, ts};
    http::request<http::string_body> req{http::verb::post, "/", 11};
    req.set(http::field::authorization,
            tc3::authorization({std::string(secret_id), std::string(s.key), ""}, r));
    req.set(http::field::content_type, content_type);
    req.set("X-TC-Action", action);
    req.set("X-TC-Version", "2024-08-01");
    req.set("X-TC-Timestamp", std::to_string(ts));
    req.set("X-TC-Region", "ap-guangzhou");
    req.body() = std::string(s.sent_body.empty() ? body : s.sent_body);
    return req;
}

http::request<http::string_body> plain_request(http::verb verb, std::string_view target,
                                               std::string body = {}) {
    http::request<http::string_body> req{verb, target, 11};
    req.body() = std::move(body);
    return req;
}

// A running sim with both listeners and the test's credentials.
struct Sim {
    TempDir dir;
    std::uint16_t port = slawatch::testing::free_port();
    std::uint16_t tls_port = slawatch::testing::free_port();
    std::string ca = (dir / "ca.pem").string();
    Process proc;

    explicit Sim(const std::vector<std::string>& extra = {}) : proc(argv(extra), dir.path()) {
        REQUIRE(slawatch::testing::eventually(
            [&] { return proc.out().find("listening on") != std::string::npos || !proc.running(); },
            10s));
        REQUIRE(proc.running());
    }

    std::vector<std::string> argv(const std::vector<std::string>& extra) const {
        std::vector<std::string> a = {slawatch::testing::tcmpp_sim_bin(),
                                      "--listen",
                                      "127.0.0.1:" + std::to_string(port),
                                      "--tls-listen",
                                      "127.0.0.1:" + std::to_string(tls_port),
                                      "--write-ca",
                                      ca,
                                      "--secret-id",
                                      std::string(secret_id),
                                      "--secret-key",
                                      std::string(secret_key),
                                      "--idle-timeout",
                                      "5"};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    }

    Reply list(const Options& o = {}) const {
        return send(o.ca_file.empty() ? port : tls_port,
                    api_request(o.ca_file.empty() ? port : tls_port, "DescribeMNPList", list_body),
                    o);
    }
    void put_plan(std::string_view toml) const {
        const Reply r =
            send(port, plain_request(http::verb::put, "/_sim/faults", std::string(toml)));
        REQUIRE(r.status == 200);
    }
};

bool is_normal(const Reply& r) {
    return !r.ec && r.status == 200 && r.api_error().empty() &&
           r.json().at("Response").at("Data").as_object().contains("TotalCount");
}

// The fault `kind` (plus extra keys) for the next 2 s applies, then the sim answers normally.
template <class Check>
void fault_window(const Sim& sim, std::string_view kind_and_keys, Check applied,
                  const Options& o = {}) {
    sim.put_plan("[[fault]]\n" + std::string(kind_and_keys) +
                 "\nafter = \"0s\"\nduration = \"2s\"\n");
    applied(sim.list(o));
    CHECK(slawatch::testing::eventually([&] { return is_normal(sim.list()); }, 4s));
}

}  // namespace

TEST_CASE("tcmpp-sim: a correctly signed DescribeMNPList answers Data.TotalCount", "[tcmpp_sim]") {
    Sim sim;
    const Reply r = sim.list();
    REQUIRE(!r.ec);
    CHECK(r.status == 200);
    const json::value v = r.json();
    CHECK(v.at("Response").at("Data").at("TotalCount").to_number<int>() == 3);
    CHECK(v.at("Response").at("Data").at("DataList").as_array().size() == 2);  // Limit 2
    CHECK(v.at("Response").at("RequestId").as_string().size() == 36);

    // Same over HTTPS, trusting only the CA the sim wrote.
    const Reply tls = sim.list({.ca_file = sim.ca});
    REQUIRE(!tls.ec);
    CHECK(is_normal(tls));
}

TEST_CASE("tcmpp-sim: tampered body or wrong key answers AuthFailure.SignatureFailure",
          "[tcmpp_sim]") {
    Sim sim;
    const Reply tampered = send(
        sim.port,
        api_request(sim.port, "DescribeMNPList", list_body,
                    {.sent_body = R"({"PlatformId": "T0000000001", "Offset": 1, "Limit": 2})"}));
    CHECK(tampered.status == 200);
    CHECK(tampered.api_error() == "AuthFailure.SignatureFailure");
    const Reply wrong_key =
        send(sim.port, api_request(sim.port, "DescribeMNPList", list_body, {.key = "not-the-key"}));
    CHECK(wrong_key.api_error() == "AuthFailure.SignatureFailure");
    auto unknown_id = api_request(sim.port, "DescribeMNPList", list_body);
    std::string auth(unknown_id[http::field::authorization]);
    auth.replace(auth.find(secret_id), secret_id.size(), "AKIDnobody");
    unknown_id.set(http::field::authorization, auth);
    CHECK(send(sim.port, unknown_id).api_error() == "AuthFailure.SecretIdNotFound");
}

TEST_CASE("tcmpp-sim: accepts what TencentCloud's SDKs sign, the host without its port",
          "[tcmpp_sim]") {
    Sim sim;
    auto call = [&](const Signing& s) {
        return send(sim.port, api_request(sim.port, "DescribeMNPList", list_body, s)).api_error();
    };
    // The official SDKs sign `host:127.0.0.1` while sending Host: 127.0.0.1:PORT.
    CHECK(call({.signed_host = "127.0.0.1"}).empty());
    // ... and take the scope's service from the endpoint's first label.
    CHECK(call({.signed_host = "127.0.0.1", .service = "127"}).empty());
    CHECK(call({.signed_host = "127.0.0.2"}) == "AuthFailure.SignatureFailure");
    CHECK(call({.service = "cvm"}) == "AuthFailure.SignatureFailure");
}

TEST_CASE("tcmpp-sim: answers are shaped as the SDK models, with empty and null variants",
          "[tcmpp_sim]") {
    Sim sim;
    auto data = [&](std::string_view action, std::string_view body) {
        const Reply r = send(sim.port, api_request(sim.port, action, body));
        REQUIRE(r.api_error().empty());
        CHECK_FALSE(r.json().at("Response").at("RequestId").as_string().empty());
        return r.json().at("Response").at("Data");
    };
    auto stages = data("DescribeMNPAllStageVersions", R"({"PlatformId": "T1", "MNPId": "mp1"})");
    REQUIRE(stages.is_array());
    REQUIRE(stages.as_array().size() == 3);
    CHECK(stages.as_array()[2].at("Phase").as_string() == "Online");
    CHECK(stages.as_array()[0].at("MNPVersionId").is_int64());
    auto history =
        data("DescribeMNPReleasedVersionHistory", R"({"PlatformId": "T1", "MNPId": "mp1"})");
    CHECK(history.at("TotalCount").as_int64() == 2);
    const auto& first = history.at("DataList").as_array()[0];
    for (const char* key : {"MNPId", "MNPVersion", "MNPVersionId", "MNPVersionNote", "UpdateTime"})
        CHECK(first.as_object().contains(key));
    CHECK(first.at("UpdateTime").as_string().find_first_not_of("0123456789") ==
          std::string::npos);  // Unix seconds as a string
    CHECK(data("DescribeMNPAllStageVersions", R"({"PlatformId": "T1", "MNPId": "mpempty1"})")
              .as_array()
              .empty());
    CHECK(data("DescribeMNPAllStageVersions", R"({"PlatformId": "T1", "MNPId": "mpnull1"})")
              .is_null());
    history =
        data("DescribeMNPReleasedVersionHistory", R"({"PlatformId": "T1", "MNPId": "mpnull1"})");
    CHECK(history.at("TotalCount").as_int64() == 0);
    CHECK(history.at("DataList").is_null());
    auto page = data("DescribeMNPList", R"({"PlatformId": "Tempty1", "Offset": 0, "Limit": 5})");
    CHECK(page.at("TotalCount").as_int64() == 0);
    CHECK(page.at("DataList").as_array().empty());
    // A mini program without an online version has no package.
    CHECK(send(sim.port, api_request(sim.port, "DescribeMNPOfflinePackageURL",
                                     R"({"PlatformId": "T1", "MNPId": "mpempty1"})"))
              .api_error() == "FailedOperation.MNPOnlineVersionNotExist");
    // Selected errors and answers without RequestId.
    CHECK(send(sim.port, api_request(sim.port, "DescribeMNPAllStageVersions",
                                     R"({"PlatformId": "T1", "MNPId": "mperror-InternalError"})"))
              .api_error() == "InternalError");
    const Reply bare = send(sim.port, api_request(sim.port, "DescribeMNPList",
                                                  R"({"PlatformId": "Tnorequestid", "Offset": 0,
                                                      "Limit": 1})"));
    CHECK_FALSE(bare.json().at("Response").as_object().contains("RequestId"));
}

TEST_CASE("tcmpp-sim: a stale timestamp answers AuthFailure.SignatureExpire", "[tcmpp_sim]") {
    Sim sim;
    CHECK(send(sim.port, api_request(sim.port, "DescribeMNPList", list_body, {.skew_s = -400}))
              .api_error() == "AuthFailure.SignatureExpire");
    CHECK(send(sim.port, api_request(sim.port, "DescribeMNPList", list_body, {.skew_s = -200}))
              .api_error()
              .empty());
}

TEST_CASE("tcmpp-sim: missing or bad parameters and unknown actions are client errors",
          "[tcmpp_sim]") {
    Sim sim;
    auto call = [&](std::string_view action, std::string_view body) {
        return send(sim.port, api_request(sim.port, action, body)).api_error();
    };
    CHECK(call("DescribeMNPList", R"({"PlatformId": "T1", "Offset": 0})") == "MissingParameter");
    CHECK(call("DescribeMNPList", R"({"PlatformId": "T1", "Offset": 0, "Limit": "1"})") ==
          "InvalidParameterValue");
    CHECK(call("DescribeMNPAllStageVersions", R"({"PlatformId": "T1", "MNPId": 7})") ==
          "InvalidParameterValue.InvalidMNPId");
    CHECK(call("DescribeMNPList", R"({"PlatformId": "", "Offset": 0, "Limit": 1})") ==
          "InvalidParameterValue.InvalidPlatformId");
    CHECK(call("DescribeMNPAllStageVersions", R"({"PlatformId": "T1"})") == "MissingParameter");
    CHECK(call("DescribeMNPAllStageVersions", R"({"PlatformId": "T1", "MNPId": "mp1"})").empty());
    CHECK(call("DescribeMNPReleasedVersionHistory", R"({"MNPId": "mp1"})") == "MissingParameter");
    CHECK(call("DeleteMNP", R"({})") == "InvalidAction");
    CHECK(call("DescribeMNPList", "not json") == "InvalidParameter");
}

TEST_CASE("tcmpp-sim: range download answers 206 with the package's bytes", "[tcmpp_sim]") {
    Sim sim;
    for (const bool tls : {false, true}) {
        const std::uint16_t port = tls ? sim.tls_port : sim.port;
        const Options o{.ca_file = tls ? sim.ca : ""};
        const Reply r = send(port,
                             api_request(port, "DescribeMNPOfflinePackageURL",
                                         R"({"PlatformId": "T1", "MNPId": "mp1"})"),
                             o);
        REQUIRE(r.api_error().empty());
        const std::string url(r.json().at("Response").at("Data").at("Data").as_string());
        const auto u = boost::urls::parse_absolute_uri(url);
        REQUIRE(u);
        CHECK(u->scheme() == (tls ? "https" : "http"));
        CHECK(u->port_number() == port);

        auto get = plain_request(http::verb::get, u->encoded_target());
        get.set(http::field::range, "bytes=1000-1999");
        const Reply part = send(port, get, o);
        REQUIRE(!part.ec);
        CHECK(part.status == 206);
        CHECK(part.headers[http::field::content_range] == "bytes 1000-1999/65536");
        REQUIRE(part.body.size() == 1000);
        bool same = true;
        for (std::size_t i = 1000; i < 2000; ++i)  // README: byte[i] = (i * 7 + (i >> 8)) & 0xFF
            same = same &&
                   static_cast<unsigned char>(part.body[i - 1000]) == ((i * 7 + (i >> 8)) & 0xFF);
        CHECK(same);

        const Reply whole = send(port, plain_request(http::verb::get, u->encoded_target()), o);
        CHECK(whole.status == 200);
        CHECK(whole.body.size() == 65536);
    }
    CHECK(send(sim.port,
               plain_request(http::verb::get, "/packages/mp1.zip?expires=99999999999&sign=00"))
              .status == 403);
}

TEST_CASE("tcmpp-sim: http_5xx and api_error apply in their window, then end", "[tcmpp_sim]") {
    Sim sim;
    fault_window(sim, "kind = \"http_5xx\"\nstatus = 502",
                 [](const Reply& r) { CHECK(r.status == 502); });
    fault_window(sim, "kind = \"api_error\"\ncode = \"ResourceUnavailable\"", [](const Reply& r) {
        CHECK(r.status == 200);
        CHECK(r.api_error() == "ResourceUnavailable");
    });
    // `actions` limits a fault: other actions are untouched.
    sim.put_plan("[[fault]]\nkind = \"http_5xx\"\nactions = [\"download\"]\n");
    CHECK(is_normal(sim.list()));
    const Reply stats = send(sim.port, plain_request(http::verb::get, "/_sim/stats"));
    CHECK(stats.json().at("faults").at("http_5xx").to_number<int>() >= 1);
    CHECK(stats.json().at("faults").at("api_error").to_number<int>() >= 1);
}

TEST_CASE("tcmpp-sim: slow and hang delay or withhold the answer, then end", "[tcmpp_sim]") {
    Sim sim;
    const auto t0 = std::chrono::steady_clock::now();
    fault_window(sim, "kind = \"slow\"\ndelay = \"700ms\"", [&](const Reply& r) {
        CHECK(is_normal(r));
        CHECK(std::chrono::steady_clock::now() - t0 >= 650ms);
    });
    fault_window(sim, "kind = \"hang\"",
                 [](const Reply& r) { CHECK(r.ec == beast::error::timeout); },
                 {.ca_file = "", .timeout = 500ms});
}

TEST_CASE("tcmpp-sim: reset, malformed and oversized break the answer, then end", "[tcmpp_sim]") {
    Sim sim;
    fault_window(sim, "kind = \"reset\"",
                 [](const Reply& r) { CHECK(r.ec == net::error::connection_reset); });
    fault_window(sim, "kind = \"malformed\"", [](const Reply& r) {
        CHECK(r.ec);
        CHECK(r.ec.category() == make_error_code(http::error::bad_version).category());
    });
    fault_window(sim, "kind = \"oversized\"",
                 [](const Reply& r) { CHECK(r.ec == http::error::body_limit); },
                 {.ca_file = "", .timeout = 5s, .body_limit = 1024 * 1024});
    fault_window(sim, "kind = \"oversized\"\npart = \"header\"",
                 [](const Reply& r) { CHECK(r.ec == http::error::header_limit); });
}

TEST_CASE("tcmpp-sim: bad_tls presents an untrusted certificate in its window", "[tcmpp_sim]") {
    Sim sim;
    const Options tls{.ca_file = sim.ca};
    sim.put_plan("[[fault]]\nkind = \"bad_tls\"\nafter = \"0s\"\nduration = \"2s\"\n");
    const Reply bad = sim.list(tls);
    CHECK(bad.ec.category() == net::error::get_ssl_category());
    CHECK(is_normal(sim.list()));  // plain HTTP is unaffected
    CHECK(slawatch::testing::eventually([&] { return is_normal(sim.list(tls)); }, 4s));
}

TEST_CASE("tcmpp-sim: a fault file's relative window starts after its delay and ends",
          "[tcmpp_sim]") {
    TempDir plan_dir;
    const auto plan = plan_dir.write(
        "plan.toml", "[[fault]]\nkind = \"http_5xx\"\nafter = \"2s\"\nduration = \"2s\"\n");
    Sim sim({"--faults", plan.string()});
    CHECK(is_normal(sim.list()));
    CHECK(slawatch::testing::eventually([&] { return sim.list().status == 503; }, 5s));
    CHECK(slawatch::testing::eventually([&] { return is_normal(sim.list()); }, 3s));
    // SIGHUP re-reads the file; relative windows count from the reload.
    plan_dir.write("plan.toml", "[[fault]]\nkind = \"api_error\"\n");
    sim.proc.signal(SIGHUP);
    CHECK(slawatch::testing::eventually([&] { return sim.list().api_error() == "InternalError"; },
                                        3s));
}

TEST_CASE("tcmpp-sim: PUT of a bad plan answers 400 and keeps the old plan", "[tcmpp_sim]") {
    Sim sim;
    const std::string good = "[[fault]]\nkind = \"api_error\"\ncode = \"FailedOperation\"\n";
    sim.put_plan(good);
    const Reply bad =
        send(sim.port, plain_request(http::verb::put, "/_sim/faults",
                                     "[[fault]]\nkind = \"http_5xx\"\nstatus = 200\n"));
    CHECK(bad.status == 400);
    CHECK(bad.body.find("<request>:3:") != std::string::npos);
    CHECK(send(sim.port, plain_request(http::verb::get, "/_sim/faults")).body == good);
    CHECK(sim.list().api_error() == "FailedOperation");
    CHECK(send(sim.port, plain_request(http::verb::delete_, "/_sim/faults")).status == 200);
    CHECK(is_normal(sim.list()));
}

TEST_CASE("tcmpp-sim: a bad fault file exits 2 naming file:line", "[tcmpp_sim]") {
    TempDir dir;
    const auto plan = dir.write("bad.toml", "[[fault]]\nkind = \"http_5xx\"\nevery = \"soon\"\n");
    const auto r = slawatch::testing::run(
        {slawatch::testing::tcmpp_sim_bin(), "--listen", "127.0.0.1:0", "--faults", plan.string()},
        {}, 10s);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(plan.string() + ":3:") != std::string::npos);
    CHECK(r.err.find("duration") != std::string::npos);
}

TEST_CASE("tcmpp-sim: SIGTERM stops it cleanly with exit 0", "[tcmpp_sim]") {
    Sim sim;
    CHECK(is_normal(sim.list()));
    sim.proc.signal(SIGTERM);
    CHECK(sim.proc.wait(5s) == 0);
}
