// SPDX-License-Identifier: Apache-2.0
#pragma once
// Values of command-line options that need more than CLI11 checks: a
// Service Month of the contract and a point in time, each refused with
// CommandError(2) naming the option.

#include "config/config.hpp"
#include "sla/service_month.hpp"
#include "sla/time.hpp"

#include <string_view>

namespace slawatch::cli {

// The Service Month lying in YYYY-MM, or CommandError(2).
sla::ServiceMonth service_month_arg(const config::Config& config, std::string_view text);

// RFC 3339, or CommandError(2) naming the option.
sla::EpochMillis time_arg(std::string_view text, std::string_view option);

}  // namespace slawatch::cli
