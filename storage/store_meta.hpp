// SPDX-License-Identifier: Apache-2.0
#pragma once
// What a database says about itself (the `meta` table): whose evidence it
// holds, for which contract, and how far the daemon has finalized.

#include "config/config.hpp"
#include "sla/time.hpp"

#include <optional>
#include <string>

namespace slawatch::storage {

// The identity of a contract: SHA-256 (hex) of its name, user and order IDs,
// term and time zone. Databases recorded under the same contract carry the
// same fingerprint, so that `slawatch quorum` combines only those.
std::string contract_fingerprint(const config::Contract& contract);

class StoreMeta {
public:
    virtual ~StoreMeta() = default;

    // The vantage point whose evidence this database holds (`meta.vantage`,
    // recorded by the first writer); nullopt in a database no writer of this
    // version has opened yet.
    virtual std::optional<std::string> vantage() const = 0;
    // The contract the evidence was recorded for (`meta.contract`, a
    // contract_fingerprint written by every writer); nullopt in a database no
    // writer of this version has opened yet.
    virtual std::optional<std::string> contract() const = 0;

    // The end (exclusive) of the minutes the daemon has finalized, kept in
    // `meta` so that a restart knows where to resume.
    virtual std::optional<sla::EpochMinute> finalized_until() const = 0;
    virtual void set_finalized_until(sla::EpochMinute end) = 0;
};

}  // namespace slawatch::storage
