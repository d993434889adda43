// SPDX-License-Identifier: Apache-2.0
#include "config/diagnostics.hpp"

#include "text/escape.hpp"

#include <algorithm>

namespace slawatch::config::detail {

void Diagnostics::error(int line, int column, std::string message) {
    // Implicit tables have no position of their own: point at the file's start.
    // A message may echo what the file holds: one line, nothing a terminal runs.
    entries_.push_back(
        {std::max(line, 1), std::max(column, 1), entries_.size(), text::escape_text(message)});
}

Location Diagnostics::location(const toml::source_region& where) const {
    return {file_, static_cast<int>(where.begin.line), static_cast<int>(where.begin.column)};
}

std::vector<std::string> Diagnostics::lines() const {
    std::vector<const Entry*> order;
    order.reserve(entries_.size());
    for (const auto& e : entries_) order.push_back(&e);
    std::stable_sort(order.begin(), order.end(), [](const Entry* a, const Entry* b) {
        if (a->line != b->line) return a->line < b->line;
        return a->column < b->column;
    });
    std::vector<std::string> out;
    out.reserve(order.size());
    for (const Entry* e : order) {
        out.push_back(file_ + ":" + std::to_string(e->line) + ":" + std::to_string(e->column) +
                      ": " + e->message);
    }
    return out;
}

}  // namespace slawatch::config::detail
