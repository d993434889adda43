// SPDX-License-Identifier: Apache-2.0
#pragma once
// `claim --quorum K`: the claim package of a Service Month from the minutes of
// several vantage points as `quorum` combines them. Each unavailable minute
// names the vantage points that saw it down; each of them cites its own
// failed calls with inclusion proofs against its own evidence log.

#include "cli/quorum/quorum_inputs.hpp"
#include "config/config.hpp"
#include "sla/service_month.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace slawatch::cli {

// The package as Markdown, or JSON when `format` is "json"; CommandError
// (exit 2) for a refused input (open_vantages) or `format` "html".
std::string quorum_claim(const config::Config& config, const sla::ServiceMonth& month,
                         const std::vector<std::string>& dbs, const QuorumInputOptions& options,
                         std::string_view format);

}  // namespace slawatch::cli
