// SPDX-License-Identifier: Apache-2.0
// `slawatch replay`: feeds recorded probe results (CSV) through the
// classifier into the database, all or nothing.

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/store_cli.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <iostream>
#include <limits>

namespace slawatch::cli {
namespace {

struct ReplayOptions {
    StoreOptions store;
    std::string input;
};

enum class Column { time, probe, outcome, http_status, error_code, request_id, latency_ms };

std::optional<Column> column_of(std::string_view name) {
    if (name == "time") return Column::time;
    if (name == "probe") return Column::probe;
    if (name == "outcome") return Column::outcome;
    if (name == "http_status") return Column::http_status;
    if (name == "error_code") return Column::error_code;
    if (name == "request_id") return Column::request_id;
    if (name == "latency_ms") return Column::latency_ms;
    return std::nullopt;
}

// Thrown with the reason; the caller adds FILE:LINE.
struct BadLine : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// Splits one CSV line; fields may be double-quoted ("" escapes a quote).
std::vector<std::string> split_csv(std::string_view line) {
    std::vector<std::string> fields;
    std::string field;
    bool quoted = false;
    bool was_quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"' && trim(field).empty()) {
            quoted = was_quoted = true;
            field.clear();
        } else if (c == ',') {
            fields.push_back(was_quoted ? field : std::string(trim(field)));
            field.clear();
            was_quoted = false;
        } else {
            field += c;
        }
    }
    if (quoted) throw BadLine("unterminated quoted field");
    fields.push_back(was_quoted ? field : std::string(trim(field)));
    return fields;
}

bool printable_token(std::string_view s, std::size_t max) {
    return s.size() <= max && std::all_of(s.begin(), s.end(), [](char c) {
               return static_cast<unsigned char>(c) > 0x20 && static_cast<unsigned char>(c) < 0x7f;
           });
}

storage::ProbeResult parse_row(const std::vector<std::string>& fields,
                               const std::vector<Column>& columns, const config::Config& config) {
    storage::ProbeResult r;
    for (std::size_t i = 0; i < columns.size(); ++i) {
        const std::string& v = fields[i];
        switch (columns[i]) {
            case Column::time: {
                const auto t = sla::parse_rfc3339(v);
                if (!t) throw BadLine(fmt::format("bad time \"{}\" (expected RFC 3339)", v));
                r.sample.sent_ms = *t;
                break;
            }
            case Column::probe:
                if (!config.find_probe(v)) throw BadLine(fmt::format("unknown probe \"{}\"", v));
                r.probe = v;
                break;
            case Column::outcome: {
                const auto o = sla::parse_outcome(v);
                if (!o) throw BadLine(fmt::format("bad outcome \"{}\"", v));
                r.sample.outcome = *o;
                break;
            }
            case Column::http_status: {
                if (v.empty()) break;
                int status = 0;
                const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), status);
                if (ec != std::errc{} || p != v.data() + v.size() || status < 100 || status > 599) {
                    throw BadLine(fmt::format("bad http_status \"{}\" (expected 100-599)", v));
                }
                r.sample.http_status = status;
                break;
            }
            case Column::error_code:
                if (!printable_token(v, 128)) throw BadLine(fmt::format("bad error_code \"{}\"", v));
                r.sample.error_code = v;
                break;
            case Column::request_id:
                if (!printable_token(v, 128)) throw BadLine(fmt::format("bad request_id \"{}\"", v));
                r.sample.request_id = v;
                break;
            case Column::latency_ms: {
                if (v.empty()) break;
                double ms = 0;
                const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), ms);
                if (ec != std::errc{} || p != v.data() + v.size() || !(ms >= 0) || ms > 2'000'000) {
                    throw BadLine(fmt::format("bad latency_ms \"{}\"", v));
                }
                r.sample.phases.total_us = static_cast<std::int32_t>(ms * 1000 + 0.5);
                break;
            }
        }
    }
    return r;
}

std::vector<Column> parse_header(const std::vector<std::string>& names) {
    std::vector<Column> columns;
    for (const auto& name : names) {
        const auto c = column_of(name);
        if (!c) throw BadLine(fmt::format("unknown column \"{}\" in the header", name));
        if (std::find(columns.begin(), columns.end(), *c) != columns.end()) {
            throw BadLine(fmt::format("column \"{}\" appears twice", name));
        }
        columns.push_back(*c);
    }
    for (auto required : {Column::time, Column::probe, Column::outcome}) {
        if (std::find(columns.begin(), columns.end(), required) == columns.end()) {
            throw BadLine("the header must name the columns time, probe and outcome");
        }
    }
    return columns;
}

// The whole file, or CommandError(2) naming the first bad line.
std::vector<storage::ProbeResult> read_csv(const std::string& file, const config::Config& config) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw CommandError(exit_usage, fmt::format("{}: cannot open", file));
    std::vector<storage::ProbeResult> results;
    std::vector<Column> columns;
    std::string line;
    int number = 0;
    bool header = true;
    try {
        while (std::getline(in, line)) {
            ++number;
            if (trim(line).empty()) continue;
            auto fields = split_csv(line);
            if (header) {
                columns = parse_header(fields);
                header = false;
                continue;
            }
            if (fields.size() != columns.size()) {
                throw BadLine(fmt::format("expected {} columns, found {}", columns.size(),
                                          fields.size()));
            }
            results.push_back(parse_row(fields, columns, config));
        }
    } catch (const BadLine& e) {
        throw CommandError(exit_usage, fmt::format("{}:{}: {}", file, number, e.what()));
    }
    if (header) throw CommandError(exit_usage, fmt::format("{}:1: empty file, expected a header row", file));
    if (results.empty()) {
        throw CommandError(exit_usage, fmt::format("{}:{}: no rows after the header", file, number));
    }
    return results;
}

void run_replay(const ReplayOptions& o) {
    const auto config = load_config(o.store.config);
    // Parse everything first: a bad line imports nothing.
    const auto results = read_csv(o.input, config);
    auto store = open_store(config, o.store, storage::OpenMode::read_write);
    try {
        store->reconcile_config();
        store->append(results);
        const auto [lo, hi] = std::minmax_element(
            results.begin(), results.end(),
            [](const auto& a, const auto& b) { return a.sample.sent_ms < b.sample.sent_ms; });
        const auto from = sla::minute_of_ms(lo->sample.sent_ms);
        const auto to = sla::minute_of_ms(hi->sample.sent_ms) + 1;
        store->derive_minutes(from, to);
        const auto& zone = config.contract.terms.zone;
        std::cout << fmt::format("imported {} results; derived {} minutes ({} to {})\n",
                                 results.size(), to - from, zone.format_minute(from),
                                 zone.format_minute(to));
    } catch (const storage::StoreError& e) {
        throw CommandError(exit_failure, std::string("slawatch: ") + e.what());
    }
}

}  // namespace

void register_replay(CLI::App& app) {
    auto options = std::make_shared<ReplayOptions>();
    auto* cmd = app.add_subcommand(
        "replay", "Feed recorded probe results (CSV) through the classifier into the database");
    add_store_options(*cmd, options->store);
    cmd->add_option("--input", options->input,
                    "CSV with a header: time,probe,outcome[,http_status][,error_code]"
                    "[,request_id][,latency_ms]")
        ->required();
    cmd->footer("All or nothing: on a bad line nothing is imported and the error names the line.");
    cmd->callback([options] { run_replay(*options); });
}

}  // namespace slawatch::cli
