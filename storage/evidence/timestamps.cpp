// SPDX-License-Identifier: Apache-2.0
// The evidence log's RFC 3161 tokens (evidence_timestamp). Only stored and
// read here; what they prove is checked by `verify` (storage/evidence/rfc3161.hpp).

#include "storage/evidence/log.hpp"

namespace slawatch::storage {

void EvidenceLog::add_timestamp(const StoredTimestamp& t) {
    std::lock_guard lock(mutex_);
    db_.cached(
           "INSERT OR IGNORE INTO evidence_timestamp (checkpoint, tsa, token, gen_time_ms) "
           "VALUES (?, ?, ?, ?)")
        .bind(1, t.checkpoint)
        .bind(2, t.tsa)
        .bind_blob(3, t.token)
        .bind(4, t.gen_time_ms)
        .run();
}

std::vector<StoredTimestamp> EvidenceLog::timestamps() const {
    std::lock_guard lock(mutex_);
    std::vector<StoredTimestamp> out;
    if (db_.query_int("SELECT count(*) FROM sqlite_master WHERE name = 'evidence_timestamp'") == 0)
        return out;  // a database older than schema 10, read as it is
    auto& st = db_.cached(
        "SELECT checkpoint, tsa, token, gen_time_ms FROM evidence_timestamp ORDER BY checkpoint, "
        "tsa");
    while (st.step())
        out.push_back({st.column_int(0), st.column_text(1), std::string(st.column_blob(2)),
                       st.column_int(3)});
    st.reset();
    return out;
}

}  // namespace slawatch::storage
