// SPDX-License-Identifier: Apache-2.0
#pragma once
// Turns a database made by this slawatch into what older schema versions had,
// for the migration tests: the tables of later versions go, user_version is set.

#include <string>

namespace slawatch::testing {

// probe_result and minute as versions 4 to 6 kept them: a probe column and
// one integer column per phase (NULL when not reached), rebuilt from
// probe_result_v; minute keyed by (probe, minute), WITHOUT ROWID.
inline constexpr const char* old_tables_sql = R"sql(
CREATE TABLE probe_result_v6 (
  id INTEGER PRIMARY KEY, probe INTEGER NOT NULL, outcome INTEGER NOT NULL, http_status INTEGER,
  error_code INTEGER, request_id TEXT, dns_us INTEGER, connect_us INTEGER, tls_us INTEGER,
  first_byte_us INTEGER, total_us INTEGER);
INSERT INTO probe_result_v6
SELECT v.time_ms * 1024 + p.id, p.id, o.id, v.http_status, e.id, v.request_id, v.dns_us,
       v.connect_us, v.tls_us, v.first_byte_us, v.total_us
FROM probe_result_v v JOIN probe p ON p.name = v.probe JOIN outcome o ON o.name = v.outcome
LEFT JOIN error_code e ON e.code = v.error_code;
DROP VIEW probe_result_v;
DROP TABLE probe_result;
ALTER TABLE probe_result_v6 RENAME TO probe_result;
CREATE VIEW probe_result_v AS
SELECT r.id >> 10 AS time_ms,
       strftime('%Y-%m-%dT%H:%M:%fZ', (r.id >> 10) / 1000.0, 'unixepoch') AS time,
       p.name AS probe, o.name AS outcome, r.http_status, e.code AS error_code, r.request_id,
       r.dns_us, r.connect_us, r.tls_us, r.first_byte_us, r.total_us
FROM probe_result r
JOIN probe p ON p.id = r.probe
JOIN outcome o ON o.id = r.outcome
LEFT JOIN error_code e ON e.id = r.error_code;

CREATE TABLE minute_v6 (
  probe INTEGER NOT NULL, minute INTEGER NOT NULL, v INTEGER NOT NULL,
  PRIMARY KEY (probe, minute)) WITHOUT ROWID;
INSERT INTO minute_v6 SELECT probe, minute, v FROM minute;
DROP VIEW minute_v;
DROP TABLE minute;
ALTER TABLE minute_v6 RENAME TO minute;
CREATE VIEW minute_v AS
SELECT strftime('%Y-%m-%dT%H:%M:00Z', m.minute * 60, 'unixepoch') AS minute_utc, m.minute,
       p.name AS probe, s.name AS state, (m.v >> 3) & 1023 AS samples, m.v >> 13 AS failures
FROM minute m
JOIN probe p ON p.id = m.probe
JOIN state s ON s.id = (m.v & 7);
)sql";

// Compaction's tables (version 8) did not exist before it.
inline constexpr const char* without_compaction_sql =
    "DROP VIEW IF EXISTS folded_minute_v; DROP TABLE IF EXISTS folded; "
    "DROP TABLE IF EXISTS evidence_hole; DROP TABLE IF EXISTS compact_mark; ";

// The evidence log's identity (version 9) did not exist before it: no log id,
// and checkpoints with the version 1 message.
inline constexpr const char* without_log_identity_sql =
    "ALTER TABLE evidence_checkpoint DROP COLUMN log_id; DELETE FROM meta WHERE key = 'log_id'; ";

// Checkpoints as C2SP notes (version 10) did not exist before it: no origin
// (a checkpoint's signature must then be over its version-2 message), no
// time-stamps or cosignatures, and the view without log_id and origin.
inline constexpr const char* as_schema_version_9_sql =
    "DROP TABLE evidence_timestamp; DROP TABLE evidence_cosignature; "
    "DROP VIEW evidence_checkpoint_v; ALTER TABLE evidence_checkpoint DROP COLUMN origin; "
    "CREATE VIEW evidence_checkpoint_v AS "
    "SELECT id, tree_size, lower(hex(root)) AS root, time_ms, "
    "strftime('%Y-%m-%dT%H:%M:%fZ', time_ms / 1000.0, 'unixepoch') AS time, "
    "lower(hex(signature)) AS signature, key_fpr FROM evidence_checkpoint; "
    "PRAGMA user_version = 9;";

// What an older slawatch left on disk: version 6.
inline const std::string as_schema_version_6_sql =
    std::string(old_tables_sql) + without_compaction_sql + without_log_identity_sql +
    "PRAGMA user_version = 6;";

// The evidence log's tables (version 5), and compaction's (8), did not exist in version 2; run on a
// database whose probe_result already has the old layout.
inline constexpr const char* without_evidence_log_sql =
    "DROP VIEW IF EXISTS folded_minute_v; DROP TABLE IF EXISTS folded; "
    "DROP TABLE IF EXISTS evidence_hole; DROP TABLE IF EXISTS compact_mark; "
    "DROP VIEW IF EXISTS evidence_checkpoint_v; DROP TABLE IF EXISTS evidence_chunk; "
    "DROP TABLE IF EXISTS evidence_node; DROP TABLE IF EXISTS evidence_frontier; "
    "DROP TABLE IF EXISTS evidence_checkpoint; DROP TABLE IF EXISTS evidence_key; "
    "PRAGMA user_version = 2;";

inline const std::string as_schema_version_2_sql =
    std::string(old_tables_sql) + without_evidence_log_sql;

}  // namespace slawatch::testing
