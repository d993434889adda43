// SPDX-License-Identifier: Apache-2.0
// slawatch run end to end: the real daemon against the real tcmpp-sim on 127.0.0.1.
// The long cases span real wall-clock minute boundaries (R1: minutes are never
// shortened for tests); a TestClock starts them just before one instead of
// waiting for it, and a restart may jump it forward over time the daemon was down.

#include "storage/store.hpp"
#include "tests/support/daemon_rig.hpp"
#include "tests/support/process.hpp"
#include "tests/support/wall_clock.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <regex>
#include <sstream>
#include <thread>

using namespace slawatch;
using namespace slawatch::testing;
using namespace std::chrono;
namespace fs = std::filesystem;

namespace {

// Checks the Prometheus text exposition format 0.0.4 line by line; returns
// the problems found (empty when valid).
std::vector<std::string> exposition_problems(const std::string& text) {
    std::vector<std::string> problems;
    if (text.empty() || text.back() != '\n') problems.push_back("does not end with a newline");
    static const std::regex help(R"(# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*)");
    static const std::regex type(
        R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped))");
    static const std::regex sample(
        R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\.)*")(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\.)*")*\})? ([-+]?[0-9.eE+-]+|\+Inf|-Inf|NaN)( -?[0-9]+)?)");
    std::map<std::string, std::string> types;
    std::istringstream in(text);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        std::smatch m;
        if (std::regex_match(line, m, type)) {
            if (types.count(m[1])) problems.push_back("TYPE twice: " + line);
            types[m[1]] = m[2];
        } else if (std::regex_match(line, help)) {
        } else if (std::regex_match(line, m, sample)) {
            std::string name = m[1];
            std::string family = name;
            for (const char* suffix : {"_bucket", "_sum", "_count"})
                if (!types.count(family) && name.ends_with(suffix))
                    family = name.substr(0, name.size() - std::string_view(suffix).size());
            if (!types.count(family)) problems.push_back("sample before its TYPE: " + line);
        } else {
            problems.push_back("line " + std::to_string(n) + " malformed: " + line);
        }
    }
    return problems;
}

}  // namespace

