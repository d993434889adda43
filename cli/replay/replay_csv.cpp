// SPDX-License-Identifier: Apache-2.0
// The replay CSV reader and row parser.

#include "cli/replay/replay_csv.hpp"

#include "cli/common/exit_codes.hpp"
#include "text/escape.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>

namespace slawatch::cli::replay {
namespace {

constexpr std::size_t buffer_bytes = 1 << 20;
constexpr std::size_t max_line_bytes = 1 << 16;
constexpr std::string_view bom = "\xEF\xBB\xBF";

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

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

bool printable_token(std::string_view s, std::size_t max) {
    return s.size() <= max && std::all_of(s.begin(), s.end(), [](char c) {
               return static_cast<unsigned char>(c) > 0x20 && static_cast<unsigned char>(c) < 0x7f;
           });
}

}  // namespace

bool blank(std::string_view line) {
    return trim(line).empty();
}

LineReader::LineReader(const std::string& file)
    : file_(std::fopen(file.c_str(), "rb")), buffer_(buffer_bytes) {
    if (!file_) {
        throw CommandError(exit_usage,
                           fmt::format("{}: cannot open: {}", file, std::strerror(errno)));
    }
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    size_ = ec ? 0 : size;
}

bool LineReader::next(std::string_view& line) {
    for (;;) {
        const char* data = buffer_.data();
        const void* nl = std::memchr(data + begin_, '\n', end_ - begin_);
        if (nl || (eof_ && begin_ < end_)) {
            const auto stop =
                nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - data) : end_;
            line = std::string_view(data + begin_, stop - begin_);
            consumed_ += stop - begin_ + (nl ? 1 : 0);
            begin_ = nl ? stop + 1 : stop;
            if (++line_ == 1 && line.substr(0, bom.size()) == bom) line.remove_prefix(bom.size());
            return true;
        }
        if (eof_) return false;
        // Keep the partial line and fill the rest of the buffer.
        std::memmove(buffer_.data(), data + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
        if (end_ >= max_line_bytes) {
            ++line_;
            throw BadLine(fmt::format("line longer than {} bytes", max_line_bytes));
        }
        const auto n = std::fread(buffer_.data() + end_, 1, buffer_.size() - end_, file_.get());
        if (n == 0) {
            if (std::ferror(file_.get())) {
                throw BadLine(fmt::format("read error: {}", std::strerror(errno)));
            }
            eof_ = true;
        }
        end_ += n;
    }
}

RowParser::RowParser(const config::Config& config) : config_(config) {}

void RowParser::split(std::string_view line) {
    fields_.clear();
    if (line.find('"') == std::string_view::npos) {
        // The common case: no quoting, fields are views into the line.
        for (;;) {
            const auto comma = line.find(',');
            fields_.push_back(trim(line.substr(0, comma)));
            if (comma == std::string_view::npos) return;
            line.remove_prefix(comma + 1);
        }
    }
    // Double-quoted fields ("" escapes a quote) are unescaped into unquoted_.
    unquoted_.clear();
    std::string field;
    bool quoted = false;
    bool was_quoted = false;
    auto finish = [&] {
        unquoted_.push_back(was_quoted ? field : std::string(trim(field)));
        field.clear();
        was_quoted = false;
    };
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
            finish();
        } else if (was_quoted && (c == ' ' || c == '\t' || c == '\r')) {
            continue;  // blanks after a closing quote
        } else if (was_quoted) {
            throw BadLine("text after a closing quote");
        } else {
            field += c;
        }
    }
    if (quoted) throw BadLine("unterminated quoted field");
    finish();
    for (const auto& f : unquoted_) fields_.emplace_back(f);
}

void RowParser::header(std::string_view line) {
    split(line);
    columns_.clear();
    for (const auto name : fields_) {
        const auto c = column_of(name);
        if (!c)
            throw BadLine(fmt::format("unknown column {} in the header", text::quote_field(name)));
        if (std::find(columns_.begin(), columns_.end(), *c) != columns_.end()) {
            throw BadLine(fmt::format("column {} appears twice", text::quote_field(name)));
        }
        columns_.push_back(*c);
    }
    min_fields_ = 0;
    for (auto required : {Column::time, Column::probe, Column::outcome}) {
        const auto it = std::find(columns_.begin(), columns_.end(), required);
        if (it == columns_.end()) {
            throw BadLine("the header must name the columns time, probe and outcome");
        }
        min_fields_ = std::max(min_fields_, static_cast<std::size_t>(it - columns_.begin()) + 1);
    }
}

void RowParser::row(std::string_view line, storage::ProbeResult& r) {
    split(line);
    if (fields_.size() > columns_.size()) {
        throw BadLine(
            fmt::format("expected {} columns, found {}", columns_.size(), fields_.size()));
    }
    if (fields_.size() < min_fields_) {
        throw BadLine(
            fmt::format("expected at least {} columns, found {}", min_fields_, fields_.size()));
    }
    r.sample.http_status = 0;
    r.sample.error_code.clear();
    r.sample.request_id.clear();
    r.sample.phases = {};
    // Omitted trailing columns are empty.
    for (std::size_t i = 0; i < fields_.size(); ++i) {
        const std::string_view v = fields_[i];
        switch (columns_[i]) {
            case Column::time: {
                const auto t = sla::parse_rfc3339(v);
                if (!t)
                    throw BadLine(
                        fmt::format("bad time {} (expected RFC 3339)", text::quote_field(v)));
                r.sample.sent_ms = *t;
                break;
            }
            case Column::probe:
                if (!config_.find_probe(v))
                    throw BadLine(fmt::format("unknown probe {}", text::quote_field(v)));
                r.probe.assign(v);
                break;
            case Column::outcome: {
                const auto o = sla::parse_outcome(v);
                if (!o) throw BadLine(fmt::format("bad outcome {}", text::quote_field(v)));
                r.sample.outcome = *o;
                break;
            }
            case Column::http_status: {
                if (v.empty()) break;
                int status = 0;
                const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), status);
                if (ec != std::errc{} || p != v.data() + v.size() || status < 100 || status > 599) {
                    throw BadLine(
                        fmt::format("bad http_status {} (expected 100-599)", text::quote_field(v)));
                }
                r.sample.http_status = status;
                break;
            }
            case Column::error_code:
                if (!printable_token(v, 128))
                    throw BadLine(fmt::format("bad error_code {}", text::quote_field(v)));
                r.sample.error_code.assign(v);
                break;
            case Column::request_id:
                if (!printable_token(v, 128))
                    throw BadLine(fmt::format("bad request_id {}", text::quote_field(v)));
                r.sample.request_id.assign(v);
                break;
            case Column::latency_ms: {
                if (v.empty()) break;
                double ms = 0;
                const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), ms);
                if (ec != std::errc{} || p != v.data() + v.size() || !(ms >= 0) || ms > 2'000'000) {
                    throw BadLine(fmt::format("bad latency_ms {}", text::quote_field(v)));
                }
                r.sample.phases.total_us = static_cast<std::int32_t>(ms * 1000 + 0.5);
                break;
            }
        }
    }
}

}  // namespace slawatch::cli::replay
