// SPDX-License-Identifier: Apache-2.0
// `slawatch probe`: runs one configured probe once, now, and shows what it saw:
// the first thing an operator runs after editing a probe.

#include "cli/commands.hpp"
#include "cli/common/config_file.hpp"
#include "cli/common/exit_codes.hpp"
#include "config/config.hpp"
#include "probes/probe.hpp"
#include "text/escape.hpp"

#include <fmt/format.h>
#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <iostream>
#include <memory>
#include <optional>
#include <string>

namespace slawatch::cli {

namespace {

struct ProbeOptions {
    std::string config;
    std::string name;
    std::string format = "text";
};

// Microseconds -> milliseconds; nullopt for a phase not reached (-1).
std::optional<double> phase_ms(std::int32_t us) {
    if (us < 0) return std::nullopt;
    return static_cast<double>(us) / 1000.0;
}

std::string phase_text(std::int32_t us) {
    const auto ms = phase_ms(us);
    return ms ? fmt::format("{:.3f} ms", *ms) : std::string("-");
}

// Milliseconds with microsecond precision as a plain JSON number ("1.250"), or null.
std::string phase_json(std::int32_t us) {
    const auto ms = phase_ms(us);
    return ms ? fmt::format("{:.3f}", *ms) : std::string("null");
}

std::string text_or_null(const std::string& s) {
    return s.empty() ? std::string("null") : text::json_quote(s);
}

void print_text(const config::Probe& p, const sla::Sample& s, std::ostream& out) {
    const auto dash = [](const std::string& v) {
        return v.empty() ? std::string("-") : text::escape_text(v);
    };
    out << fmt::format("probe        {} ({})\n", text::escape_text(p.name),
                       config::to_string(p.kind));
    out << fmt::format("outcome      {}\n", sla::to_string(s.outcome));
    out << fmt::format("http status  {}\n", s.http_status ? std::to_string(s.http_status) : "-");
    out << fmt::format("error code   {}\n", dash(s.error_code));
    out << fmt::format("request id   {}\n", dash(s.request_id));
    out << fmt::format("dns          {}\n", phase_text(s.phases.dns_us));
    out << fmt::format("connect      {}\n", phase_text(s.phases.connect_us));
    out << fmt::format("tls          {}\n", phase_text(s.phases.tls_us));
    out << fmt::format("first byte   {}\n", phase_text(s.phases.first_byte_us));
    out << fmt::format("total        {}\n", phase_text(s.phases.total_us));
    if (!s.detail.empty()) out << fmt::format("detail       {}\n", text::escape_text(s.detail));
}

// Written by hand so that timings print as fixed decimals, not 1.25E-1.
void print_json(const config::Probe& p, const sla::Sample& s, std::ostream& out) {
    out << fmt::format(
        "{{\"probe\":{},\"kind\":\"{}\",\"outcome\":\"{}\",\"http_status\":{},"
        "\"error_code\":{},\"request_id\":{},"
        "\"phases_ms\":{{\"dns\":{},\"connect\":{},\"tls\":{},\"first_byte\":{},\"total\":{}}},"
        "\"sent_ms\":{},\"detail\":{}}}\n",
        text::json_quote(p.name), config::to_string(p.kind), sla::to_string(s.outcome),
        s.http_status ? std::to_string(s.http_status) : "null", text_or_null(s.error_code),
        text_or_null(s.request_id), phase_json(s.phases.dns_us), phase_json(s.phases.connect_us),
        phase_json(s.phases.tls_us), phase_json(s.phases.first_byte_us),
        phase_json(s.phases.total_us), s.sent_ms, text_or_null(s.detail));
}

void run_probe(const ProbeOptions& opt) {
    const auto config = load_config(opt.config);
    const config::Probe* settings = config.find_probe(opt.name);
    if (!settings) {
        std::string names;
        for (const auto& p : config.probes) names += (names.empty() ? "" : ", ") + p.name;
        throw CommandError(
            exit_usage, fmt::format("{}: no probe named {} (configured: {})", opt.config,
                                    text::quote_field(opt.name), names.empty() ? "none" : names));
    }

    boost::asio::io_context io;
    std::unique_ptr<probes::Probe> probe;
    try {
        probe = probes::make_probe(io.get_executor(), *settings);
    } catch (const probes::ProbeSetupError& e) {
        throw CommandError(exit_usage, fmt::format("{}: {}", opt.config, e.what()));
    }
    std::optional<sla::Sample> sample;
    probe->run([&](sla::Sample s) { sample = std::move(s); });
    io.run();  // ends by the probe's own deadline
    if (!sample) throw CommandError(exit_failure, "slawatch: the probe ended without a result");

    if (opt.format == "json")
        print_json(*settings, *sample, std::cout);
    else
        print_text(*settings, *sample, std::cout);
    std::cout.flush();
    if (sample->outcome != sla::Outcome::ok) throw CommandError(exit_failure, "");
}

}  // namespace

void register_probe(CLI::App& app) {
    auto opt = std::make_shared<ProbeOptions>();
    auto* cmd = app.add_subcommand(
        "probe",
        "Run one configured probe once, now; print its outcome, HTTP status, API error code, "
        "request id and phase timings. Exit 0 when ok, 1 otherwise, 2 for a bad config or name.");
    add_config_option(*cmd, opt->config);
    cmd->add_option("-n,--name", opt->name, "The probe's name")->required();
    cmd->add_option("--format", opt->format, "Output format: text or json")
        ->check(CLI::IsMember({"text", "json"}));
    cmd->callback([opt] { run_probe(*opt); });
}

}  // namespace slawatch::cli
