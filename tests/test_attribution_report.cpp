// SPDX-License-Identifier: Apache-2.0
// R4 through the real `slawatch`: replayed results -> minutes -> report, claim
// and check-config. A control target that answered (503) proves the network;
// API error codes count by the attribution table and [attribution] overrides,
// and report/claim say per code why minutes counted.

#include "tests/support/config_text.hpp"
#include "tests/support/process.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace slawatch::testing;
namespace json = boost::json;

namespace {

std::string config_text(const std::string& attribution = "") {
    return config_toml({.name = "attribution-test",
                        .probes = {{.name = "management", .path = "list"},
                                   {.name = "ref", .path = "ref", .control = true}},
                        .extra = attribution});
}

struct World {
    TempDir dir;
    std::string config;
    std::string db = (dir / "e.db").string();
    std::string csv = "time,probe,outcome,http_status,error_code,request_id\n";

    explicit World(const std::string& text) : config(dir.write("c.toml", text).string()) {}

    // Six samples of `probe` in local minute `at` ("2026-06-01T00:MM"), all `outcome`.
    void minute(const std::string& at, const std::string& probe, const std::string& outcome,
                const std::string& status, const std::string& code = "") {
        for (int i = 0; i < 6; ++i) {
            csv += fmt::format("{}:{:02}+08:00,{},{},{},{},{}\n", at, i * 10 + 5, probe, outcome,
                               status, code, code.empty() ? "" : fmt::format("req-{}-{}", at, i));
        }
    }
    RunResult slawatch(std::vector<std::string> args) const {
        args.insert(args.begin(), slawatch_bin());
        args.insert(args.end(), {"--config", config, "--db", db});
        return run(args);
    }
    void replay() {
        const auto r = slawatch({"replay", "--input", dir.write("in.csv", csv).string()});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
    }
    std::string state(const std::string& at, const std::string& probe = "service") const {
        const auto r = slawatch(
            {"minutes", "--from", at + ":00+08:00", "--to", at + ":59+08:00", "--probe", probe});
        REQUIRE(r.exit_code == 0);
        const auto row = r.out.substr(r.out.find('\n') + 1);
        const auto a = row.find(',', row.find(',') + 1) + 1;
        return row.substr(a, row.find(',', a) - a);
    }
};

}  // namespace

TEST_CASE("R4: a control target answering 503 does not excuse a service minute", "[replay][R4]") {
    World w(config_text());
    // 00:00 the control target answers 503: the network works, the service is down.
    w.minute("2026-06-01T00:00", "management", "http_5xx", "503");
    w.minute("2026-06-01T00:00", "ref", "http_5xx", "503");
    // 00:01 the control target answers 400 or a bad body: still an answer.
    w.minute("2026-06-01T00:01", "management", "timeout", "");
    w.minute("2026-06-01T00:01", "ref", "bad_response", "400");
    // 00:02 the control target times out: the local network is down.
    w.minute("2026-06-01T00:02", "management", "timeout", "");
    w.minute("2026-06-01T00:02", "ref", "timeout", "");
    // 00:03 dns_error and tls_error are network-level too.
    w.minute("2026-06-01T00:03", "management", "http_5xx", "503");
    w.minute("2026-06-01T00:03", "ref", "dns_error", "");
    w.replay();
    CHECK(w.state("2026-06-01T00:00") == "down");
    CHECK(w.state("2026-06-01T00:00", "ref") == "up");
    CHECK(w.state("2026-06-01T00:01") == "down");
    CHECK(w.state("2026-06-01T00:02") == "local_network");
    CHECK(w.state("2026-06-01T00:02", "ref") == "down");
    CHECK(w.state("2026-06-01T00:03") == "local_network");
}

