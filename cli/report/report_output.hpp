// SPDX-License-Identifier: Apache-2.0
#pragma once
// What `report` prints for one Service Month, in each of its formats, from
// figures re-derived from verified evidence (storage::VerifiedFigures).

#include "config/config.hpp"
#include "sla/service_month.hpp"
#include "storage/verified_figures.hpp"

#include <string>
#include <string_view>

namespace slawatch::cli {

// `report`'s whole output for `month` as of `now` in `format`: "table" (the
// default), "json", "csv" or "html" (html_month.hpp).
std::string report_output(const config::Config& config, const storage::VerifiedFigures& figures,
                          const sla::ServiceMonth& month, sla::EpochMillis now,
                          std::string_view format);

}  // namespace slawatch::cli
