// SPDX-License-Identifier: Apache-2.0
#pragma once
// What `quorum` prints: the month's figures for the combined minutes in
// `report`'s table or JSON, each vantage point's own figures and evidence,
// and the minutes they disagreed on; or the month's HTML page with them.

#include "cli/quorum/quorum_inputs.hpp"
#include "cli/quorum/quorum_month.hpp"
#include "config/config.hpp"
#include "sla/service_month.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace slawatch::cli {

// One combined month and the inputs it was combined from.
struct QuorumView {
    const config::Config& config;
    const std::vector<VantageInput>& inputs;
    const QuorumMonth& q;
};

// `quorum`'s whole output in `format`: "text", "json" or "html".
std::string quorum_output(const QuorumView& v, const sla::ServiceMonth& month, sla::EpochMillis now,
                          std::string_view format);

}  // namespace slawatch::cli
