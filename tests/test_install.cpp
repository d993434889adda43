// SPDX-License-Identifier: Apache-2.0
// Installing: `cmake --install <build> --prefix /usr` into a DESTDIR gives the
// layout docs/install.md describes, and nothing else.

#include "tests/support/process.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace slawatch::testing;

namespace {

// The staged tree of one install, shared by the test cases of this file.
struct Staged {
    TempDir dir;
    RunResult install;

    Staged() {
        install = run({"/usr/bin/env", "DESTDIR=" + dir.path().string(), SLAWATCH_CMAKE_COMMAND,
                       "--install", SLAWATCH_BINARY_DIR, "--prefix", "/usr"},
                      {}, std::chrono::seconds(60));
    }
    fs::path root() const { return dir.path(); }
};

const Staged& staged() {
    static const Staged s;
    return s;
}

// Every regular file and symlink below `root`, relative to it.
std::set<std::string> files_below(const fs::path& root) {
    std::set<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        if (!e.is_directory()) out.insert(fs::relative(e.path(), root).string());
    }
    return out;
}

bool starts_with_any(const std::string& path, const std::vector<std::string>& prefixes) {
    for (const auto& p : prefixes)
        if (path.starts_with(p)) return true;
    return false;
}

}  // namespace

TEST_CASE("cmake --install with DESTDIR succeeds", "[install]") {
    const auto& s = staged();
    INFO(s.install.out << s.install.err);
    REQUIRE(s.install.exit_code == 0);
}

