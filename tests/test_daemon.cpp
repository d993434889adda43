// SPDX-License-Identifier: Apache-2.0
// slawatch run end to end: the real daemon against the real tcmpp-sim on 127.0.0.1.
// The long cases span real wall-clock minute boundaries (R1: minutes are never
// shortened for tests); a TestClock starts them just before one instead of
// waiting for it, and a restart may jump it forward over time the daemon was down.

#include "storage/store.hpp"
#include "tests/support/process.hpp"
#include "tests/support/wall_clock.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <regex>
#include <sstream>
#include <thread>

using namespace slawatch;
using namespace slawatch::testing;
using namespace std::chrono;

namespace {

// A blocking HTTP/1.0 GET on 127.0.0.1; returns the status and the body.
std::pair<int, std::string> http_get(std::uint16_t port, const std::string& target) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        close(fd);
        return {0, ""};
    }
    const std::string req = "GET " + target + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (write(fd, req.data(), req.size()) != static_cast<ssize_t>(req.size())) {
        close(fd);
        return {0, ""};
    }
    std::string resp;
    char buf[65536];
    for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) resp.append(buf, static_cast<std::size_t>(n));
    close(fd);
    const auto head_end = resp.find("\r\n\r\n");
    if (resp.size() < 12 || head_end == std::string::npos) return {0, resp};
    return {std::stoi(resp.substr(9, 3)), resp.substr(head_end + 4)};
}

// Checks the Prometheus text exposition format 0.0.4 line by line; returns
// the problems found (empty when valid).
std::vector<std::string> exposition_problems(const std::string& text) {
    std::vector<std::string> problems;
    if (text.empty() || text.back() != '\n') problems.push_back("does not end with a newline");
    static const std::regex help(R"(# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*)");
    static const std::regex type(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped))");
    static const std::regex sample(
        R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\.)*")(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\.)*")*\})? ([-+]?[0-9.eE+-]+|\+Inf|-Inf|NaN))");
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

// The value of one sample line, e.g. metric_value(text, "slawatch_x{a=\"b\"}").
std::optional<double> metric_value(const std::string& text, const std::string& series) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
    return std::nullopt;
}

// tcmpp-sim and slawatch in one temporary directory.
struct Rig {
    TempDir dir;
    std::uint16_t sim_port = free_port();
    std::uint16_t metrics_port = free_port();
    std::unique_ptr<Process> sim;
    std::unique_ptr<Process> daemon;
    std::vector<std::string> env;  // TestClock::env() for both processes

    std::filesystem::path db() const { return dir / "slawatch.db"; }
    std::filesystem::path config_file() const { return dir / "slawatch.toml"; }

    void start_sim(const std::string& faults) {
        dir.write("faults.toml", faults);
        dir.write("creds/secret_id", "AKIDtestsecretid0001\n");
        dir.write("creds/secret_key", "testsecretkeytestsecretkey000001\n");
        sim = std::make_unique<Process>(
            std::vector<std::string>{tcmpp_sim_bin(), "--listen",
                                     "127.0.0.1:" + std::to_string(sim_port), "--faults",
                                     (dir / "faults.toml").string(), "--credentials-dir",
                                     (dir / "creds").string(), "--quiet"},
            dir.path(), env);
        REQUIRE(wait_for_port(sim_port, seconds(10)));
    }

    std::string probe(const std::string& name, const std::string& action,
                      const std::string& payload) const {
        return "[[probe]]\nname = \"" + name +
               "\"\nkind = \"tencentcloud\"\nendpoint = \"http://127.0.0.1:" +
               std::to_string(sim_port) + "\"\nservice = \"tcmpp\"\naction = \"" + action +
               "\"\nversion = \"2024-08-01\"\nregion = \"ap-guangzhou\"\npayload = '" + payload +
               "'\nsecret_id_file = \"" + (dir / "creds/secret_id").string() +
               "\"\nsecret_key_file = \"" + (dir / "creds/secret_key").string() +
               "\"\ntimeout = \"2s\"\n\n";
    }

    std::string config(int probes_per_minute, int min_samples) const {
        const auto today = now_ms() / 1000;
        return "[contract]\nname = \"daemon-test\"\ntimezone = \"UTC\"\nstart = " +
               utc_date(today - 86400) +
               "\nmonths = 2\nmonthly_fee = \"1000.00\"\nuser_id = \"1\"\norder_id = \"2\"\n\n"
               "[monitor]\nprobes_per_minute = " +
               std::to_string(probes_per_minute) +
               "\nmin_samples = " + std::to_string(min_samples) +
               "\n\n[storage]\npath = \"slawatch.db\"\n\n[metrics]\nlisten = \"127.0.0.1:" +
               std::to_string(metrics_port) + "\"\n\n" +
               probe("management", "DescribeMNPList",
                     R"({"PlatformId": "T1", "Offset": 0, "Limit": 1})") +
               probe("release", "DescribeMNPAllStageVersions",
                     R"({"PlatformId": "T1", "MNPId": "mnp1"})");
    }

    void start_daemon() {
        daemon = std::make_unique<Process>(
            std::vector<std::string>{slawatch_bin(), "run", "--config", config_file().string(),
                                     "--log-format", "plain"},
            dir.path(), env);
        REQUIRE(wait_for_port(metrics_port, seconds(10)));
    }

