// SPDX-License-Identifier: Apache-2.0
#pragma once
// Test support: the real daemon against the real tcmpp-sim in one temporary
// directory, and a blocking HTTP client for its /metrics and /healthz.

#include "config/config.hpp"
#include "storage/store.hpp"
#include "tests/support/process.hpp"
#include "tests/support/wall_clock.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace slawatch::testing {

// A blocking HTTP/1.0 GET on 127.0.0.1; returns the status and the body.
inline std::pair<int, std::string> http_get(std::uint16_t port, const std::string& target) {
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
    for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;)
        resp.append(buf, static_cast<std::size_t>(n));
    close(fd);
    const auto head_end = resp.find("\r\n\r\n");
    if (resp.size() < 12 || head_end == std::string::npos) return {0, resp};
    return {std::stoi(resp.substr(9, 3)), resp.substr(head_end + 4)};
}

// A sample line without its leading vantage label: `x{vantage="v",a="b"} 1`
// becomes `x{a="b"} 1` and `x{vantage="v"} 1` becomes `x 1`.
inline std::string without_vantage(std::string line) {
    const std::string_view label = "{vantage=\"";
    const auto at = line.find(label);
    if (at == std::string::npos) return line;
    const auto close = line.find('"', at + label.size());
    if (close == std::string::npos || close + 1 >= line.size()) return line;
    if (line[close + 1] == ',')
        line.erase(at + 1, close + 1 - at);
    else if (line[close + 1] == '}')
        line.erase(at, close + 2 - at);
    return line;
}

// The value of one sample line, e.g. metric_value(text, "slawatch_x{a=\"b\"}"):
// `series` leaves out the vantage label that every series carries first.
inline std::optional<double> metric_value(const std::string& text, const std::string& series) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        line = without_vantage(line);
        if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
    }
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

    // Where the database goes (a test may point it at a file system of its own).
    std::filesystem::path db_path = dir / "slawatch.db";
    std::filesystem::path db() const { return db_path; }
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
        REQUIRE(wait_for_port(sim_port, std::chrono::seconds(10)));
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

    // `extra`: more sections (e.g. "[evidence]\n...\n\n"), before the probes.
    std::string config(int probes_per_minute, int min_samples,
                       const std::string& extra = "") const {
        const auto today = now_ms() / 1000;
        return "[contract]\nname = \"daemon-test\"\ntimezone = \"UTC\"\nstart = " +
               utc_date(today - 86400) +
               "\nmonths = 2\nmonthly_fee = \"1000.00\"\nuser_id = \"1\"\norder_id = \"2\"\n\n"
               "[monitor]\nprobes_per_minute = " +
               std::to_string(probes_per_minute) +
               "\nmin_samples = " + std::to_string(min_samples) + "\n\n[storage]\npath = \"" +
               db_path.string() + "\"\n\n" +
               // A test that names its own vantage point passes [vantage] in `extra`.
               (extra.find("[vantage]") == std::string::npos
                    ? std::string("[vantage]\nname = \"daemon-rig\"\n\n")
                    : std::string()) +
               "[metrics]\nlisten = \"127.0.0.1:" + std::to_string(metrics_port) + "\"\n\n" +
               extra +
               probe("management", "DescribeMNPList",
                     R"({"PlatformId": "T1", "Offset": 0, "Limit": 1})") +
               probe("release", "DescribeMNPAllStageVersions",
                     R"({"PlatformId": "T1", "MNPId": "mnp1"})");
    }

    // `slawatch run` on config_file(), not waited for (a test may kill it while it starts).
    std::unique_ptr<Process> spawn_daemon() const {
        return std::make_unique<Process>(
            std::vector<std::string>{slawatch_bin(), "run", "--config", config_file().string(),
                                     "--log-format", "plain"},
            dir.path(), env);
    }

    void start_daemon() {
        daemon = spawn_daemon();
        REQUIRE(wait_for_port(metrics_port, std::chrono::seconds(10)));
    }

    // `PRAGMA integrity_check` through the sqlite3 shell: "ok\n" when intact.
    std::string integrity() const {
        auto r = run({"/usr/bin/sqlite3", db().string(), "PRAGMA integrity_check;"});
        return r.exit_code == 0 ? r.out : "sqlite3 exit " + std::to_string(r.exit_code) + r.err;
    }

    std::unique_ptr<storage::Store> store() const {
        auto loaded = config::load(config_file());
        REQUIRE(loaded);
        return storage::Store::open(*loaded.config, db(), storage::OpenMode::read_only);
    }

    // Waits until the daemon has finalized every minute before `end`.
    bool finalized(sla::EpochMinute end, std::chrono::milliseconds timeout) const {
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

}  // namespace slawatch::testing
