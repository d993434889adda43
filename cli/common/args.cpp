// SPDX-License-Identifier: Apache-2.0
// Parsing --month and the time options (args.hpp).

#include "cli/common/args.hpp"

#include "cli/common/exit_codes.hpp"
#include "text/escape.hpp"

#include <fmt/format.h>

namespace slawatch::cli {

sla::ServiceMonth service_month_arg(const config::Config& config, std::string_view text) {
    const auto ym = sla::parse_year_month(text);
    if (!ym) {
        throw CommandError(exit_usage, fmt::format("--month: bad month {} (expected YYYY-MM)",
                                                   text::quote_field(text)));
    }
    const auto& terms = config.contract.terms;
    const auto month = sla::find_service_month(terms.months(), *ym);
    if (!month) {
        throw CommandError(exit_usage,
                           fmt::format("--month: {} is outside the contract term ({} to {})",
                                       text::quote_field(text), sla::format_date(terms.start),
                                       sla::format_date(terms.end)));
    }
    return *month;
}

sla::EpochMillis time_arg(std::string_view text, std::string_view option) {
    const auto t = sla::parse_rfc3339(text);
    if (!t) {
        throw CommandError(exit_usage, fmt::format("{}: bad time {} (expected RFC 3339, e.g. "
                                                   "2026-06-01T00:00:00+08:00)",
                                                   option, text::quote_field(text)));
    }
    return *t;
}

}  // namespace slawatch::cli