TEST_CASE("the installed binary runs and reports its version", "[install]") {
    const fs::path bin = staged().root() / "usr/bin/slawatch";
    REQUIRE(fs::is_regular_file(bin));
    const auto r = run({bin.string(), "--version"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find(SLAWATCH_EXPECTED_VERSION) != std::string::npos);
}

TEST_CASE("the unit, sysusers and tmpfiles files land where systemd looks", "[install]") {
    const fs::path root = staged().root();
    const fs::path unit = root / "usr/lib/systemd/system/slawatch.service";
    REQUIRE(fs::is_regular_file(unit));
    const std::string text = read_file(unit);
    CHECK(text.find("ExecStart=/usr/bin/slawatch run --config /etc/slawatch/slawatch.toml") !=
          std::string::npos);
    CHECK(text.find("Type=notify") != std::string::npos);
    // The unit's user must be the one sysusers creates.
    CHECK(text.find("User=slawatch") != std::string::npos);
    CHECK(read_file(root / "usr/lib/sysusers.d/slawatch.conf").find("u slawatch ") !=
          std::string::npos);
    CHECK(read_file(root / "usr/lib/tmpfiles.d/slawatch.conf").find("/etc/slawatch/credentials") !=
          std::string::npos);
}

TEST_CASE("the installed unit passes systemd-analyze verify and scores 2.0 or lower", "[install]") {
    const fs::path root = staged().root();
    REQUIRE(fs::exists("/usr/bin/systemd-analyze"));  // package systemd, scripts/install-deps.sh
    // verify needs ExecStart's binary to exist: point it at the staged one.
    TempDir work;
    std::string unit = read_file(root / "usr/lib/systemd/system/slawatch.service");
    const std::string from = "ExecStart=/usr/bin/slawatch";
    const auto at = unit.find(from);
    REQUIRE(at != std::string::npos);
    unit.replace(at, from.size(), "ExecStart=" + (root / "usr/bin/slawatch").string());
    const fs::path copy = work.write("slawatch.service", unit);

    // verify also resolves Documentation=man:...: look for them in the staged tree.
    const auto verify = run({"/usr/bin/env", "MANPATH=" + (root / "usr/share/man").string(),
                             "/usr/bin/systemd-analyze", "verify", copy.string()});
    INFO(verify.out << verify.err);
    CHECK(verify.exit_code == 0);
    CHECK(verify.err.empty());

    // --threshold counts tenths: 20 is an exposure of 2.0.
    const auto security = run({"/usr/bin/systemd-analyze", "security", "--offline=true",
                               "--threshold=20", copy.string()});
    INFO(security.out << security.err);
    CHECK(security.exit_code == 0);
}

TEST_CASE("slawatch-ship: its units pass systemd-analyze verify, sandboxed as the daemon",
          "[install]") {
    const fs::path root = staged().root();
    REQUIRE(fs::exists("/usr/bin/systemd-analyze"));
    const fs::path script = root / "usr/lib/slawatch/slawatch-ship";
    REQUIRE(fs::is_regular_file(script));
    CHECK((fs::status(script).permissions() & fs::perms::owner_exec) != fs::perms::none);
    CHECK(read_file(root / "etc/slawatch/ship.conf") ==
          read_file(fs::path(SLAWATCH_SOURCE_DIR) / "systemd/slawatch-ship.conf"));

    // Both units side by side: verify finds the timer's service beside it.
    TempDir work;
    std::string service = read_file(root / "usr/lib/systemd/system/slawatch-ship.service");
    CHECK(service.find("User=slawatch") != std::string::npos);
    CHECK(service.find("Type=oneshot") != std::string::npos);
    CHECK(service.find("EnvironmentFile=/etc/slawatch/ship.conf") != std::string::npos);
    const std::string from = "ExecStart=/usr/lib/slawatch/slawatch-ship";
    const auto at = service.find(from);
    REQUIRE(at != std::string::npos);
    service.replace(at, from.size(), "ExecStart=" + script.string());
    const fs::path service_copy = work.write("slawatch-ship.service", service);
    const std::string timer = read_file(root / "usr/lib/systemd/system/slawatch-ship.timer");
    CHECK(timer.find("OnCalendar=hourly") != std::string::npos);
    const fs::path timer_copy = work.write("slawatch-ship.timer", timer);

    const auto verify =
        run({"/usr/bin/systemd-analyze", "verify", service_copy.string(), timer_copy.string()});
    INFO(verify.out << verify.err);
    CHECK(verify.exit_code == 0);
    CHECK(verify.err.empty());
    // The same exposure bound as the daemon's unit.
    const auto security = run({"/usr/bin/systemd-analyze", "security", "--offline=true",
                               "--threshold=20", service_copy.string()});
    INFO(security.out << security.err);
    CHECK(security.exit_code == 0);
}

namespace {

// `text` with every `from` replaced by `to`.
std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

// The unit's lines from "# Hardening" (or "ProtectSystem=") on: the sandbox.
std::string sandbox_of(const std::string& unit) {
    auto at = unit.find("# Hardening");
    if (at == std::string::npos) at = unit.find("ProtectSystem=");
    return at == std::string::npos ? std::string() : unit.substr(at);
}

}  // namespace

TEST_CASE("slawatch@.service and slawatch-ship@: verify, score as the plain units, same sandbox",
          "[install]") {
    const fs::path root = staged().root();
    const fs::path units = root / "usr/lib/systemd/system";
    REQUIRE(fs::exists("/usr/bin/systemd-analyze"));
    const std::string daemon = read_file(units / "slawatch@.service");
    const std::string ship = read_file(units / "slawatch-ship@.service");
    const std::string timer = read_file(units / "slawatch-ship@.timer");
    CHECK(daemon.find("ExecStart=/usr/bin/slawatch run --config /etc/slawatch/%i.toml\n") !=
          std::string::npos);
    CHECK(daemon.find("StateDirectory=slawatch/%i\n") != std::string::npos);
    CHECK(daemon.find("LoadCredential=secret_id:/etc/slawatch/credentials/%i/secret_id\n") !=
          std::string::npos);
    CHECK(daemon.find("LoadCredential=secret_key:/etc/slawatch/credentials/%i/secret_key\n") !=
          std::string::npos);
    CHECK(ship.find("SLAWATCH_SHIP_CONFIG=/etc/slawatch/%i.toml") != std::string::npos);
    CHECK(ship.find("StateDirectory=slawatch/%i\n") != std::string::npos);
    // The templates must not drift from the plain units' sandbox.
    CHECK(sandbox_of(daemon) == sandbox_of(read_file(units / "slawatch.service")));
    CHECK(sandbox_of(ship) == sandbox_of(read_file(units / "slawatch-ship.service")));
    CHECK(timer.find("OnCalendar=hourly") != std::string::npos);

    // verify loads an instance: the file named slawatch@ci.service is the
    // template with %i = ci. ExecStart= points at the staged binaries.
    TempDir work;
    const auto daemon_copy = work.write(
        "slawatch@ci.service", replace_all(daemon, "ExecStart=/usr/bin/slawatch",
                                           "ExecStart=" + (root / "usr/bin/slawatch").string()));
    const auto ship_copy =
        work.write("slawatch-ship@ci.service",
                   replace_all(ship, "ExecStart=/usr/lib/slawatch/slawatch-ship",
                               "ExecStart=" + (root / "usr/lib/slawatch/slawatch-ship").string()));
    const auto timer_copy = work.write("slawatch-ship@ci.timer", timer);
    const auto verify = run({"/usr/bin/env", "MANPATH=" + (root / "usr/share/man").string(),
                             "/usr/bin/systemd-analyze", "verify", daemon_copy.string(),
                             ship_copy.string(), timer_copy.string()});
    INFO(verify.out << verify.err);
    CHECK(verify.exit_code == 0);
    CHECK(verify.err.empty());
    for (const auto& copy : {daemon_copy, ship_copy}) {
        const auto security = run({"/usr/bin/systemd-analyze", "security", "--offline=true",
                                   "--threshold=20", copy.string()});
        INFO(copy << security.out << security.err);
        CHECK(security.exit_code == 0);
    }
}

TEST_CASE("every unit: no core dumps, and a reload that needs no package beyond Essential",
          "[install]") {
    const fs::path units = staged().root() / "usr/lib/systemd/system";
    for (const char* name : {"slawatch.service", "slawatch@.service", "slawatch-ship.service",
                             "slawatch-ship@.service"}) {
        INFO(name);
        const std::string unit = read_file(units / name);
        CHECK(unit.find("\nLimitCORE=0\n") != std::string::npos);
        // /bin/kill is procps: neither Essential nor a dependency of the package.
        CHECK(unit.find("=/bin/kill") == std::string::npos);
        if (unit.find("ExecReload=") != std::string::npos)
            CHECK(unit.find("ExecReload=/bin/sh -c 'kill -HUP $MAINPID'\n") != std::string::npos);
    }
}

TEST_CASE("the example config is installed as /etc/slawatch/slawatch.toml", "[install]") {
    const fs::path installed = staged().root() / "etc/slawatch/slawatch.toml";
    REQUIRE(fs::is_regular_file(installed));
    CHECK(read_file(installed) ==
          read_file(fs::path(SLAWATCH_SOURCE_DIR) / "examples/slawatch.toml"));
}

TEST_CASE("the man pages and the operator's docs are installed", "[install]") {
    const fs::path root = staged().root();
    CHECK(fs::is_regular_file(root / "usr/share/man/man1/slawatch.1.gz"));
    CHECK(fs::is_regular_file(root / "usr/share/man/man5/slawatch.toml.5.gz"));
    for (const char* doc :
         {"README.md", "install.md", "configuration.md", "operations.md", "contract-rules.md",
          "interface.md", "systemd.md", "metrics.md", "prometheus.md", "vantage.md"})
        CHECK(fs::is_regular_file(root / "usr/share/doc/slawatch" / doc));
}

TEST_CASE("the Prometheus rules, their tests and the Grafana dashboard are installed",
          "[install]") {
    const fs::path share = staged().root() / "usr/share/slawatch";
    const fs::path source(SLAWATCH_SOURCE_DIR);
    for (const char* f :
         {"prometheus/rules/slawatch.rules.yml", "prometheus/tests/burn_rate.test.yml",
          "prometheus/tests/month.test.yml", "prometheus/tests/claim.test.yml",
          "prometheus/rules/slawatch-quorum.rules.yml", "prometheus/tests/quorum.test.yml",
          "prometheus/examples/site-prometheus.yml", "prometheus/examples/global-federation.yml",
          "grafana/slawatch-dashboard.json"}) {
        INFO(f);
        REQUIRE(fs::is_regular_file(share / f));
        CHECK(read_file(share / f) == read_file(source / f));
    }
}

TEST_CASE("the Debian copyright file and changelog are installed", "[install]") {
    const fs::path doc = staged().root() / "usr/share/doc/slawatch";
    const std::string copyright = read_file(doc / "copyright");
    CHECK(copyright.starts_with(
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"));
    CHECK(copyright.find("\nLicense: Apache-2.0\n") != std::string::npos);
    // gzip's magic bytes; its first entry's version is the project's (cmake/packaging.cmake).
    const std::string changelog = read_file(doc / "changelog.Debian.gz");
    REQUIRE(changelog.size() > 2);
    CHECK(changelog.substr(0, 2) == "\x1f\x8b");
    const auto r =
        run({"/bin/sh", "-c", "zcat '" + (doc / "changelog.Debian.gz").string() + "' | head -n 1"});
    CHECK(r.out.starts_with(std::string("slawatch (") + SLAWATCH_EXPECTED_VERSION + "-"));
}

TEST_CASE("nothing is installed outside the expected places, and no test tool", "[install]") {
    const std::vector<std::string> allowed{
        "usr/bin/slawatch",    "usr/lib/systemd/system/", "usr/lib/slawatch/slawatch-ship",
        "usr/lib/sysusers.d/", "usr/lib/tmpfiles.d/",     "usr/share/man/man1/",
        "usr/share/man/man5/", "usr/share/doc/slawatch/", "usr/share/lintian/overrides/slawatch",
        "etc/slawatch/",       "usr/share/slawatch/"};
    const auto files = files_below(staged().root());
    REQUIRE_FALSE(files.empty());
    for (const auto& f : files) {
        INFO(f);
        CHECK(starts_with_any(f, allowed));
    }
    CHECK(files.count("usr/bin/tcmpp-sim") == 0);
}
