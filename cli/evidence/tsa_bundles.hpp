// SPDX-License-Identifier: Apache-2.0
#pragma once
// The CA bundles of the configured Time Stamping Authorities, for `verify`.

#include "config/config.hpp"

#include <map>
#include <string>

namespace slawatch::cli {

// Each [[evidence.tsa]] URL with its ca_file's PEM text. Throws CommandError
// (exit 2) naming a bundle that cannot be read.
std::map<std::string, std::string> tsa_bundles(const config::Config& config);

}  // namespace slawatch::cli
