// SPDX-License-Identifier: Apache-2.0
// The tencentcloud and download probes against the real tcmpp-sim on 127.0.0.1:
// success, bad credentials, and every sim fault kind -> the expected outcome in time.

#include "net/http_client.hpp"
#include "probes/probe.hpp"
#include "support/process.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/beast/http/field.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <vector>

using namespace slawatch;
using namespace std::chrono_literals;
using slawatch::testing::Process;
using slawatch::testing::TempDir;

namespace {

constexpr const char* secret_id = "AKIDprobetest000000000000000000000001";
constexpr const char* secret_key = "probetestsecretkey0000000000000001";
constexpr const char* list_payload = R"({"PlatformId": "T0000000001", "Offset": 0, "Limit": 2})";
constexpr const char* mnp_payload = R"({"MNPId": "mnp_1", "PlatformId": "T0000000001"})";

// One sim with both listeners; the secrets in files, as systemd would hand them over.
struct Sim {
    TempDir dir;
    std::uint16_t port = slawatch::testing::free_port();
    std::uint16_t tls_port = slawatch::testing::free_port();
    std::string ca = (dir / "ca.pem").string();
    std::string id_file = dir.write("secret_id", std::string(secret_id) + "\n").string();
    std::string key_file = dir.write("secret_key", std::string(secret_key) + "\n").string();
    Process proc{
        {slawatch::testing::tcmpp_sim_bin(), "--listen", "127.0.0.1:" + std::to_string(port),
         "--tls-listen", "127.0.0.1:" + std::to_string(tls_port), "--write-ca", ca, "--secret-id",
         secret_id, "--secret-key", secret_key, "--idle-timeout", "5", "--quiet"},
        dir.path()};

    Sim() {
        REQUIRE(slawatch::testing::eventually(
            [&] { return proc.out().find("listening on") != std::string::npos || !proc.running(); },
            10s));
        REQUIRE(proc.running());
    }

    config::Probe probe(config::ProbeKind kind, const std::string& action,
                        const std::string& payload, bool tls = false) const {
        config::Probe p;
        p.name = "sim_probe";
        p.kind = kind;
        p.timeout = 2000ms;
        p.tc.endpoint = std::string(tls ? "https" : "http") +
                        "://127.0.0.1:" + std::to_string(tls ? tls_port : port);
        p.tc.service = "tcmpp";
        p.tc.action = action;
        p.tc.version = "2024-08-01";
        p.tc.region = "ap-guangzhou";
        p.tc.payload = payload;
        p.tc.secret_id_file = id_file;
        p.tc.secret_key_file = key_file;
        if (tls) p.tc.ca_file = ca;
        return p;
    }
    config::Probe list(bool tls = false) const {
        return probe(config::ProbeKind::tencentcloud, "DescribeMNPList", list_payload, tls);
    }
    config::Probe download(bool tls = false) const {
        return probe(config::ProbeKind::download, "DescribeMNPOfflinePackageURL", mnp_payload, tls);
    }

    // PUT /_sim/faults with our own client: an always-active plan.
    void put_plan(const std::string& toml) const { control(boost::beast::http::verb::put, toml); }
    void clear_plan() const { control(boost::beast::http::verb::delete_, ""); }

    void control(boost::beast::http::verb verb, const std::string& body) const {
        std::string error;
        auto url =
            net::parse_url("http://127.0.0.1:" + std::to_string(port) + "/_sim/faults", error);
        REQUIRE(url);
        auto req = std::make_shared<net::Request>(verb, url->target, 11);
        req->set(boost::beast::http::field::host, url->host_header);
        req->body() = body;
        req->prepare_payload();
        boost::asio::io_context io;
        const auto start = net::Clock::now();
        int status = 0;
        net::async_exchange(
            io.get_executor(),
            {std::make_shared<const net::Url>(*url), nullptr, req, start, start + 3s, {}, true},
            [&](net::Response& r) { status = r.status; });
        io.run();
        REQUIRE(status == 200);
    }
};

struct Timed {
    sla::Sample sample;
    std::chrono::milliseconds elapsed{};
};

Timed run_once(const config::Probe& settings) {
    boost::asio::io_context io;
    auto probe = probes::make_probe(io.get_executor(), settings);
    std::vector<sla::Sample> samples;
    const auto start = std::chrono::steady_clock::now();
    probe->run([&](sla::Sample s) { samples.push_back(std::move(s)); });
    io.run();
    REQUIRE(samples.size() == 1);
    return {samples.front(), std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::steady_clock::now() - start)};
}

}  // namespace

