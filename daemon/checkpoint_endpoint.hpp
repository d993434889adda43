// SPDX-License-Identifier: Apache-2.0
#pragma once
// GET /checkpoint on the metrics listener (docs/vantage.md, "Witnesses"):
// this host's newest checkpoint note, and with ?from=M the RFC 9162
// consistency proof from M leaves to it, for the peers that witness this
// host. Read-only; runs on the storage thread, which owns the database.

#include "daemon/metrics_server.hpp"
#include "storage/evidence/log.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace slawatch::daemon {

// The `from` of a query: "" -> none; "from=M" -> M; nullopt -> a bad query.
std::optional<std::optional<std::uint64_t>> checkpoint_query(std::string_view query);

// The answer to GET /checkpoint?`query`: 200 with the note (text/plain) or
// the note and its proof (application/json); 400 for a bad query; 404 when
// there is no checkpoint note yet, or none of M leaves or more.
HttpReply checkpoint_reply(const storage::EvidenceLog& log, std::string_view query);

}  // namespace slawatch::daemon
