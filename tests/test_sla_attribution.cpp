// SPDX-License-Identifier: Apache-2.0
// R4: the attribution table of TencentCloud API error codes and its overrides.
#include "sla/attribution.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

using namespace slawatch::sla;

TEST_CASE("R4: TCMPP's customer-side codes are the customer's", "[sla][attribution]") {
    // The codes issue reports found charged to the provider, and the families.
    for (const char* code :
         {"FailedOperation.PackageAlreadyExpired", "FailedOperation.MNPOnlineVersionNotExist",
          "FailedOperation.NoAccessPermission", "FailedOperation.LoginAuthFailed",
          "MissingParameter", "MissingParameter.LoginInfoNotFound", "MissingParameter.Other",
          "ResourceNotFound.NotFoundPurchasedPackage", "AuthFailure", "AuthFailure.TokenFailure",
          "AuthFailure.SomethingNew", "UnauthorizedOperation", "UnauthorizedOperation.X",
          "InvalidParameter", "InvalidParameterValue.InvalidMNPId",
          "InvalidParameterValue.InvalidPlatformId", "InvalidParameterValue.NotListedYet"}) {
        INFO(code);
        CHECK(attribution(attribute_code(code).outcome) == Attribution::customer);
    }
    CHECK(attribute_code("AuthFailure.SignatureExpire").outcome == Outcome::auth_error);
    CHECK(attribute_code("FailedOperation.PackageAlreadyExpired").outcome == Outcome::client_error);
    CHECK(attribute_code("FailedOperation.PackageAlreadyExpired").clause == "4.8");
}

TEST_CASE("R4: server-side and unknown codes are the provider's", "[sla][attribution]") {
    for (const char* code :
         {"InternalError", "InternalError.DbError", "FailedOperation.SystemError",
          "FailedOperation", "ResourceUnavailable", "ResourceUnavailable.Any",
          "ResourceInsufficient", "ServiceUnavailable", "ActionOffline",
          "FailedOperation.FileDownloadFailed", "FailedOperation.NotInAnyList", "BrandNewCode", "",
          "authfailure.signatureexpire", "AuthFailureX", "InvalidParameterValueX"}) {
        INFO(code);
        const auto a = attribute_code(code);
        CHECK(a.outcome == Outcome::api_error);
        CHECK(a.clause == provider_clause);
    }
    CHECK(find_code_rule("BrandNewCode") == nullptr);
    CHECK(attribute_code("BrandNewCode").rule.empty());
}

TEST_CASE("R4: every listed code has a class, a clause and one entry", "[sla][attribution]") {
    std::set<std::string> exact;
    int tcmpp = 0, tcsas = 0, common = 0;
    for (const CodeRule& r : code_rules()) {
        INFO(r.code);
        CHECK(!r.clause.empty());
        CHECK(!r.meaning.empty());
        const bool allowed = r.outcome == Outcome::api_error || r.outcome == Outcome::auth_error ||
                             r.outcome == Outcome::client_error;
        CHECK(allowed);
        CHECK((r.clause == "1.2") == (attribution(r.outcome) == Attribution::provider));
        if (r.family) {
            CHECK(r.lists == 0);
            continue;
        }
        CHECK(exact.insert(std::string(r.code)).second);
        CHECK(r.lists != 0);
        CHECK(find_code_rule(r.code) == &r);
        tcmpp += (r.lists & list_tcmpp) != 0;
        tcsas += (r.lists & list_tcsas) != 0;
        common += (r.lists & list_common) != 0;
    }
    // The sizes of the lists the table was written from (docs/tencentcloud-api.md).
    CHECK(tcmpp == 88);
    CHECK(tcsas == 99);
    CHECK(common >= 35);
}

TEST_CASE("R4: an override moves a code to the other class, nothing else", "[sla][attribution]") {
    const std::vector<CodeOverride> overrides{
        {"FailedOperation.RecordNotFound", Attribution::provider, "the MNPId exists"},
        {"InternalError.Quota", Attribution::customer, "our quota, documented"},
        {"InternalError", Attribution::provider, "same class: no effect"},
    };
    const auto moved = attribute_code("FailedOperation.RecordNotFound", overrides);
    CHECK(moved.outcome == Outcome::api_error);
    CHECK(moved.overridden);
    CHECK(moved.reason == "the MNPId exists");
    CHECK(moved.clause == "1.2");
    CHECK(attribute_code("InternalError.Quota", overrides).clause == "4.7");
    CHECK(attribute_code("InternalError.Quota", overrides).outcome == Outcome::client_error);
    // Exact codes only: the family and its other members keep their class.
    CHECK(attribute_code("InternalError.Other", overrides).outcome == Outcome::api_error);
    CHECK_FALSE(attribute_code("InternalError", overrides).overridden);
    CHECK(attribute_code("FailedOperation.RecordNotFound").outcome == Outcome::client_error);
}

TEST_CASE("R4: a stored API error counts as the table and the overrides say now",
          "[sla][attribution]") {
    const std::vector<CodeOverride> overrides{
        {"FailedOperation.MNPOnlineVersionNotExist", Attribution::provider, "we release daily"}};
    // Recorded before the table knew the code: judged again.
    CHECK(effective_outcome(Outcome::api_error, "FailedOperation.PackageAlreadyExpired", {}) ==
          Outcome::client_error);
    CHECK(effective_outcome(Outcome::client_error, "FailedOperation.MNPOnlineVersionNotExist",
                            overrides) == Outcome::api_error);
    // Outcomes that are not API errors stay as recorded.
    CHECK(effective_outcome(Outcome::http_5xx, "InvalidParameter", {}) == Outcome::http_5xx);
    CHECK(effective_outcome(Outcome::api_error, "", {}) == Outcome::api_error);
    CHECK(effective_outcome(Outcome::ok, "", overrides) == Outcome::ok);
}

TEST_CASE("R4: docs/tencentcloud-api.md lists every code with its class and clause",
          "[sla][attribution][docs]") {
    std::ifstream in(std::string(SLAWATCH_SOURCE_DIR) + "/docs/tencentcloud-api.md");
    REQUIRE(in);
    const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (const CodeRule& r : code_rules()) {
        const std::string who =
            attribution(r.outcome) == Attribution::customer ? "customer" : "provider";
        const std::string head =
            r.family ? "| `" + std::string(r.code) + "`, `" + std::string(r.code) + ".*` | "
                     : "| `" + std::string(r.code) + "` | ";
        INFO(head);
        const auto at = doc.find(head);
        REQUIRE(at != std::string::npos);
        const std::string line = doc.substr(at, doc.find('\n', at) - at);
        INFO(line);
        CHECK(line.find(" | " + std::string(to_string(r.outcome)) + " | " + who + " | " +
                        std::string(r.clause) + " | ") != std::string::npos);
    }
}
