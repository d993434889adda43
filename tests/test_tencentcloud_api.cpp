// SPDX-License-Identifier: Apache-2.0
// The real `slawatch probe` against the real tcmpp-sim on 127.0.0.1, answering
// in the shapes of the tcmpp 2024-08-01 and tcsas 2025-01-06 SDK models: every
// action's answer (with empty and null data) is ok, every customer code of the
// error lists is the customer's, every provider code is api_error (R4).

#include "sla/attribution.hpp"
#include "tests/support/config_text.hpp"
#include "tests/support/process.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using namespace slawatch::testing;
namespace json = boost::json;
namespace sla = slawatch::sla;

namespace {

const std::string contract = slawatch::testing::contract_toml("api-test");

struct Case {
    std::string action;
    std::string payload;
};

// One sim per service (the credential scope names it), and a config with one probe per case.
struct ApiWorld {
    TempDir dir;
    bool secrets = (dir.write("secret_id", "AKIDapitest00000000000000000000000001\n"),
                    dir.write("secret_key", "apitestsecretkey000000000000000001\n"), true);
    std::uint16_t tcmpp_port = free_port();
    std::uint16_t tcsas_port = free_port();
    Process tcmpp{{tcmpp_sim_bin(), "--listen", "127.0.0.1:" + std::to_string(tcmpp_port),
                   "--credentials-dir", dir.path().string(), "--quiet"},
                  dir.path()};
    Process tcsas{{tcmpp_sim_bin(), "--listen", "127.0.0.1:" + std::to_string(tcsas_port),
                   "--credentials-dir", dir.path().string(), "--service", "tcsas", "--quiet"},
                  dir.path()};
    std::string config;

    ApiWorld() {
        REQUIRE(wait_for_port(tcmpp_port, 10s));
        REQUIRE(wait_for_port(tcsas_port, 10s));
    }

    // Probes p0..pN, in the order of `cases`, all against `service`.
    void write_config(const std::string& service, const std::vector<Case>& cases) {
        std::string text = contract;
        const auto port = service == "tcsas" ? tcsas_port : tcmpp_port;
        for (std::size_t i = 0; i < cases.size(); ++i) {
            text += fmt::format(R"(
[[probe]]
name = "p{}"
kind = "tencentcloud"
endpoint = "http://127.0.0.1:{}"
service = "{}"
action = "{}"
region = "ap-singapore"
payload = '{}'
secret_id_file = "secret_id"
secret_key_file = "secret_key"
timeout = "5s"
)",
                                i, port, service, cases[i].action, cases[i].payload);
        }
        config = dir.write("slawatch-" + service + ".toml", text).string();
    }

    json::object probe(std::size_t i) const {
        const auto r = run({slawatch_bin(), "probe", "--config", config, "--name",
                            "p" + std::to_string(i), "--format", "json"},
                           {}, 30s);
        INFO(r.err);
        REQUIRE((r.exit_code == 0 || r.exit_code == 1));
        return json::parse(r.out).as_object();
    }
};

std::string mnp(const std::string& id) {
    return fmt::format(R"({{"MNPId": "{}", "PlatformId": "T0000000001"}})", id);
}
std::string list(const std::string& platform) {
    return fmt::format(R"({{"PlatformId": "{}", "Offset": 0, "Limit": 10}})", platform);
}

std::vector<Case> shape_cases() {
    std::vector<Case> cases;
    for (const char* id : {"mpsim0000000001", "mpempty0000001", "mpnull00000001"}) {
        cases.push_back({"DescribeMNPReleasedVersionHistory", mnp(id)});
        cases.push_back({"DescribeMNPAllStageVersions", mnp(id)});
    }
    cases.push_back({"DescribeMNPOfflinePackageURL", mnp("mpsim0000000001")});
    for (const char* id : {"T0000000001", "Tempty0000001", "Tnull00000001"})
        cases.push_back({"DescribeMNPList", list(id)});
    return cases;
}

}  // namespace

TEST_CASE("R4: every action's real answer shape, with empty and null data, is ok", "[api][shape]") {
    ApiWorld w;
    for (const std::string service : {"tcmpp", "tcsas"}) {
        const auto cases = shape_cases();
        w.write_config(service, cases);
        for (std::size_t i = 0; i < cases.size(); ++i) {
            INFO(service << " " << cases[i].action << " " << cases[i].payload);
            const auto doc = w.probe(i);
            INFO(json::serialize(doc));
            CHECK(doc.at("outcome").as_string() == "ok");
            CHECK_FALSE(doc.at("request_id").as_string().empty());
        }
    }
}

