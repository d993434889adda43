// SPDX-License-Identifier: Apache-2.0
#pragma once
// What `report`, `status` and `claim` derive from a month's figures beyond
// sla::MonthReport: the projection in words, and R9's cap over the term.

#include "config/config.hpp"
#include "sla/month_report.hpp"
#include "sla/service_month.hpp"
#include "storage/store.hpp"

#include <string>

namespace slawatch::cli {

// "60 unavailable minutes by month end, 10 % compensation", or why there is no
// projection yet (sla::projection_min_observed_minutes).
std::string projection_text(const sla::MonthReport& r);

// R9: the month's compensation after the 12-month liability cap, computed
// over the term's months up to and including `month`.
sla::Money capped_compensation(const storage::Figures& figures, const config::Config& config,
                               const sla::ServiceMonth& month, sla::EpochMillis now);

}  // namespace slawatch::cli
