// SPDX-License-Identifier: Apache-2.0
// tcmpp-sim: a local stand-in for Tencent Cloud's TCMPP API with scripted faults (README.md).

#include "tools/tcmpp-sim/server.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace {

constexpr int exit_ok = 0;
constexpr int exit_failure = 1;
constexpr int exit_usage = 2;

// The documentation's example pair (docs/tencentcloud-api.md): what a demo signs with by default.
constexpr const char* example_secret_id = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
constexpr const char* example_secret_key = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::string read_secret(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw UsageError("cannot read " + file.string());
    std::ostringstream s;
    s << in.rdbuf();
    std::string v = s.str();
    while (!v.empty() &&
           (v.back() == '\n' || v.back() == '\r' || v.back() == ' ' || v.back() == '\t'))
        v.pop_back();
    if (v.empty()) throw UsageError(file.string() + " is empty");
    return v;
}

boost::asio::ip::tcp::endpoint endpoint_or_throw(const std::string& text, const char* option) {
    const auto ep = tcmpp_sim::parse_endpoint(text);
    if (!ep)
        throw UsageError(std::string(option) + ": '" + text +
                         "' is not ADDR:PORT (e.g. 127.0.0.1:8080 or [::1]:8080)");
    return *ep;
}

// The command line as given, before it is checked.
struct CommandLine {
    std::string listen, tls_listen, write_ca, faults, secret_id, secret_key, credentials_dir;
    std::string service = "tcmpp";
    std::uint64_t seed = 1;
    unsigned threads = 1;
    unsigned idle_timeout = 30;
    bool quiet = false, verbose = false;
};

void add_options(CLI::App& app, CommandLine& cl) {
    app.add_option("--listen", cl.listen, "Plain HTTP listener, ADDR:PORT (port 0 = any)")
        ->required();
    app.add_option("--tls-listen", cl.tls_listen,
                   "HTTPS listener, ADDR:PORT (throwaway certificates)");
    app.add_option("--write-ca", cl.write_ca, "Write the throwaway CA certificate (PEM) here");
    app.add_option("--faults", cl.faults, "Fault plan (TOML); re-read on SIGHUP");
    app.add_option("--seed", cl.seed, "Seed of the PRNG behind fault `probability`");
    auto* id_opt = app.add_option("--secret-id", cl.secret_id, "The accepted SecretId");
    auto* key_opt = app.add_option("--secret-key", cl.secret_key, "The accepted SecretKey");
    auto* dir_opt = app.add_option("--credentials-dir", cl.credentials_dir,
                                   "Read DIR/secret_id and DIR/secret_key");
    id_opt->needs(key_opt);
    key_opt->needs(id_opt);
    dir_opt->excludes(id_opt)->excludes(key_opt);
    app.add_option("--service", cl.service, "Service expected in the credential scope");
    app.add_option("--threads", cl.threads, "I/O threads")->check(CLI::Range(1u, 256u));
    app.add_option("--idle-timeout", cl.idle_timeout, "Per-connection idle timeout, seconds")
        ->check(CLI::Range(1u, 86400u));
    app.add_flag("--quiet", cl.quiet, "Log only warnings and errors");
    app.add_flag("--verbose", cl.verbose, "Log every request");
    app.footer(
        "Exit codes: 0 clean stop (SIGTERM/SIGINT), 1 runtime failure, 2 bad usage or "
        "bad fault file.\nSee tools/tcmpp-sim/README.md.");
}

// Throws UsageError for what the parser cannot check alone.
tcmpp_sim::Options options_of(const CommandLine& cl) {
    tcmpp_sim::Options options;
    options.listen = endpoint_or_throw(cl.listen, "--listen");
    if (!cl.tls_listen.empty())
        options.tls_listen = endpoint_or_throw(cl.tls_listen, "--tls-listen");
    if (!cl.write_ca.empty() && cl.tls_listen.empty())
        throw UsageError("--write-ca needs --tls-listen");
    if (!cl.credentials_dir.empty()) {
        options.api.secret_id =
            read_secret(std::filesystem::path(cl.credentials_dir) / "secret_id");
        options.api.secret_key =
            read_secret(std::filesystem::path(cl.credentials_dir) / "secret_key");
    } else if (!cl.secret_id.empty()) {
        options.api.secret_id = cl.secret_id;
        options.api.secret_key = cl.secret_key;
    } else {
        options.api.secret_id = example_secret_id;
        options.api.secret_key = example_secret_key;
    }
    if (cl.service.empty()) throw UsageError("--service must not be empty");
    options.api.service = cl.service;
    options.write_ca = cl.write_ca;
    options.faults_file = cl.faults;
    options.seed = cl.seed;
    options.threads = cl.threads;
    options.idle_timeout = std::chrono::seconds(cl.idle_timeout);
    options.verbose = cl.verbose;
    return options;
}

int serve(tcmpp_sim::Options options) {
    try {
        tcmpp_sim::Server server(std::move(options));
        std::cout << server.ready_line() << std::endl;  // endl: scripts wait for this line
        spdlog::info("{}", server.ready_line());
        server.run();
        spdlog::info("stopped");
        return exit_ok;
    } catch (const tcmpp_sim::PlanError& e) {
        std::cerr << e.what() << "\n";
        return exit_usage;
    } catch (const std::exception& e) {
        std::cerr << "tcmpp-sim: " << e.what() << "\n";
        return exit_failure;
    }
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"tcmpp-sim - a local TCMPP (TencentCloud API 3.0) stand-in with scripted faults",
                 "tcmpp-sim"};
    if (auto bad = slawatch::sla::init_clock_from_env()) {
        std::cerr << "tcmpp-sim: " << *bad << "\n";
        return 2;
    }
    CommandLine cl;
    add_options(app, cl);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);
        return rc == 0 ? exit_ok : exit_usage;
    }

    // Logs go to stderr: stdout carries only the "listening on" line.
    auto logger = spdlog::stderr_color_mt("tcmpp-sim");
    spdlog::set_default_logger(logger);
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ tcmpp-sim: %v");
    spdlog::set_level(cl.quiet ? spdlog::level::warn : spdlog::level::info);

    tcmpp_sim::Options options;
    try {
        options = options_of(cl);
    } catch (const UsageError& e) {
        std::cerr << "tcmpp-sim: " << e.what() << "\n";
        return exit_usage;
    }
    return serve(std::move(options));
}
