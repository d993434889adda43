// SPDX-License-Identifier: Apache-2.0
#pragma once
// `verify`'s check of the stored RFC 3161 tokens (docs/evidence.md,
// "Time-stamps"), apart from the tree's: each token must stamp its
// checkpoint's note (SHA-256 message imprint), verify against its TSA's
// configured CA bundle, and not be dated before its checkpoint (beyond
// timestamp_tolerance_ms) nor before an earlier checkpoint's token of the
// same TSA. A token of a TSA that is no longer configured is counted as
// unchecked, not as forged: without the bundle its chain cannot be judged.

#include "storage/evidence/log.hpp"

#include <map>
#include <string>

namespace slawatch::storage::evidence {

// How much earlier than its checkpoint's time_ms a token may be dated: the
// host's clock and the TSA's differ a little.
inline constexpr sla::EpochMillis timestamp_tolerance_ms = 5 * 60'000;

// Adds the counts and problems of `log`'s tokens to `report`. `bundles`:
// each configured TSA's URL and its PEM CA bundle.
void check_timestamps(const EvidenceLog& log, const std::map<std::string, std::string>& bundles,
                      VerifyReport& report);

}  // namespace slawatch::storage::evidence
