// SPDX-License-Identifier: Apache-2.0
#pragma once
// What makes a first run smooth: "did you mean" for a mistyped command or
// option, and a warning when the contract term is not running.

#include "config/config.hpp"
#include "sla/time.hpp"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slawatch::cli {

// Levenshtein distance, for suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `word`, when it is close enough to be a typo.
std::optional<std::string> nearest(std::string_view word,
                                   const std::vector<std::string>& candidates);

// "did you mean 'report'?" for the first unknown subcommand or option in argv, if any.
std::optional<std::string> suggestion(const CLI::App& app, int argc, const char* const* argv);

// `text` without the source locations Boost appends to error messages
// (" [system:98 at /usr/include/boost/...hpp:161:5 in function 'bind']").
std::string without_source_locations(std::string_view text);

// A warning when `now` lies before the contract term or after its last day, nullopt
// inside the term.
std::optional<std::string> term_warning(const config::Config& config, sla::EpochMillis now);

}  // namespace slawatch::cli
