// SPDX-License-Identifier: Apache-2.0
#pragma once
// Test support: what a CLI11 help text lists.

#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace slawatch::testing {

// The subcommands listed under "Subcommands:" in a CLI11 help text.
inline std::vector<std::string> subcommands_in(const std::string& help) {
    std::vector<std::string> out;
    std::istringstream in(help);
    std::string line;
    bool in_list = false;
    const std::regex row(R"(^  ([a-z][a-z0-9-]*)(\s.*)?$)");
    while (std::getline(in, line)) {
        if (line.starts_with("Subcommands:")) {
            in_list = true;
            continue;
        }
        if (in_list && !line.starts_with("  ")) in_list = false;
        std::smatch m;
        if (in_list && std::regex_match(line, m, row)) out.push_back(m[1]);
    }
    return out;
}

}  // namespace slawatch::testing
