// SPDX-License-Identifier: Apache-2.0
#pragma once
// Collects config problems as "file:line:col: message" lines, reported in file order.

#include "config/config.hpp"

#include <toml++/toml.h>

#include <cstddef>
#include <string>
#include <vector>

namespace slawatch::config::detail {

class Diagnostics {
public:
    explicit Diagnostics(std::string file) : file_(std::move(file)) {}

    void error(int line, int column, std::string message);
    void error(const toml::source_region& where, std::string message) {
        error(static_cast<int>(where.begin.line), static_cast<int>(where.begin.column),
              std::move(message));
    }
    void error(const toml::node& where, std::string message) {
        error(where.source(), std::move(message));
    }
    // Problems of the file as a whole (no better place to point at).
    void error_at_start(std::string message) { error(1, 1, std::move(message)); }

    bool empty() const { return entries_.empty(); }
    const std::string& file() const { return file_; }
    Location location(const toml::source_region& where) const;

    // Every problem, one line each, ordered by position (ties keep report order).
    std::vector<std::string> lines() const;

private:
    struct Entry {
        int line;
        int column;
        std::size_t seq;
        std::string message;
    };
    std::string file_;
    std::vector<Entry> entries_;
};

}  // namespace slawatch::config::detail
