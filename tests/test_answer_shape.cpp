// SPDX-License-Identifier: Apache-2.0
// R4: the judgement of TencentCloud API answers, on fixtures shaped like the
// tcmpp 2024-08-01 and tcsas 2025-01-06 SDK models (tests/fixtures/).

#include "probes/answer_shape.hpp"
#include "probes/tencentcloud_api.hpp"
#include "tests/support/process.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

using namespace slawatch;
namespace fs = std::filesystem;

namespace {

const fs::path fixtures = fs::path(SLAWATCH_SOURCE_DIR) / "tests" / "fixtures";

sla::Sample judge(const std::string& body, const std::string& action, int status = 200) {
    net::Response r;
    r.status = status;
    r.body = body;
    sla::Sample s;
    probes::detail::judge_api_response(r, action, s);
    return s;
}

sla::Sample judge_fixture(const std::string& service, const std::string& file,
                          const std::string& action) {
    return judge(testing::read_file(fixtures / service / file), action);
}

}  // namespace

TEST_CASE("R4: every action's real answer shape is ok, with empty and null data",
          "[probes][shape]") {
    for (const std::string service : {"tcmpp", "tcsas"}) {
        for (const auto& entry : fs::directory_iterator(fixtures / service)) {
            const std::string name = entry.path().filename().string();
            if (!name.starts_with("Describe")) continue;
            const std::string action = name.substr(0, name.find('.'));
            INFO(service << "/" << name);
            const auto s = judge_fixture(service, name, action);
            INFO(s.detail);
            CHECK(s.outcome == sla::Outcome::ok);
            CHECK_FALSE(s.request_id.empty());
        }
    }
    // Each fixture answers its own action, not another's.
    CHECK(judge_fixture("tcmpp", "DescribeMNPAllStageVersions.json", "DescribeMNPList").outcome ==
          sla::Outcome::bad_response);
    CHECK(judge_fixture("tcmpp", "DescribeMNPList.json", "DescribeMNPAllStageVersions").outcome ==
          sla::Outcome::bad_response);
    CHECK(judge_fixture("tcmpp", "DescribeMNPList.json", "DescribeMNPOfflinePackageURL").outcome ==
          sla::Outcome::bad_response);
}

TEST_CASE("R4: an answer without RequestId is bad_response, even an error", "[probes][shape]") {
    const auto s = judge_fixture("tcmpp", "bad.no-request-id.json", "DescribeMNPList");
    CHECK(s.outcome == sla::Outcome::bad_response);
    CHECK(s.detail == "answer has no Response.RequestId");
    CHECK(
        judge(R"({"Response": {"Error": {"Code": "InternalError"}}})", "DescribeMNPList").outcome ==
        sla::Outcome::bad_response);
    CHECK(judge(R"({"Response": {"Data": null, "RequestId": ""}})", "DescribeMNPAllStageVersions")
              .outcome == sla::Outcome::bad_response);
    CHECK(judge(R"({"Response": {"RequestId": "x"}})", "DescribeSomethingElse").outcome ==
          sla::Outcome::ok);
}

TEST_CASE("R4: API errors keep their code and request id and take the table's outcome",
          "[probes][shape]") {
    auto s = judge_fixture("tcmpp", "error.PackageAlreadyExpired.json", "DescribeMNPList");
    CHECK(s.outcome == sla::Outcome::client_error);
    CHECK(s.error_code == "FailedOperation.PackageAlreadyExpired");
    CHECK(s.request_id == "b3d5f779-a4c6-48e0-9325-91b2d3f5169a");
    s = judge_fixture("tcmpp", "error.InternalError.json", "DescribeMNPList");
    CHECK(s.outcome == sla::Outcome::api_error);
}

TEST_CASE("R4: shapes the real API does not send are bad_response", "[probes][shape]") {
    const char* cases[][2] = {
        {"DescribeMNPList", R"({"Response": {"Data": null, "RequestId": "r"}})"},
        {"DescribeMNPList", R"({"Response": {"Data": {"DataList": []}, "RequestId": "r"}})"},
        {"DescribeMNPList",
         R"({"Response": {"Data": {"TotalCount": "3", "DataList": []}, "RequestId": "r"}})"},
        {"DescribeMNPList", R"({"Response": {"Data": {"TotalCount": 3}, "RequestId": "r"}})"},
        {"DescribeMNPReleasedVersionHistory",
         R"({"Response": {"Data": {"TotalCount": 1, "DataList": {}}, "RequestId": "r"}})"},
        {"DescribeMNPAllStageVersions", R"({"Response": {"RequestId": "r"}})"},
        {"DescribeMNPAllStageVersions", R"({"Response": {"Data": {}, "RequestId": "r"}})"},
        {"DescribeMNPAllStageVersions", R"({"Response": {"Data": [1], "RequestId": "r"}})"},
        {"DescribeMNPOfflinePackageURL",
         R"({"Response": {"Data": {"Data": ""}, "RequestId": "r"}})"},
        {"DescribeMNPOfflinePackageURL",
         R"({"Response": {"Data": "https://x/", "RequestId": "r"}})"},
        {"DescribeMNPList", R"({"Response": []})"},
        {"DescribeMNPList", "<html>captive portal</html>"},
    };
    for (const auto& [action, body] : cases) {
        INFO(action << " " << body);
        CHECK(judge(body, action).outcome == sla::Outcome::bad_response);
    }
    // TotalCount 0 may come without a list at all.
    CHECK(judge(R"({"Response": {"Data": {"TotalCount": 0}, "RequestId": "r"}})",
                "DescribeMNPReleasedVersionHistory")
              .outcome == sla::Outcome::ok);
    CHECK(probes::known_action("DescribeMNPList"));
    CHECK_FALSE(probes::known_action("DescribeMNPAppSecret"));
}
