// SPDX-License-Identifier: Apache-2.0
#include "cli/evidence/tsa_bundles.hpp"

#include "cli/common/exit_codes.hpp"

#include <fstream>
#include <sstream>

namespace slawatch::cli {

std::map<std::string, std::string> tsa_bundles(const config::Config& config) {
    std::map<std::string, std::string> out;
    for (const auto& t : config.evidence.tsa) {
        std::ifstream in(t.ca_file, std::ios::binary);
        std::ostringstream text;
        if (in) text << in.rdbuf();
        if (!in || text.str().empty())
            throw CommandError(exit_usage, config.file.string() + ": evidence.tsa " + t.url +
                                               ": cannot read ca_file " + t.ca_file);
        out.emplace(t.url, text.str());
    }
    return out;
}

}  // namespace slawatch::cli
