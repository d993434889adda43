// SPDX-License-Identifier: Apache-2.0
// A first run as a new user meets it: the default config path, -c everywhere,
// "did you mean", and warnings when the contract term is not running.

#include "tests/support/cli_help.hpp"
#include "tests/support/process.hpp"

#include <catch2/catch.hpp>

#include <regex>
#include <sstream>
#include <string>

using slawatch::testing::run;
using slawatch::testing::RunResult;
using slawatch::testing::slawatch_bin;
using slawatch::testing::subcommands_in;
using slawatch::testing::TempDir;

namespace {

const std::string example = std::string(SLAWATCH_SOURCE_DIR) + "/examples/slawatch.toml";

RunResult sw(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
    std::vector<std::string> argv{slawatch_bin()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, {}, std::chrono::seconds(20), env);
}

// A copy of the example with its term moved: `start` and `months`.
std::string example_with_term(const std::string& start, int months) {
    std::string text = slawatch::testing::read_file(example);
    // The contract's start (a date), not a maintenance window's (a date-time).
    text = std::regex_replace(text, std::regex(R"(\nstart = \d{4}-\d\d-\d\d(\s))"),
                              "\nstart = " + start + "$1");
    text = std::regex_replace(text, std::regex(R"(\nmonths = \d+)"),
                              "\nmonths = " + std::to_string(months));
    text = std::regex_replace(text, std::regex(R"(\nfees = .*)"), "\n");
    return text;
}

// 2026-06-15T00:00:00Z in epoch milliseconds, for SLAWATCH_TEST_CLOCK_START_MS.
constexpr long long mid_june_2026 = 1'781'481'600'000LL;

}  // namespace

TEST_CASE("every command takes -c and --config", "[cli][first_run]") {
    const auto top = sw({"--help"});
    REQUIRE(top.exit_code == 0);
    std::vector<std::vector<std::string>> commands;
    for (const auto& c : subcommands_in(top.out)) {
        const auto help = sw({c, "--help"});
        const auto nested = subcommands_in(help.out);
        if (nested.empty()) commands.push_back({c});
        for (const auto& n : nested) commands.push_back(std::vector<std::string>{c, n});
    }
    REQUIRE(commands.size() >= 14);
    for (const auto& c : commands) {
        auto args = c;
        args.push_back("--help");
        const auto help = sw(args);
        INFO(c.front() << " " << c.back());
        CHECK(help.out.find("-c,--config") != std::string::npos);
        CHECK(help.out.find("SLAWATCH_CONFIG") != std::string::npos);
    }
}

TEST_CASE("the config defaults to SLAWATCH_CONFIG, else /etc/slawatch/slawatch.toml",
          "[cli][first_run]") {
    const auto from_env = sw({"check-config"}, {"SLAWATCH_CONFIG=" + example});
    INFO(from_env.err);
    CHECK(from_env.exit_code == 0);
    CHECK(from_env.out.starts_with(example + ": OK\n"));

    // -c wins over the environment.
    TempDir dir;
    const auto missing = (dir / "missing.toml").string();
    const auto flag = sw({"check-config", "-c", missing}, {"SLAWATCH_CONFIG=" + example});
    CHECK(flag.exit_code == 2);
    CHECK(flag.err.find(missing) != std::string::npos);

    const auto fallback = sw({"status"}, {"SLAWATCH_CONFIG="});
    if (!std::filesystem::exists("/etc/slawatch/slawatch.toml")) {
        CHECK(fallback.exit_code == 2);
        CHECK(fallback.err.find("/etc/slawatch/slawatch.toml: cannot read the config file") !=
              std::string::npos);
    }
}

TEST_CASE("a mistyped command or option gets the nearest one suggested", "[cli][first_run]") {
    const auto command = sw({"reprot", "--month", "2026-06"});
    CHECK(command.exit_code == 2);
    CHECK(command.err.find("did you mean 'report'?") != std::string::npos);

    const auto option = sw({"report", "-c", example, "--mnth", "2026-06"});
    CHECK(option.exit_code == 2);
    CHECK(option.err.find("unknown option --mnth; did you mean --month?") != std::string::npos);

    const auto nested = sw({"alerts", "lsit"});
    CHECK(nested.exit_code == 2);
    CHECK(nested.err.find("did you mean 'list'?") != std::string::npos);

    // Nothing near: no guess.
    const auto far = sw({"frobnicate"});
    CHECK(far.exit_code == 2);
    CHECK(far.err.find("did you mean") == std::string::npos);
}

