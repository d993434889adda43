// SPDX-License-Identifier: Apache-2.0
#pragma once
// Failures per error code and the attribution table, for `report`, `claim`
// and `check-config`: a reader sees why each minute counted (R4).

#include "config/config.hpp"
#include "storage/store.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace slawatch::cli {

// A text table (report), a Markdown section (claim) and JSON rows of `rows`.
std::string failures_text(const config::Config& config,
                          const std::vector<storage::FailureCount>& rows);
std::string failures_markdown(const config::Config& config,
                              const std::vector<storage::FailureCount>& rows);
std::string failures_json(const config::Config& config,
                          const std::vector<storage::FailureCount>& rows);
// An HTML table, every string escaped (report and claim --format html).
std::string failures_html(const config::Config& config,
                          const std::vector<storage::FailureCount>& rows);

// The effective attribution table: every rule, with the config's overrides
// applied, and the overrides themselves (check-config).
std::string attribution_text(const config::Config& config);
boost::json::object attribution_json(const config::Config& config);

}  // namespace slawatch::cli
