// SPDX-License-Identifier: Apache-2.0
#pragma once
// What printed figures rest on (storage::EvidenceStatus): the evidence log,
// how much of it a signature covers, and whether later results counted.

#include "sla/time.hpp"
#include "storage/verified_figures.hpp"

#include <string>

namespace slawatch::cli {

// {"log_id", "signed", "key_fingerprint", "signed_leaves", "signed_until",
//  "unsigned_tail", "unsigned_tail_counted"}
std::string evidence_status_json(const storage::EvidenceStatus& s, const sla::TimeZone& zone);

// Lines for a text report ("evidence  ..."), each ending in a newline.
std::string evidence_status_text(const storage::EvidenceStatus& s, const sla::TimeZone& zone,
                                 std::string_view indent = "");

}  // namespace slawatch::cli
