// SPDX-License-Identifier: Apache-2.0
// `slawatch probe` as a user runs it: against tcmpp-sim and a closed port; the
// JSON fields docs/interface.md names, and exit 0 / 1 / 2.

#include "support/config_text.hpp"
#include "support/process.hpp"

#include <boost/json.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <string>

using namespace std::chrono_literals;
using slawatch::testing::Process;
using slawatch::testing::TempDir;
namespace json = boost::json;

namespace {

std::string config_text(std::uint16_t sim_port, std::uint16_t closed_port) {
    const std::string port = std::to_string(sim_port);
    return slawatch::testing::contract_toml("cli-probe") + R"([[probe]]
name = "management"
kind = "tencentcloud"
endpoint = "http://127.0.0.1:)" +
           port + R"("
service = "tcmpp"
action = "DescribeMNPList"
version = "2024-08-01"
region = "ap-guangzhou"
payload = '{"PlatformId": "T0000000001", "Offset": 0, "Limit": 1}'
secret_id_file = "secret_id"
secret_key_file = "secret_key"
timeout = "3s"

[[probe]]
name = "gone"
kind = "http"
url = "http://127.0.0.1:)" +
           std::to_string(closed_port) + R"(/"
timeout = "2s"

[[probe]]
name = "no_secret"
kind = "tencentcloud"
endpoint = "http://127.0.0.1:)" +
           port + R"("
service = "tcmpp"
action = "DescribeMNPList"
version = "2024-08-01"
secret_id_file = "missing_id"
secret_key_file = "missing_key"
)";
}

struct Fixture {
    TempDir dir;
    std::uint16_t port = slawatch::testing::free_port();
    // The secrets exist before the sim reads them.
    bool secrets = (dir.write("secret_id", "AKIDclitest0000000000000000000000001\n"),
                    dir.write("secret_key", "clitestsecretkey00000000000000001\n"), true);
    Process sim{
        {slawatch::testing::tcmpp_sim_bin(), "--listen", "127.0.0.1:" + std::to_string(port),
         "--credentials-dir", dir.path().string(), "--quiet"},
        dir.path()};
    std::string config;

    Fixture() {
        config =
            dir.write("slawatch.toml", config_text(port, slawatch::testing::free_port())).string();
        REQUIRE(slawatch::testing::wait_for_port(port, 10s));
    }

    slawatch::testing::RunResult probe(const std::string& name, const std::string& format) const {
        return slawatch::testing::run({slawatch::testing::slawatch_bin(), "probe", "--config",
                                       config, "--name", name, "--format", format},
                                      {}, 30s);
    }
};

}  // namespace

TEST_CASE("cli probe: an ok probe prints the documented JSON fields and exits 0", "[cli][probe]") {
    Fixture f;
    const auto r = f.probe("management", "json");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const json::object doc = json::parse(r.out).as_object();
    CHECK(doc.at("probe").as_string() == "management");
    CHECK(doc.at("outcome").as_string() == "ok");
    CHECK(doc.at("http_status").as_int64() == 200);
    CHECK(doc.at("error_code").is_null());
    CHECK_FALSE(doc.at("request_id").as_string().empty());
    const auto& phases = doc.at("phases_ms").as_object();
    for (const char* k : {"dns", "connect", "first_byte", "total"}) {
        INFO(k);
        CHECK(phases.at(k).is_number());
    }
    CHECK(phases.at("tls").is_null());  // plain http
    CHECK(phases.at("total").to_number<double>() >= phases.at("connect").to_number<double>());
}

TEST_CASE("cli probe: a failing probe prints its outcome and exits 1", "[cli][probe]") {
    Fixture f;
    auto r = f.probe("gone", "json");
    CHECK(r.exit_code == 1);
    const json::object doc = json::parse(r.out).as_object();
    CHECK(doc.at("outcome").as_string() == "connect_error");
    CHECK(doc.at("http_status").is_null());
    CHECK(doc.at("phases_ms").as_object().at("connect").is_null());

    r = f.probe("gone", "text");
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("outcome      connect_error\n") != std::string::npos);
    CHECK(r.out.find("connect      -\n") != std::string::npos);
}

TEST_CASE("cli probe: the text format shows outcome, status, request id and phases",
          "[cli][probe]") {
    Fixture f;
    const auto r = f.probe("management", "text");
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("outcome      ok\n") != std::string::npos);
    CHECK(r.out.find("http status  200\n") != std::string::npos);
    CHECK(r.out.find("request id   -\n") == std::string::npos);
    CHECK(r.out.find("total        ") != std::string::npos);
}

TEST_CASE("cli probe: an unknown name or an unreadable secret exits 2 with a clear message",
          "[cli][probe]") {
    Fixture f;
    auto r = f.probe("nope", "text");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("no probe named \"nope\"") != std::string::npos);
    CHECK(r.out.empty());
    r = f.probe("no_secret", "json");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("missing_id") != std::string::npos);
}