    std::unique_ptr<storage::Store> store() const {
        auto loaded = config::load(config_file());
        REQUIRE(loaded);
        return storage::Store::open(*loaded.config, db(), storage::OpenMode::read_only);
    }

    // Waits until the daemon has finalized every minute before `end`.
    bool finalized(sla::EpochMinute end, milliseconds timeout) const {
        return eventually(
            [&] {
                try {
                    auto f = store()->finalized_until();
                    return f && *f >= end;
                } catch (const storage::StoreError&) {
                    return false;
                }
            },
            timeout);
    }

    std::string state(sla::EpochMinute m, const std::string& probe) const {
        auto rows = store()->minutes(m, m + 1, probe);
        return rows.size() == 1 ? std::string(sla::to_string(rows[0].state)) : "missing";
    }
};

}  // namespace

TEST_CASE("R2 R5: a whole failed minute is one down service minute but a 40 s flap is not",
          "[daemon][integration]") {
    // Start 28 s before minute M: room for the start-up and the flap's first half (20 s).
    const auto clock = TestClock::before_minute(28'000);
    const std::int64_t M = clock.now_ms() / 60'000 + 1;  // the minute `management` fails entirely

    Rig rig;
    rig.env = clock.env();
    rig.start_sim("[[fault]]\nkind = \"api_error\"\nactions = [\"DescribeMNPList\"]\n"
                  "code = \"InternalError\"\nfrom = " + utc(M * 60) + "\nuntil = " +
                  utc((M + 1) * 60) +
                  "\n\n[[fault]]\nkind = \"http_5xx\"\nactions = [\"DescribeMNPAllStageVersions\"]\n"
                  "from = " + utc(M * 60 - 20) + "\nuntil = " + utc(M * 60 + 20) + "\n");
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
    CHECK(std::count_if(down.begin(), down.end(), [](const auto& r) {
              return r.state == sla::MinuteState::down;
          }) == 1);
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

    const std::string ok_series = R"(slawatch_probe_results_total{probe="management",outcome="ok"})";
    REQUIRE(eventually([&] { return metric_value(http_get(rig.metrics_port, "/metrics").second,
                                                 ok_series).value_or(0) >= 2; },
                       seconds(10)));

    // A broken config: the reload is rejected with the reason, probing goes on.
    rig.dir.write("slawatch.toml", "[contract\nname = 1\n");
    rig.daemon->signal(SIGHUP);
    REQUIRE(eventually([&] { return rig.daemon->err().find("reload rejected") != std::string::npos; },
                       seconds(10)));
    CHECK(rig.daemon->err().find("slawatch.toml:1:") != std::string::npos);
    CHECK(metric_value(http_get(rig.metrics_port, "/metrics").second,
                       "slawatch_config_last_reload_successful") == 0.0);
    const auto before = *metric_value(http_get(rig.metrics_port, "/metrics").second, ok_series);
    CHECK(eventually([&] { return metric_value(http_get(rig.metrics_port, "/metrics").second,
                                               ok_series).value_or(0) >= before + 2; },
                     seconds(10)));
    CHECK(http_get(rig.metrics_port, "/healthz").first == 200);

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
         {"# TYPE slawatch_probe_results_total counter", "# TYPE slawatch_probe_phase_seconds histogram",
          "# TYPE slawatch_state_seconds_total counter", "# TYPE slawatch_month_availability_ratio gauge",
          "# TYPE slawatch_month_error_budget_remaining_seconds gauge",
          "# TYPE slawatch_month_error_budget_seconds gauge", "# TYPE slawatch_probe_success gauge",
          "slawatch_config_last_reload_successful 1", "# TYPE process_cpu_seconds_total counter",
          "# TYPE slawatch_result_buffer_dropped_total counter", "# TYPE slawatch_store_errors_total counter",
          "slawatch_build_info{version="})
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
    auto bad = run({slawatch_bin(), "run", "--config", (rig.dir / "bad.toml").string()},
                   {}, seconds(20));
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("bad.toml:") != std::string::npos);
    CHECK(!std::filesystem::exists(rig.db()));

    rig.dir.write("creds/secret_id", "x\n");
    rig.dir.write("creds/secret_key", "y\n");
    rig.dir.write("slawatch.toml", rig.config(6, 3));
    auto fmt = run({slawatch_bin(), "run", "--config", rig.config_file().string(), "--log-format",
                    "xml"}, {}, seconds(20));
    CHECK(fmt.exit_code == 2);

    // Something already listens on the metrics port.
    Process blocker({tcmpp_sim_bin(), "--listen", "127.0.0.1:" + std::to_string(rig.metrics_port),
                     "--quiet"}, rig.dir.path());
    REQUIRE(wait_for_port(rig.metrics_port, seconds(10)));
    auto busy = run({slawatch_bin(), "run", "--config", rig.config_file().string()}, {},
                    seconds(20));
    CHECK(busy.exit_code == 1);
    CHECK(busy.err.find("cannot listen") != std::string::npos);
    // The reason in words, never a source location of a library header.
    CHECK(busy.err.find("in use") != std::string::npos);
    CHECK(busy.err.find(".hpp") == std::string::npos);
    CHECK(busy.err.find("/usr/include") == std::string::npos);
}
