// SPDX-License-Identifier: Apache-2.0
#pragma once
// The replay CSV, streamed: a line reader over a large buffer and a parser
// of the header and of each row (no regex, no iostream per row).

#include "config/config.hpp"
#include "storage/store.hpp"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace slawatch::cli::replay {

// Thrown with the reason; the caller adds FILE:LINE.
struct BadLine : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The lines of a file, numbered from 1, without their '\n'; a UTF-8 BOM
// before the first line is dropped. Memory stays at one buffer.
class LineReader {
public:
    // CommandError(2) when the file cannot be opened.
    explicit LineReader(const std::string& file);

    // False at the end of the file. The view is valid until the next call.
    bool next(std::string_view& line);
    std::int64_t line_number() const { return line_; }
    std::uint64_t bytes_read() const { return consumed_; }
    std::uint64_t size() const { return size_; }

private:
    struct Close {
        void operator()(std::FILE* f) const { std::fclose(f); }
    };
    std::unique_ptr<std::FILE, Close> file_;
    std::vector<char> buffer_;
    std::size_t begin_ = 0;  // first unread byte of buffer_
    std::size_t end_ = 0;    // end of the valid bytes of buffer_
    bool eof_ = false;
    std::int64_t line_ = 0;
    std::uint64_t consumed_ = 0;
    std::uint64_t size_ = 0;
};

enum class Column { time, probe, outcome, http_status, error_code, request_id, latency_ms };

// Header and rows: time,probe,outcome[,http_status][,error_code][,request_id][,latency_ms]
// in any order the header names; a row may omit trailing optional columns.
class RowParser {
public:
    explicit RowParser(const config::Config& config);

    // BadLine for an unknown or repeated column, or a missing required one.
    void header(std::string_view line);

    // Parses one row into `r` (reused between rows), or BadLine.
    void row(std::string_view line, storage::ProbeResult& r);

private:
    void split(std::string_view line);

    const config::Config& config_;
    std::vector<Column> columns_;
    std::size_t min_fields_ = 0;  // up to the last required column
    std::vector<std::string_view> fields_;
    std::vector<std::string> unquoted_;  // quoted fields, unescaped
};

// True for a line that has nothing but blanks (skipped).
bool blank(std::string_view line);

}  // namespace slawatch::cli::replay