TEST_CASE("tencentcloud probe: each of the four actions answers ok with a RequestId",
          "[probe][sim]") {
    Sim sim;
    const std::vector<std::pair<std::string, std::string>> calls = {
        {"DescribeMNPList", list_payload},
        {"DescribeMNPReleasedVersionHistory", mnp_payload},
        {"DescribeMNPAllStageVersions", mnp_payload},
        {"DescribeMNPOfflinePackageURL", mnp_payload}};
    for (const auto& [action, payload] : calls) {
        INFO(action);
        const auto t = run_once(sim.probe(config::ProbeKind::tencentcloud, action, payload));
        CHECK(t.sample.outcome == sla::Outcome::ok);
        CHECK(t.sample.http_status == 200);
        CHECK_FALSE(t.sample.request_id.empty());
        CHECK(t.sample.error_code.empty());
    }
}

TEST_CASE("tencentcloud probe: over TLS with the sim's CA as ca_file", "[probe][sim][tls]") {
    Sim sim;
    const auto t = run_once(sim.list(true));
    CHECK(t.sample.outcome == sla::Outcome::ok);
    CHECK(t.sample.phases.tls_us >= t.sample.phases.connect_us);
    auto no_ca = sim.list(true);
    no_ca.tc.ca_file.clear();
    CHECK(run_once(no_ca).sample.outcome == sla::Outcome::tls_error);
}

TEST_CASE("R4: a wrong SecretKey is auth_error with AuthFailure.SignatureFailure and its RequestId",
          "[probe][sim]") {
    Sim sim;
    auto p = sim.list();
    p.tc.secret_key_file = sim.dir.write("wrong_key", "not-the-key\n").string();
    const auto t = run_once(p);
    CHECK(t.sample.outcome == sla::Outcome::auth_error);
    CHECK(t.sample.error_code == "AuthFailure.SignatureFailure");
    CHECK_FALSE(t.sample.request_id.empty());
    CHECK(t.sample.detail.find("not-the-key") == std::string::npos);  // R12
}

TEST_CASE("R4: an unknown SecretId and a missing parameter are the customer's", "[probe][sim]") {
    Sim sim;
    auto p = sim.list();
    p.tc.secret_id_file = sim.dir.write("other_id", "AKIDunknown\n").string();
    auto t = run_once(p);
    CHECK(t.sample.outcome == sla::Outcome::auth_error);
    CHECK(t.sample.error_code == "AuthFailure.SecretIdNotFound");
    t = run_once(sim.probe(config::ProbeKind::tencentcloud, "DescribeMNPList", "{}"));
    CHECK(t.sample.outcome == sla::Outcome::client_error);
    CHECK(t.sample.error_code == "MissingParameter");
}

TEST_CASE("tencentcloud probe: secrets from the environment and from $CREDENTIALS_DIRECTORY",
          "[probe][sim]") {
    Sim sim;
    auto p = sim.list();
    p.tc.secret_id_file.clear();
    p.tc.secret_key_file.clear();
    SECTION("environment") {
        ::setenv("TENCENTCLOUD_SECRET_ID", secret_id, 1);
        ::setenv("TENCENTCLOUD_SECRET_KEY", secret_key, 1);
        const auto t = run_once(p);
        ::unsetenv("TENCENTCLOUD_SECRET_ID");
        ::unsetenv("TENCENTCLOUD_SECRET_KEY");
        CHECK(t.sample.outcome == sla::Outcome::ok);
    }
    SECTION("systemd LoadCredential") {
        ::setenv("CREDENTIALS_DIRECTORY", sim.dir.path().c_str(), 1);
        const auto t = run_once(p);
        ::unsetenv("CREDENTIALS_DIRECTORY");
        CHECK(t.sample.outcome == sla::Outcome::ok);
    }
}

