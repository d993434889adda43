// SPDX-License-Identifier: Apache-2.0
// `slawatch check-config` as a user runs it: on the shipped example and on bad files.

#include "tests/support/process.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <regex>
#include <sstream>
#include <string>

using slawatch::testing::run;
using slawatch::testing::slawatch_bin;
using slawatch::testing::TempDir;

namespace {

const std::string example = std::string(SLAWATCH_SOURCE_DIR) + "/examples/slawatch.toml";

// 2026-06-15T00:00:00Z: inside the example's term whatever the date the test runs on.
const std::string clock_in_term = "SLAWATCH_TEST_CLOCK_START_MS=1781481600000";

slawatch::testing::RunResult check_config(const std::vector<std::string>& args) {
    std::vector<std::string> argv{slawatch_bin(), "check-config"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, {}, std::chrono::seconds(20), {clock_in_term});
}

}  // namespace

TEST_CASE("R6, R10: check-config shows the example's 25 Service Months and claim windows",
          "[cli]") {
    const auto r = check_config({"--config", example});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    // Only warnings: the systemd credentials exist only while the service runs.
    std::istringstream err(r.err);
    for (std::string line; std::getline(err, line);)
        CHECK(line.find(example + ": warning: probe ") == 0);
    CHECK(r.out.find("tcmpp-prod (Asia/Shanghai)") != std::string::npos);
    CHECK(r.out.find("2026-03-17 to 2028-03-16, 25 Service Months") != std::string::npos);
    // Row 1: 17-31 March, 15 days, 21600 minutes, budget 21 (21.6 at 99.9 %), claims 04-08..05-30.
    const std::regex first_row(
        R"(\n\s*1\s+2026-03-17\s+2026-03-31\s+15\s+21600\s+21\s+500\.00\s+2026-04-08\s+2026-05-30\n)");
    CHECK(std::regex_search(r.out, first_row));
    for (const char* probe : {"update_check", "release", "download", "management", "reference"})
        CHECK(r.out.find(probe) != std::string::npos);
}

TEST_CASE("R6, R7, R10: check-config --format json parses and agrees with the contract", "[cli]") {
    const auto r = check_config({"--config", example, "--format", "json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto doc = boost::json::parse(r.out).as_object();
    CHECK(doc.at("contract").as_string() == "tcmpp-prod");
    CHECK(doc.at("timezone").as_string() == "Asia/Shanghai");
    CHECK(doc.at("term").at("start").as_string() == "2026-03-17");
    CHECK(doc.at("term").at("end").as_string() == "2028-03-16");
    const auto& months = doc.at("service_months").as_array();
    REQUIRE(months.size() == 25);
    const char* bounds[4][2] = {{"2026-03-17", "2026-03-31"},
                                {"2026-04-01", "2026-04-30"},
                                {"2026-05-01", "2026-05-31"},
                                {"2026-06-01", "2026-06-30"}};
    CHECK(months[24].at("start").as_string() == "2028-03-01");
    CHECK(months[24].at("end").as_string() == "2028-03-16");
    CHECK(months[24].at("fee").as_string() == "516.13");
    for (std::size_t i = 0; i < 4; ++i) {
        const auto& m = months[i].as_object();
        CHECK(m.at("index").as_int64() == static_cast<std::int64_t>(i + 1));
        CHECK(m.at("start").as_string() == bounds[i][0]);
        CHECK(m.at("end").as_string() == bounds[i][1]);
        CHECK(m.at("total_minutes").as_int64() == m.at("days").as_int64() * 1440);
        // R8: the budget is the most down minutes that still meet 99.9 %.
        const auto budget = m.at("budget_minutes").as_int64();
        CHECK(budget * 1000 <= m.at("total_minutes").as_int64());
        CHECK((budget + 1) * 1000 > m.at("total_minutes").as_int64());
    }
    CHECK(months[0].at("days").as_int64() == 15);
    CHECK(months[0].at("fee").as_string() == "500.00");
    CHECK(months[0].at("claim").at("opens").as_string() == "2026-04-08");
    CHECK(months[0].at("claim").at("deadline").as_string() == "2026-05-30");
    const auto& probes = doc.at("probes").as_array();
    REQUIRE(probes.size() == 5);
    CHECK(probes[2].at("name").as_string() == "download");
    CHECK(probes[2].at("kind").as_string() == "download");
    CHECK(probes[4].at("role").as_string() == "control");
}

TEST_CASE("check-config on a bad file: every problem as file:line:col on stderr, exit 2", "[cli]") {
    TempDir dir;
    const auto file = dir.write("bad.toml", R"([contract]
start = 2026-03-17
months = 0
monthly_fee = "12.345"

[[probe]]
name = "api"
kind = "http"
url = "https://example.invalid/"
secret = "hunter2"
)");
    const auto r = check_config({"--config", file.string()});
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    const std::string f = file.string();
    CHECK(r.err ==
          f + ":3:10: contract.months: must be from 1 to 1200, got 0\n" + f +
              ":4:15: contract.monthly_fee: bad amount '12.345' (expected a non-negative decimal "
              "with "
              "at most 2 decimals, e.g. \"1000.00\")\n" +
              f +
              ":10:10: probe.secret: secrets must not be written in the config; put it in a file "
              "readable only by slawatch and set 'secret_id_file' and 'secret_key_file'\n");
    // R12: the secret itself is never echoed back.
    CHECK(r.err.find("hunter2") == std::string::npos);
}

TEST_CASE("check-config: a syntax error names its line and column", "[cli]") {
    TempDir dir;
    const auto file = dir.write("syntax.toml", "[contract]\nstart = 2026-03-17\nmonths = = 3\n");
    const auto r = check_config({"--config", file.string()});
    CHECK(r.exit_code == 2);
    CHECK(r.err.rfind(file.string() + ":3:10: TOML syntax error: ", 0) == 0);
}

TEST_CASE("check-config: a missing file, a missing option or a bad format exit 2", "[cli]") {
    TempDir dir;
    const auto missing = (dir / "nope.toml").string();
    const auto r = check_config({"--config", missing});
    CHECK(r.exit_code == 2);
    CHECK(r.err == missing + ": cannot read the config file: No such file or directory\n");

    CHECK(check_config({}).exit_code == 2);
    CHECK(check_config({"--config", example, "--format", "yaml"}).exit_code == 2);
    CHECK(check_config({"--config", dir.path().string()}).exit_code == 2);
}

TEST_CASE("check-config resolves a relative storage path against the config file", "[cli]") {
    TempDir dir;
    std::string text = slawatch::testing::read_file(example);
    const std::string from = R"(path = "/var/lib/slawatch/slawatch.db")";
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), R"(path = "state/slawatch.db")");
    const auto file = dir.write("copy.toml", text);
    const auto r = check_config({"--config", file.string()});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("storage " + (dir.path() / "state" / "slawatch.db").string()) !=
          std::string::npos);
}