TEST_CASE("R4: an answer without RequestId is bad_response", "[api][shape]") {
    ApiWorld w;
    w.write_config("tcmpp", {{"DescribeMNPAllStageVersions", mnp("mpnorequestid01")},
                             {"DescribeMNPList", list("Tnorequestid01")},
                             {"DescribeMNPReleasedVersionHistory", mnp("mpnorequestid01")}});
    for (std::size_t i = 0; i < 3; ++i) {
        const auto doc = w.probe(i);
        INFO(json::serialize(doc));
        CHECK(doc.at("outcome").as_string() == "bad_response");
        CHECK(doc.at("detail").as_string() == "answer has no Response.RequestId");
    }
}

TEST_CASE("R4: every listed code takes its class end to end, customer or api_error",
          "[api][attribution]") {
    // The codes an earlier version charged to the provider, named here on purpose.
    const std::vector<std::string> customer{
        "FailedOperation.PackageAlreadyExpired", "FailedOperation.MNPOnlineVersionNotExist",
        "FailedOperation.NoAccessPermission",    "FailedOperation.LoginAuthFailed",
        "MissingParameter.LoginInfoNotFound",    "ResourceNotFound.NotFoundPurchasedPackage",
        "AuthFailure.SignatureExpire",           "UnauthorizedOperation",
        "InvalidParameterValue.InvalidMNPId",    "InvalidParameterValue.InvalidPlatformId"};
    const std::vector<std::string> provider{"InternalError", "FailedOperation.SystemError",
                                            "FailedOperation", "ResourceUnavailable",
                                            "SomeCodeNobodyListed"};
    std::vector<std::string> codes = customer;
    codes.insert(codes.end(), provider.begin(), provider.end());
    for (const auto& rule : sla::code_rules()) {
        if (!rule.family) codes.emplace_back(rule.code);
    }
    std::vector<Case> cases;
    for (std::size_t i = 0; i < codes.size(); ++i) {
        // Both ways of selecting an error: the MNPId and the list's PlatformId.
        if (i % 2 == 0)
            cases.push_back({"DescribeMNPReleasedVersionHistory", mnp("mperror-" + codes[i])});
        else
            cases.push_back({"DescribeMNPList", list("Terror-" + codes[i])});
    }
    ApiWorld w;
    w.write_config("tcmpp", cases);
    for (std::size_t i = 0; i < codes.size(); ++i) {
        INFO(codes[i]);
        const auto doc = w.probe(i);
        CHECK(doc.at("error_code").as_string() == codes[i]);
        CHECK_FALSE(doc.at("request_id").as_string().empty());
        const std::string outcome(doc.at("outcome").as_string());
        const bool is_customer = outcome == "auth_error" || outcome == "client_error";
        if (i < customer.size()) {
            CHECK(is_customer);
        } else if (i < customer.size() + provider.size()) {
            CHECK(outcome == "api_error");
        } else {
            const bool table_customer =
                sla::builtin_attribution(codes[i]) == sla::Attribution::customer;
            CHECK(is_customer == table_customer);
            if (!table_customer) CHECK(outcome == "api_error");
        }
    }
}

TEST_CASE("The tcmpp and tcsas example configs load with their default hosts", "[api][cli]") {
    const std::string examples = std::string(SLAWATCH_SOURCE_DIR) + "/examples/";
    for (const auto& [file, host] : std::vector<std::pair<std::string, std::string>>{
             {"tcmpp-intl.toml", "https://tcmpp.intl.tencentcloudapi.com"},
             {"tcsas.toml", "https://tcsas.intl.tencentcloudapi.com"}}) {
        INFO(file);
        const auto r =
            run({slawatch_bin(), "check-config", "--config", examples + file, "--format", "json"});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const auto doc = json::parse(r.out).as_object();
        int api_probes = 0;
        for (const auto& p : doc.at("probes").as_array()) {
            const std::string target(p.at("target").as_string());
            if (target.starts_with("https://tc")) {
                ++api_probes;
                CHECK(target.starts_with(host + " Describe"));
            }
        }
        CHECK(api_probes == 4);
    }
}