TEST_CASE(
    "tencentcloud probe: a missing secret file is a setup error naming the file, not the secret",
    "[probe][sim]") {
    TempDir dir;
    config::Probe p;
    p.name = "management";
    p.kind = config::ProbeKind::tencentcloud;
    p.tc.endpoint = "http://127.0.0.1:1";
    p.tc.secret_id_file = dir.write("id", "AKIDsecretvalue\n").string();
    p.tc.secret_key_file = (dir / "missing_key").string();
    boost::asio::io_context io;
    try {
        probes::make_probe(io.get_executor(), p);
        FAIL("no ProbeSetupError");
    } catch (const probes::ProbeSetupError& e) {
        const std::string what = e.what();
        CHECK(what.find("missing_key") != std::string::npos);
        CHECK(what.find("AKIDsecretvalue") == std::string::npos);
    }
}

TEST_CASE("download probe: the presigned package answers 206 to the Range request",
          "[probe][sim]") {
    Sim sim;
    for (bool tls : {false, true}) {
        INFO("tls " << tls);
        const auto t = run_once(sim.download(tls));
        CHECK(t.sample.outcome == sla::Outcome::ok);
        CHECK(t.sample.http_status == 206);
        CHECK_FALSE(t.sample.request_id.empty());
        CHECK(t.sample.phases.total_us >= t.sample.phases.first_byte_us);
    }
}

TEST_CASE("download probe: no URL at url_field is bad_response", "[probe][sim]") {
    Sim sim;
    auto p = sim.download();
    p.tc.url_field = "Data.NoSuchField";
    CHECK(run_once(p).sample.outcome == sla::Outcome::bad_response);
}

TEST_CASE("R4: every sim fault kind gives its outcome within the probe deadline", "[probe][sim]") {
    Sim sim;
    struct Case {
        std::string plan;
        sla::Outcome expected;
        bool tls = false;
    };
    const std::vector<Case> cases = {
        {"kind = \"http_5xx\"\nstatus = 502", sla::Outcome::http_5xx},
        {"kind = \"api_error\"\ncode = \"InternalError\"", sla::Outcome::api_error},
        {"kind = \"api_error\"\ncode = \"ResourceUnavailable.Busy\"", sla::Outcome::api_error},
        {"kind = \"api_error\"\ncode = \"AuthFailure.UnauthorizedOperation\"",
         sla::Outcome::auth_error},
        {"kind = \"slow\"\ndelay = \"10s\"", sla::Outcome::timeout},
        {"kind = \"hang\"", sla::Outcome::timeout},
        {"kind = \"reset\"", sla::Outcome::connect_error},
        {"kind = \"malformed\"", sla::Outcome::bad_response},
        {"kind = \"oversized\"\npart = \"body\"", sla::Outcome::bad_response},
        {"kind = \"oversized\"\npart = \"header\"", sla::Outcome::bad_response},
        {"kind = \"bad_tls\"", sla::Outcome::tls_error, true},
    };
    for (const auto& c : cases) {
        INFO(c.plan);
        sim.put_plan("[[fault]]\n" + c.plan + "\n");
        const auto t = run_once(sim.list(c.tls));
        CHECK(t.sample.outcome == c.expected);
        CHECK(t.elapsed < 2000ms + 1500ms);  // the probe's timeout, plus slack
        if (c.expected == sla::Outcome::api_error) CHECK_FALSE(t.sample.error_code.empty());
        sim.clear_plan();
    }
    CHECK(run_once(sim.list()).sample.outcome == sla::Outcome::ok);
}

TEST_CASE("download probe: faults on the package fetch alone", "[probe][sim]") {
    Sim sim;
    const std::vector<std::pair<std::string, sla::Outcome>> cases = {
        {"kind = \"http_5xx\"", sla::Outcome::http_5xx},
        {"kind = \"hang\"", sla::Outcome::timeout},
        {"kind = \"reset\"", sla::Outcome::connect_error},
        {"kind = \"malformed\"", sla::Outcome::bad_response},
    };
    for (const auto& [plan, expected] : cases) {
        INFO(plan);
        sim.put_plan("[[fault]]\n" + plan + "\nactions = [\"download\"]\n");
        const auto t = run_once(sim.download());
        CHECK(t.sample.outcome == expected);
        CHECK_FALSE(t.sample.request_id.empty());  // the API call itself succeeded
        CHECK(t.elapsed < 2000ms + 1500ms);
        sim.clear_plan();
    }
}