TEST_CASE("check-config and status warn when the term has not begun or has ended",
          "[cli][first_run]") {
    TempDir dir;
    const auto clock = "SLAWATCH_TEST_CLOCK_START_MS=" + std::to_string(mid_june_2026);

    const auto running = dir.write("running.toml", example_with_term("2026-03-17", 12));
    const auto inside = sw({"check-config", "-c", running.string()}, {clock});
    INFO(inside.err);
    CHECK(inside.exit_code == 0);
    CHECK(inside.err.find("contract term") == std::string::npos);

    const auto ended = dir.write("ended.toml", example_with_term("2025-01-01", 12));
    const auto after = sw({"check-config", "-c", ended.string()}, {clock});
    CHECK(after.exit_code == 0);
    CHECK(after.err.find("ended.toml: warning: the contract term has ended: its last day was "
                         "2025-12-31 (Asia/Shanghai)") != std::string::npos);

    const auto future = dir.write("future.toml", example_with_term("2026-09-01", 12));
    const auto before = sw({"check-config", "-c", future.string()}, {clock});
    CHECK(before.exit_code == 0);
    CHECK(before.err.find("future.toml: warning: the contract term has not begun: it starts on "
                          "2026-09-01") != std::string::npos);

    // status has no current month to show: it says why.
    const auto status =
        sw({"status", "-c", ended.string(), "--db", (dir / "none.db").string()}, {clock});
    CHECK(status.exit_code == 2);
    CHECK(status.err.find("the contract term has ended") != std::string::npos);
}

TEST_CASE("check-config warns about what run would refuse: missing secret files",
          "[cli][first_run]") {
    TempDir dir;
    std::string text = example_with_term("2026-03-17", 12);
    const auto key_file = (dir / "creds/secret_key").string();
    text = std::regex_replace(text, std::regex(R"(\nname = "update_check"[^\n]*)"),
                              "$&\nsecret_key_file = \"" + key_file + "\"");
    const auto file = dir.write("c.toml", text);
    const auto r = sw({"check-config", "-c", file.string()},
                      {"SLAWATCH_TEST_CLOCK_START_MS=" + std::to_string(mid_june_2026),
                       "TENCENTCLOUD_SECRET_ID=AKIDexample",
                       "TENCENTCLOUD_SECRET_KEY=", "CREDENTIALS_DIRECTORY="});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("c.toml: warning: probe update_check: cannot read secret_key_file " +
                     key_file) != std::string::npos);
    CHECK(r.err.find("c.toml: warning: probe release: no secret_key") != std::string::npos);
    CHECK(r.err.find("`slawatch run` refuses to start like this") != std::string::npos);
    CHECK(r.err.find("AKIDexample") == std::string::npos);  // R12

    // run refuses the same file for the same reason.
    const auto refused = sw({"run", "-c", file.string(), "--db", (dir / "r.db").string()},
                            {"TENCENTCLOUD_SECRET_ID=AKIDexample",
                             "TENCENTCLOUD_SECRET_KEY=", "CREDENTIALS_DIRECTORY="});
    CHECK(refused.exit_code == 2);
    CHECK(refused.err.find("probe update_check: cannot read secret_key_file") != std::string::npos);
}

TEST_CASE(
    "check-config and run accept the same configs: a probe named service, a host name to "
    "listen on",
    "[cli][first_run]") {
    TempDir dir;
    const std::string base = example_with_term("2026-03-17", 12);
    const std::vector<std::pair<std::string, std::string>> cases{
        {std::regex_replace(base, std::regex(R"(name = "reference")"), R"(name = "service")"),
         "probe.name: 'service' is reserved"},
        {std::regex_replace(base, std::regex(R"(listen = "127.0.0.1:9817")"),
                            R"(listen = "metrics.example.com:9817")"),
         "metrics.listen: expected a numeric address (or localhost) and a port"},
    };
    for (const auto& [text, error] : cases) {
        INFO(error);
        REQUIRE(text != base);
        const auto file = dir.write("bad.toml", text);
        const auto checked = sw({"check-config", "-c", file.string()});
        CHECK(checked.exit_code == 2);
        CHECK(checked.err.find(error) != std::string::npos);
        const auto ran = sw({"run", "-c", file.string(), "--db", (dir / "x.db").string()});
        CHECK(ran.exit_code == 2);
        CHECK(ran.err.find(error) != std::string::npos);
        CHECK_FALSE(std::filesystem::exists(dir / "x.db"));
    }
}