TEST_CASE("R4: customer codes make customer minutes, overrides move them, report says why",
          "[replay][R4]") {
    const std::string csv_minutes[] = {"2026-06-01T00:00", "2026-06-01T00:01"};
    auto fill = [&](World& w) {
        // Recorded as api_error (an older table): the table now says customer (SLA 4.8).
        w.minute(csv_minutes[0], "management", "api_error", "200",
                 "FailedOperation.PackageAlreadyExpired");
        w.minute(csv_minutes[0], "ref", "ok", "200");
        w.minute(csv_minutes[1], "management", "client_error", "200",
                 "FailedOperation.RecordNotFound");
        w.minute(csv_minutes[1], "ref", "ok", "200");
    };
    World plain(config_text());
    fill(plain);
    plain.replay();
    CHECK(plain.state(csv_minutes[0]) == "customer");
    CHECK(plain.state(csv_minutes[1]) == "customer");

    // The same evidence under an override: RecordNotFound is the provider's.
    World moved(config_text(R"(
[attribution.provider]
"FailedOperation.RecordNotFound" = "the probed MNPId exists: the backend lost it"
)"));
    fill(moved);
    moved.replay();
    CHECK(moved.state(csv_minutes[0]) == "customer");
    CHECK(moved.state(csv_minutes[1]) == "down");

    // report --format json lists the failures per code with class and clause.
    auto r = moved.slawatch({"report", "--month", "2026-06", "--format", "json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto doc = json::parse(r.out).as_object();
    const auto& rows = doc.at("failures_by_code").as_array();
    REQUIRE(rows.size() == 2);
    for (const auto& v : rows) {
        const auto& row = v.as_object();
        INFO(json::serialize(row));
        CHECK(row.at("probe").as_string() == "management");
        CHECK(row.at("failures").as_int64() == 6);
        CHECK(row.at("minutes").as_int64() == 1);
        if (row.at("error_code").as_string() == "FailedOperation.RecordNotFound") {
            CHECK(row.at("outcome").as_string() == "api_error");
            CHECK(row.at("attributed_to").as_string() == "provider");
            CHECK(row.at("down_minutes").as_int64() == 1);
            CHECK(row.at("override_reason").as_string() ==
                  "the probed MNPId exists: the backend lost it");
        } else {
            CHECK(row.at("error_code").as_string() == "FailedOperation.PackageAlreadyExpired");
            CHECK(row.at("outcome").as_string() == "client_error");
            CHECK(row.at("attributed_to").as_string() == "customer");
            CHECK(row.at("clause").as_string() == "4.8");
            CHECK(row.at("down_minutes").as_int64() == 0);
        }
    }
    // The table format and the claim package say the same.
    r = moved.slawatch({"report", "--month", "2026-06"});
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("failures by error code"));
    CHECK_THAT(r.out, Catch::Contains("FailedOperation.PackageAlreadyExpired"));
    CHECK_THAT(r.out, Catch::Contains("moved by [attribution]: the probed MNPId exists"));
    r = moved.slawatch({"claim", "--month", "2026-06"});
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("## Failures by error code"));
    CHECK_THAT(r.out, Catch::Contains("| management | api_error | FailedOperation.RecordNotFound | "
                                      "provider | 1.2 | 6 | 1 | 1 |"));
    r = moved.slawatch({"claim", "--month", "2026-06", "--format", "json"});
    REQUIRE(r.exit_code == 0);
    CHECK(json::parse(r.out).as_object().at("failures_by_code").as_array().size() == 2);
}

TEST_CASE("R4: check-config prints the effective attribution table and the overrides",
          "[cli][R4]") {
    TempDir dir;
    const auto file = dir.write("c.toml", config_text(R"(
[attribution.provider]
"FailedOperation.RecordNotFound" = "the probed MNPId exists"
[attribution.customer]
"InternalError.OurQuota" = "ticket 42: Tencent says it is our quota"
)"))
                          .string();
    auto r = run({slawatch_bin(), "check-config", "--config", file});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("attribution of API error codes"));
    CHECK_THAT(r.out, Catch::Contains("FailedOperation.PackageAlreadyExpired"));
    CHECK_THAT(r.out, Catch::Contains(
                          "override  FailedOperation.RecordNotFound -> provider (api_error): the "
                          "probed MNPId exists"));
    CHECK_THAT(r.out, Catch::Contains("override  InternalError.OurQuota -> customer"));

    r = run({slawatch_bin(), "check-config", "--config", file, "--format", "json"});
    REQUIRE(r.exit_code == 0);
    const auto a = json::parse(r.out).as_object().at("attribution").as_object();
    CHECK(a.at("unknown_code").at("class").as_string() == "provider");
    CHECK(a.at("overrides").as_array().size() == 2);
    bool found = false;
    for (const auto& v : a.at("rules").as_array()) {
        const auto& rule = v.as_object();
        if (rule.at("code").as_string() != "FailedOperation.RecordNotFound") continue;
        found = true;
        CHECK(rule.at("class").as_string() == "provider");
        CHECK(rule.at("overridden").as_bool());
    }
    CHECK(found);
}
