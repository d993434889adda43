// SPDX-License-Identifier: Apache-2.0
#pragma once
// The tamper-evidence part of a claim package: the checkpoints covering the
// month, the signing key, and an RFC 9162 inclusion proof of every failed call
// cited, against a signed (else the latest) checkpoint (docs/evidence.md).

#include "cli/report/down_minutes.hpp"
#include "storage/evidence/log.hpp"
#include "storage/result_store.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace slawatch::cli {

struct CitedCall {
    storage::StoredResult result;
    std::optional<storage::InclusionProof> proof;  // none: not provable (see verify)
};

struct ClaimEvidence {
    std::vector<storage::Checkpoint> checkpoints;  // recorded in the month (and the next one)
    std::optional<storage::Checkpoint> proof_at;   // the checkpoint the proofs lead to
    std::string key_fpr;                           // of proof_at's key, if signed
    std::string public_key_pem;
    std::string public_key_hex;  // the raw 32 bytes
    std::string verifier_key;    // proof_at's note verifier key, if signed
    // Each checkpoint's C2SP note by id ("" before schema 10: no note form).
    std::map<std::int64_t, std::string> notes;
    std::vector<CitedCall> calls;  // every failed call of the unavailable minutes
};

// [from, to): the month's bounds in ms.
ClaimEvidence claim_evidence(const storage::ResultStore& store,
                             const std::vector<DownMinute>& minutes, sla::EpochMillis from,
                             sla::EpochMillis to);

std::string evidence_markdown(const ClaimEvidence& e, const sla::TimeZone& zone);
// A JSON object (no trailing newline), indented for the claim's top level.
std::string evidence_json(const ClaimEvidence& e, const sla::TimeZone& zone);

}  // namespace slawatch::cli