TEST_CASE("R2 R5: a whole failed minute is one down service minute but a 40 s flap is not",
          "[daemon][integration]") {
    // Start 28 s before minute M: room for the start-up and the flap's first half (20 s).
    const auto clock = TestClock::before_minute(28'000);
    const std::int64_t M = clock.now_ms() / 60'000 + 1;  // the minute `management` fails entirely

    Rig rig;
    rig.env = clock.env();
    rig.start_sim(
        "[[fault]]\nkind = \"api_error\"\nactions = [\"DescribeMNPList\"]\n"
        "code = \"InternalError\"\nfrom = " +
        utc(M * 60) + "\nuntil = " + utc((M + 1) * 60) +
        "\n\n[[fault]]\nkind = \"http_5xx\"\nactions = [\"DescribeMNPAllStageVersions\"]\n"
        "from = " +
        utc(M * 60 - 20) + "\nuntil = " + utc(M * 60 + 20) + "\n");
    rig.dir.write("slawatch.toml", rig.config(30, 3));
    rig.start_daemon();

    REQUIRE(rig.finalized(M + 1, milliseconds((M + 1) * 60'000 - clock.now_ms() + 15'000)));
    INFO(rig.daemon->err());

    // The flap touched both minutes but filled neither: `release` stays up.
    auto rows = rig.store()->minutes(M - 1, M + 1, "release");
    REQUIRE(rows.size() == 2);
    for (const auto& r : rows) {
        CHECK(r.state == sla::MinuteState::up);
        CHECK(r.failures > 0);
    }
    CHECK(rig.state(M, "management") == "down");
    CHECK(rig.state(M - 1, "management") == "up");
    CHECK(rig.state(M, "service") == "down");
    CHECK(rig.state(M - 1, "service") == "up");

    // Exactly one unavailable service minute, as report and metrics see it.
    auto down = rig.store()->minutes(M - 1, M + 1, "service");
    CHECK(std::count_if(down.begin(), down.end(),
                        [](const auto& r) { return r.state == sla::MinuteState::down; }) == 1);
    CHECK(rig.daemon->err().find("service: DOWN from") != std::string::npos);
    CHECK(rig.daemon->err().find("probe management: down from") != std::string::npos);

    // SIGTERM: exit 0 after flushing the results of the last second.
    const auto stop_at = clock.now_ms();
    rig.daemon->signal(SIGTERM);
    REQUIRE(rig.daemon->wait(seconds(15)) == 0);
    auto last = rig.store()->results(stop_at - 1'500, stop_at + 5'000);
    CHECK(!last.empty());
    CHECK(rig.daemon->err().find("stopped") != std::string::npos);
}

TEST_CASE("R3: kill -9 and restart: the minutes it was down are unknown and the file is intact",
          "[daemon][integration]") {
    // Killed 3 s before minute B, back 50 s into it: all of B but its last seconds is missed.
    auto clock = TestClock::before_minute(9'000);
    const auto gap_minute = clock.now_ms() / 60'000 + 1;
    Rig rig;
    rig.env = clock.env();
    rig.start_sim("");
    // 28 of 30 samples needed: a minute the daemon missed more than ~4 s of is unknown.
    rig.dir.write("slawatch.toml", rig.config(30, 28));
    rig.start_daemon();
    std::this_thread::sleep_for(seconds(5));
    const auto killed_at = clock.now_ms();
    rig.daemon->signal(SIGKILL);
    REQUIRE(rig.daemon->wait(seconds(5)) == 128 + SIGKILL);

    // The time the daemon was down passes on its clock, not the test's.
    clock.advance(gap_minute * 60'000 + 50'000 - clock.now_ms());
    rig.env = clock.env();
    rig.start_daemon();
    const auto restarted = clock.now_ms() / 60'000;
    REQUIRE(restarted == gap_minute);
    REQUIRE(rig.finalized(restarted + 1,
                          milliseconds((restarted + 1) * 60'000 - clock.now_ms() + 15'000)));
    INFO(rig.daemon->err());

    CHECK(rig.state(gap_minute, "service") == "unknown");
    CHECK(rig.state(gap_minute, "management") == "unknown");
    CHECK(rig.state(gap_minute, "release") == "unknown");
    // Results from before the kill survived (at most the last second is lost).
    CHECK(!rig.store()->results(killed_at - 5'000, killed_at - 1'000).empty());
    // The CLI prints figures from what the daemon derived: its config is recorded
    // with the minutes, even on a first start into an empty database.
    const auto status =
        run({slawatch_bin(), "status", "--config", rig.config_file().string(), "--format", "json"},
            {}, seconds(20), rig.env);
    INFO(status.err);
    CHECK(status.exit_code == 0);

    rig.daemon->signal(SIGTERM);
    REQUIRE(rig.daemon->wait(seconds(15)) == 0);
    auto check = run({"/usr/bin/sqlite3", rig.db().string(), "PRAGMA integrity_check;"});
    CHECK(check.exit_code == 0);
    CHECK(check.out == "ok\n");
}

TEST_CASE("SIGHUP with a broken config keeps the old config and /metrics and /healthz answer",
          "[daemon][integration]") {
    Rig rig;
    rig.start_sim("");
    rig.dir.write("slawatch.toml", rig.config(60, 3));
    rig.start_daemon();

    auto [health, ok] = http_get(rig.metrics_port, "/healthz");
    CHECK(health == 200);
    CHECK(ok == "ok\n");
    auto [nf, nf_body] = http_get(rig.metrics_port, "/nope");
    CHECK(nf == 404);

    const std::string ok_series =
        R"(slawatch_probe_results_total{probe="management",outcome="ok"})";
    REQUIRE(eventually(
        [&] {
            return metric_value(http_get(rig.metrics_port, "/metrics").second, ok_series)
                       .value_or(0) >= 2;
        },
        seconds(10)));

    // The vantage point: in the start-up log line, and in `status` (text and JSON).
    CHECK(rig.daemon->err().find("running as vantage point daemon-rig") != std::string::npos);
    const auto status_text = run({slawatch_bin(), "status", "--config", rig.config_file().string()},
                                 {}, seconds(20), rig.env);
    INFO(status_text.out << status_text.err);
    CHECK(status_text.out.find("\n  vantage point  daemon-rig\n") != std::string::npos);
    const auto status_json =
        run({slawatch_bin(), "status", "--config", rig.config_file().string(), "--format", "json"},
            {}, seconds(20), rig.env);
    INFO(status_json.out << status_json.err);
    CHECK(status_json.out.find(R"({"contract": "daemon-test", "vantage": "daemon-rig", )") == 0);

    // A broken config: the reload is rejected with the reason, probing goes on.
    rig.dir.write("slawatch.toml", "[contract\nname = 1\n");
    rig.daemon->signal(SIGHUP);
    REQUIRE(
        eventually([&] { return rig.daemon->err().find("reload rejected") != std::string::npos; },
                   seconds(10)));
    CHECK(rig.daemon->err().find("slawatch.toml:1:") != std::string::npos);
    CHECK(metric_value(http_get(rig.metrics_port, "/metrics").second,
                       "slawatch_config_last_reload_successful") == 0.0);
    const auto before = *metric_value(http_get(rig.metrics_port, "/metrics").second, ok_series);
    CHECK(eventually(
        [&] {
            return metric_value(http_get(rig.metrics_port, "/metrics").second, ok_series)
                       .value_or(0) >= before + 2;
        },
        seconds(10)));
    CHECK(http_get(rig.metrics_port, "/healthz").first == 200);

    // A FIFO in the config's place: an error at once (never a read that waits
    // for a writer), logged; the running config and the event loop go on.
    fs::remove(rig.config_file());
    REQUIRE(::mkfifo(rig.config_file().c_str(), 0600) == 0);
    rig.daemon->signal(SIGHUP);
    REQUIRE(eventually(
        [&] {
            return rig.daemon->err().find("it is a FIFO, not a regular file") != std::string::npos;
        },
        seconds(5)));
    CHECK(http_get(rig.metrics_port, "/healthz").first == 200);
    const auto after_fifo = *metric_value(http_get(rig.metrics_port, "/metrics").second, ok_series);
    CHECK(eventually(
        [&] {
            return metric_value(http_get(rig.metrics_port, "/metrics").second, ok_series)
                       .value_or(0) >= after_fifo + 2;
        },
        seconds(10)));
    fs::remove(rig.config_file());

    // A good config is taken.
    rig.dir.write("slawatch.toml", rig.config(30, 3));
    rig.daemon->signal(SIGHUP);
    CHECK(eventually([&] { return rig.daemon->err().find("config reloaded") != std::string::npos; },
                     seconds(10)));

    // The exposition text is valid and carries the documented families.
    auto [status, text] = http_get(rig.metrics_port, "/metrics");
    CHECK(status == 200);
    auto problems = exposition_problems(text);
    for (const auto& p : problems) UNSCOPED_INFO(p);
    CHECK(problems.empty());
    for (const char* family :
         {"# TYPE slawatch_probe_results_total counter",
          "# TYPE slawatch_probe_phase_seconds histogram",
          "# TYPE slawatch_state_seconds_total counter",
          "# TYPE slawatch_month_availability_ratio gauge",
          "# TYPE slawatch_month_error_budget_remaining_seconds gauge",
          "# TYPE slawatch_month_error_budget_seconds gauge", "# TYPE slawatch_probe_success gauge",
          R"(slawatch_config_last_reload_successful{vantage="daemon-rig"} 1)",
          "# TYPE process_cpu_seconds_total counter",
          "# TYPE slawatch_result_buffer_dropped_total counter",
          "# TYPE slawatch_store_errors_total counter",
          R"(slawatch_build_info{vantage="daemon-rig",version=)",
          R"(process_open_fds{vantage="daemon-rig"} )"})
        CHECK(text.find(family) != std::string::npos);
    CHECK(text.find("secret") == std::string::npos);
    CHECK(rig.daemon->err().find("testsecretkey") == std::string::npos);

    rig.daemon->signal(SIGINT);
    CHECK(rig.daemon->wait(seconds(15)) == 0);
}

TEST_CASE("slawatch run refuses a bad config or option and a busy metrics port",
          "[daemon][integration]") {
    Rig rig;
    rig.dir.write("bad.toml", "[monitor]\nprobes_per_minute = \"many\"\n");
    auto bad =
        run({slawatch_bin(), "run", "--config", (rig.dir / "bad.toml").string()}, {}, seconds(20));
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("bad.toml:") != std::string::npos);
    CHECK(!std::filesystem::exists(rig.db()));

    rig.dir.write("creds/secret_id", "x\n");
    rig.dir.write("creds/secret_key", "y\n");
    rig.dir.write("slawatch.toml", rig.config(6, 3));
    auto fmt =
        run({slawatch_bin(), "run", "--config", rig.config_file().string(), "--log-format", "xml"},
            {}, seconds(20));
    CHECK(fmt.exit_code == 2);

    // Something already listens on the metrics port.
    Process blocker(
        {tcmpp_sim_bin(), "--listen", "127.0.0.1:" + std::to_string(rig.metrics_port), "--quiet"},
        rig.dir.path());
    REQUIRE(wait_for_port(rig.metrics_port, seconds(10)));
    auto busy =
        run({slawatch_bin(), "run", "--config", rig.config_file().string()}, {}, seconds(20));
    CHECK(busy.exit_code == 1);
    CHECK(busy.err.find("cannot listen") != std::string::npos);
    // The reason in words, never a source location of a library header.
    CHECK(busy.err.find("in use") != std::string::npos);
    CHECK(busy.err.find(".hpp") == std::string::npos);
    CHECK(busy.err.find("/usr/include") == std::string::npos);
}
