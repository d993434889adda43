// SPDX-License-Identifier: Apache-2.0
// The schema versions and the migration machinery (see docs/schema.md).

#include "storage/schema.hpp"

#include "storage/phase_encoding.hpp"

#include <fmt/format.h>

#include <array>
#include <string>
#include <string_view>

namespace slawatch::storage::schema {
namespace {

// The packed integers in these texts (storage/layout.hpp) stay as each
// version shipped them; tests/test_storage_encoding.cpp reads them back
// through the layout's constants.

// Version 1. Integers that are 0 or 1 cost no bytes in a record, and NULL
// costs none either: absent fields are stored as NULL.
constexpr std::string_view v1 = R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;

CREATE TABLE probe (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
INSERT INTO probe (id, name) VALUES (0, 'service');

CREATE TABLE error_code (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE);

CREATE TABLE outcome (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO outcome VALUES (0, 'ok'), (1, 'timeout'), (2, 'dns_error'), (3, 'connect_error'),
  (4, 'tls_error'), (5, 'http_5xx'), (6, 'api_error'), (7, 'bad_response'), (8, 'auth_error'),
  (9, 'client_error');

CREATE TABLE state (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO state VALUES (0, 'up'), (1, 'down'), (2, 'unknown'), (3, 'maintenance'),
  (4, 'local_network'), (5, 'customer');

-- Raw evidence: one row per probe run. id = time_ms * 1024 + n (v3: n = probe).
CREATE TABLE probe_result (
  id INTEGER PRIMARY KEY,
  probe INTEGER NOT NULL,
  outcome INTEGER NOT NULL,
  http_status INTEGER,
  error_code INTEGER,
  request_id TEXT,
  dns_us INTEGER,
  connect_us INTEGER,
  tls_us INTEGER,
  first_byte_us INTEGER,
  total_us INTEGER
);

-- Derived: one row per (probe, minute); probe 0 is the service row.
-- v packs state | samples << 3 | failures << 13 (see minute_v) to stay
-- under 16 bytes a row.
CREATE TABLE minute (
  probe INTEGER NOT NULL,
  minute INTEGER NOT NULL,
  v INTEGER NOT NULL,
  PRIMARY KEY (probe, minute)
) WITHOUT ROWID;

-- Derived rollup of minute: rows per (probe, local day, state), so that a
-- report of a month or a year reads a few thousand rows at most.
CREATE TABLE day_count (
  probe INTEGER NOT NULL,
  day INTEGER NOT NULL,
  state INTEGER NOT NULL,
  minutes INTEGER NOT NULL,
  PRIMARY KEY (probe, day, state)
) WITHOUT ROWID;

CREATE TABLE maintenance (
  id INTEGER PRIMARY KEY,
  start_s INTEGER NOT NULL,
  end_s INTEGER NOT NULL,
  announced_s INTEGER NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL
);

CREATE TABLE alert_outbox (
  id TEXT NOT NULL,
  hook TEXT NOT NULL,
  type TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  body TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  delivered_ms INTEGER,
  PRIMARY KEY (id, hook)
);
CREATE INDEX alert_outbox_due ON alert_outbox (state, next_attempt_ms);

-- Readable views for sqlite3 users.
CREATE VIEW probe_result_v AS
SELECT r.id >> 10 AS time_ms,
       strftime('%Y-%m-%dT%H:%M:%fZ', (r.id >> 10) / 1000.0, 'unixepoch') AS time,
       p.name AS probe, o.name AS outcome, r.http_status, e.code AS error_code, r.request_id,
       r.dns_us, r.connect_us, r.tls_us, r.first_byte_us, r.total_us
FROM probe_result r
JOIN probe p ON p.id = r.probe
JOIN outcome o ON o.id = r.outcome
LEFT JOIN error_code e ON e.id = r.error_code;

CREATE VIEW minute_v AS
SELECT strftime('%Y-%m-%dT%H:%M:00Z', m.minute * 60, 'unixepoch') AS minute_utc, m.minute,
       p.name AS probe, s.name AS state, (m.v >> 3) & 1023 AS samples, m.v >> 13 AS failures
FROM minute m
JOIN probe p ON p.id = m.probe
JOIN state s ON s.id = (m.v & 7);
)sql";

// Version 2: one row per alert event, whether or not a hook takes it, so that
// a restart never emits an event twice (alerts dedupe by id).
constexpr std::string_view v2 = R"sql(
CREATE TABLE alert_event (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  body TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX alert_event_created ON alert_event (created_ms);
)sql";

// Version 3: sparse minutes. A minute with no sample is unknown by the
// absence of its row; the stored ones go, and the rollup is rebuilt by the
// next writer (reconcile_config), which the changed fingerprint forces.
constexpr std::string_view v3 = R"sql(
DELETE FROM minute WHERE (v & 7) = 2 AND ((v >> 3) & 1023) = 0;
DELETE FROM day_count;
UPDATE meta SET value = 'migrated-to-v3' WHERE key = 'config_fingerprint';
DELETE FROM meta WHERE key = 'zone';
)sql";

// Version 4: a result is identified by its probe and send time. The id
// becomes time_ms * 1024 + probe id (it was time_ms * 1024 + a free slot),
// so storing a result twice is impossible; results stored twice before
// (a file replayed twice) keep their first copy, and the minutes are then
// re-derived by the next `run` or `replay` (config_fingerprint is reset).
constexpr std::string_view v4_result_identity = R"sql(
CREATE TABLE probe_result_v4 (
  id INTEGER PRIMARY KEY,
  probe INTEGER NOT NULL,
  outcome INTEGER NOT NULL,
  http_status INTEGER,
  error_code INTEGER,
  request_id TEXT,
  dns_us INTEGER,
  connect_us INTEGER,
  tls_us INTEGER,
  first_byte_us INTEGER,
  total_us INTEGER
);
INSERT OR IGNORE INTO probe_result_v4
SELECT ((id >> 10) << 10) + probe, probe, outcome, http_status, error_code, request_id, dns_us,
       connect_us, tls_us, first_byte_us, total_us
FROM probe_result ORDER BY id;
UPDATE meta SET value = 'rederive-after-v4' WHERE key = 'config_fingerprint'
  AND (SELECT count(*) FROM probe_result) <> (SELECT count(*) FROM probe_result_v4);
DROP VIEW probe_result_v;
DROP TABLE probe_result;
ALTER TABLE probe_result_v4 RENAME TO probe_result;
CREATE VIEW probe_result_v AS
SELECT r.id >> 10 AS time_ms,
       strftime('%Y-%m-%dT%H:%M:%fZ', (r.id >> 10) / 1000.0, 'unixepoch') AS time,
       p.name AS probe, o.name AS outcome, r.http_status, e.code AS error_code, r.request_id,
       r.dns_us, r.connect_us, r.tls_us, r.first_byte_us, r.total_us
FROM probe_result r
JOIN probe p ON p.id = r.probe
JOIN outcome o ON o.id = r.outcome
LEFT JOIN error_code e ON e.id = r.error_code;
)sql";

// Version 5: the tamper-evident evidence log (storage/evidence/log.hpp,
// docs/evidence.md). Leaf order is append order, not time order.
constexpr std::string_view v5_evidence = R"sql(
-- Leaves in chunks of up to 256: per leaf the result id (zigzag varint of the
-- difference to the previous leaf's) and the first 4 bytes of its hash.
CREATE TABLE evidence_chunk (first_idx INTEGER PRIMARY KEY, leaves BLOB NOT NULL);
CREATE TABLE evidence_node (idx INTEGER PRIMARY KEY, hash BLOB NOT NULL);
CREATE TABLE evidence_frontier (kind TEXT PRIMARY KEY, nodes BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE evidence_checkpoint (
  id INTEGER PRIMARY KEY,
  tree_size INTEGER NOT NULL,
  root BLOB NOT NULL,
  time_ms INTEGER NOT NULL,
  signature BLOB,
  key_fpr TEXT
);
CREATE INDEX evidence_checkpoint_time ON evidence_checkpoint (time_ms);
CREATE TABLE evidence_key (
  fpr TEXT PRIMARY KEY,
  public_key BLOB NOT NULL,
  first_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE VIEW evidence_checkpoint_v AS
SELECT id, tree_size, lower(hex(root)) AS root, time_ms,
       strftime('%Y-%m-%dT%H:%M:%fZ', time_ms / 1000.0, 'unixepoch') AS time,
       lower(hex(signature)) AS signature, key_fpr
FROM evidence_checkpoint;
)sql";

// Version 6: the outcome of a probe whose egress proxy failed (local, R4).
constexpr std::string_view v6_proxy_error = R"sql(
INSERT OR IGNORE INTO outcome VALUES (10, 'proxy_error');
)sql";

// Version 7: compact rows. probe_result: the five phase columns become one
// BLOB (storage/phase_encoding.hpp: five fixed-width big-endian differences
// between consecutive phases, and a flags byte when a phase is missing) and
// the probe column goes: it is id & 1023. minute: the (probe, minute) key of
// a WITHOUT ROWID table becomes the rowid probe * 2^32 + minute
// (layout::minute_key), with probe and minute as virtual columns that cost
// nothing on disk. About an eighth and a sixth of the tables' bytes
// (docs/schema.md, "Size"). slawatch_phases() is registered by migrate();
// the leaves the evidence log recomputes from a row are the same bytes as
// before. probe_result_v decodes the blob with substr/instr only, so that it
// works in the stock sqlite3 shell: s.b holds the bytes 0..255, so a byte's
// value is its position in b less one; w = length / 5 is the field width, m
// the flags (all phases reached and differences when there is none).
constexpr std::string_view v7_compact_results = R"sql(
CREATE TABLE probe_result_v7 (
  id INTEGER PRIMARY KEY,
  outcome INTEGER NOT NULL,
  http_status INTEGER,
  error_code INTEGER,
  request_id TEXT,
  phases BLOB
);
INSERT INTO probe_result_v7
SELECT id, outcome, http_status, error_code, request_id,
       slawatch_phases(dns_us, connect_us, tls_us, first_byte_us, total_us)
FROM probe_result ORDER BY id;
DROP VIEW probe_result_v;
DROP TABLE probe_result;
ALTER TABLE probe_result_v7 RENAME TO probe_result;

CREATE TABLE minute_v7 (
  id INTEGER PRIMARY KEY,
  v INTEGER NOT NULL,
  probe INTEGER GENERATED ALWAYS AS ((id + 2147483648) >> 32) VIRTUAL,
  minute INTEGER GENERATED ALWAYS AS (id - (((id + 2147483648) >> 32) << 32)) VIRTUAL
);
INSERT INTO minute_v7 (id, v) SELECT (probe << 32) + minute, v FROM minute ORDER BY 1;
DROP VIEW minute_v;
DROP TABLE minute;
ALTER TABLE minute_v7 RENAME TO minute;
CREATE VIEW minute_v AS
SELECT strftime('%Y-%m-%dT%H:%M:00Z', m.minute * 60, 'unixepoch') AS minute_utc, m.minute,
       p.name AS probe, s.name AS state, (m.v >> 3) & 1023 AS samples, m.v >> 13 AS failures
FROM minute m
JOIN probe p ON p.id = m.probe
JOIN state s ON s.id = (m.v & 7);
)sql";

// probe_result_v as version 7 creates it. SQLite has no function to read a
// byte of a blob, so the view finds each byte in `b`, a blob of the bytes
// 0..255, where byte x stands at position x + 1; field k of the w-byte
// fields is bytes k * w + 1 ... (k + 1) * w, big-endian.
std::string phases_view_sql() {
    std::string fields;
    for (int k = 0; k < 5; ++k) {
        fields += k ? ",\n         CASE w" : "         CASE w";
        for (int w = 1; w <= 4; ++w) {
            fields += fmt::format(" WHEN {} THEN ", w);
            for (int i = 0; i < w; ++i) {
                fields += fmt::format("{}((instr(b, substr(f, {}, 1)) - 1) << {})", i ? " + " : "",
                                      k * w + i + 1, 8 * (w - 1 - i));
            }
        }
        fields += fmt::format(" ELSE 0 END AS d{}", k);
    }
    std::string bytes;
    for (int x = 0; x < 256; ++x) bytes += fmt::format("{:02X}", x);
    return fmt::format(R"sql(CREATE VIEW probe_result_v AS
SELECT time_ms, strftime('%Y-%m-%dT%H:%M:%fZ', time_ms / 1000.0, 'unixepoch') AS time,
       p.name AS probe, o.name AS outcome, http_status, e.code AS error_code, request_id,
       CASE WHEN m & 1 THEN d0 END AS dns_us,
       CASE WHEN m & 2 THEN d1 + rel * d0 END AS connect_us,
       CASE WHEN m & 4 THEN d2 + rel * (d0 + d1) END AS tls_us,
       CASE WHEN m & 8 THEN d3 + rel * (d0 + d1 + d2) END AS first_byte_us,
       CASE WHEN m & 16 THEN d4 + rel * (d0 + d1 + d2 + d3) END AS total_us
FROM (
  SELECT *,
{fields}
  FROM (
    SELECT *, 1 - (m >> 7) AS rel
    FROM (
      SELECT r.id >> 10 AS time_ms, r.id & 1023 AS probe_id, r.outcome AS outcome_id,
             r.http_status, r.error_code AS error_code_id, r.request_id, r.phases AS f, s.b,
             length(r.phases) / 5 AS w,
             CASE length(r.phases) % 5 WHEN 0 THEN 31
               WHEN 1 THEN instr(s.b, substr(r.phases, -1, 1)) - 1 ELSE 0 END AS m
      FROM probe_result r,
           (SELECT X'{bytes}' AS b) s)))
JOIN probe p ON p.id = probe_id
JOIN outcome o ON o.id = outcome_id
LEFT JOIN error_code e ON e.id = error_code_id;
)sql",
                       fmt::arg("fields", fields), fmt::arg("bytes", bytes));
}

// Version 8 (compaction): successful results older than their Service
// Month's claim deadline are folded into per-minute counts; the evidence
// tree keeps the hashes of the subtrees of folded leaves ("holes") and one
// fold leaf per folded row (docs/evidence.md).
constexpr std::string_view v8_compaction = R"sql(
-- Folded successful results: per probe and range of minutes, the run-length
-- counts (fold_counts.hpp). Its fold leaf is the chunk leaf with id -id.
CREATE TABLE folded (
  id INTEGER PRIMARY KEY,
  probe INTEGER NOT NULL,
  first_minute INTEGER NOT NULL,
  minutes INTEGER NOT NULL,
  counts BLOB NOT NULL
);
CREATE INDEX folded_minute ON folded (first_minute);
-- Maximal perfect subtrees (at most 1024 leaves) of folded leaves: leaves
-- [idx, idx + 2^level), their hash, and the newest send time among them.
CREATE TABLE evidence_hole (
  idx INTEGER PRIMARY KEY,
  level INTEGER NOT NULL,
  hash BLOB NOT NULL,
  max_ms INTEGER NOT NULL
);
-- Per probe: its successful results sent before until_minute are folded.
CREATE TABLE compact_mark (probe INTEGER PRIMARY KEY, until_minute INTEGER NOT NULL);
-- The folded counts, a row per minute with a count (runs are 4 bytes: the
-- run's length in minutes and the count, 16-bit big-endian each).
CREATE VIEW folded_minute_v AS
WITH RECURSIVE
  runs(fold, probe, x, r, start, len, cnt) AS (
    SELECT id, probe, hex(counts), 0, first_minute,
           (instr('0123456789ABCDEF', substr(hex(counts), 1, 1)) - 1) * 4096 +
           (instr('0123456789ABCDEF', substr(hex(counts), 2, 1)) - 1) * 256 +
           (instr('0123456789ABCDEF', substr(hex(counts), 3, 1)) - 1) * 16 +
           (instr('0123456789ABCDEF', substr(hex(counts), 4, 1)) - 1),
           (instr('0123456789ABCDEF', substr(hex(counts), 5, 1)) - 1) * 4096 +
           (instr('0123456789ABCDEF', substr(hex(counts), 6, 1)) - 1) * 256 +
           (instr('0123456789ABCDEF', substr(hex(counts), 7, 1)) - 1) * 16 +
           (instr('0123456789ABCDEF', substr(hex(counts), 8, 1)) - 1)
    FROM folded WHERE length(counts) >= 4
    UNION ALL
    SELECT fold, probe, x, r + 1, start + len,
           (instr('0123456789ABCDEF', substr(x, 8 * r + 9, 1)) - 1) * 4096 +
           (instr('0123456789ABCDEF', substr(x, 8 * r + 10, 1)) - 1) * 256 +
           (instr('0123456789ABCDEF', substr(x, 8 * r + 11, 1)) - 1) * 16 +
           (instr('0123456789ABCDEF', substr(x, 8 * r + 12, 1)) - 1),
           (instr('0123456789ABCDEF', substr(x, 8 * r + 13, 1)) - 1) * 4096 +
           (instr('0123456789ABCDEF', substr(x, 8 * r + 14, 1)) - 1) * 256 +
           (instr('0123456789ABCDEF', substr(x, 8 * r + 15, 1)) - 1) * 16 +
           (instr('0123456789ABCDEF', substr(x, 8 * r + 16, 1)) - 1)
    FROM runs WHERE 8 * (r + 1) < length(x)
  ),
  mins(fold, probe, minute, left, cnt) AS (
    SELECT fold, probe, start, len - 1, cnt FROM runs WHERE cnt > 0
    UNION ALL
    SELECT fold, probe, minute + 1, left - 1, cnt FROM mins WHERE left > 0
  )
SELECT strftime('%Y-%m-%dT%H:%M:00Z', m.minute * 60, 'unixepoch') AS minute_utc, m.minute,
       p.name AS probe, m.cnt AS ok_folded, m.fold
FROM mins m JOIN probe p ON p.id = m.probe;
)sql";

// Each evidence log has an identity (meta.log_id, 128 random bits), and a
// checkpoint recorded from now on binds it into its signed bytes (message v2).
// NULL in the checkpoints recorded before: they keep their v1 bytes.
constexpr std::string_view v9_log_identity = R"sql(
ALTER TABLE evidence_checkpoint ADD COLUMN log_id TEXT;
)sql";

// Checkpoints become C2SP signed notes (origin set; NULL in the v1/v2
// checkpoints before, which keep their bytes), with the RFC 3161 time-stamp
// tokens of each, and the cosignatures this host made of its peers'
// checkpoints as their witness.
constexpr std::string_view v10_transparency = R"sql(
ALTER TABLE evidence_checkpoint ADD COLUMN origin TEXT;
DROP VIEW evidence_checkpoint_v;
CREATE VIEW evidence_checkpoint_v AS
SELECT id, tree_size, lower(hex(root)) AS root, time_ms,
       strftime('%Y-%m-%dT%H:%M:%fZ', time_ms / 1000.0, 'unixepoch') AS time,
       lower(hex(signature)) AS signature, key_fpr, log_id, origin
FROM evidence_checkpoint;
CREATE TABLE evidence_timestamp (
  checkpoint INTEGER NOT NULL,
  tsa TEXT NOT NULL,
  token BLOB NOT NULL,
  gen_time_ms INTEGER NOT NULL,
  PRIMARY KEY (checkpoint, tsa)
) WITHOUT ROWID;
CREATE TABLE evidence_cosignature (
  peer TEXT NOT NULL,
  origin TEXT NOT NULL,
  tree_size INTEGER NOT NULL,
  root BLOB NOT NULL,
  time_s INTEGER NOT NULL,
  signature BLOB NOT NULL,
  PRIMARY KEY (origin, tree_size)
) WITHOUT ROWID;
)sql";

// The SQL that brings version i to i + 1, built once.
const std::array<std::string, current_version>& migrations() {
    static const std::array<std::string, current_version> all{
        std::string(v1),
        std::string(v2),
        std::string(v3),
        std::string(v4_result_identity),
        std::string(v5_evidence),
        std::string(v6_proxy_error),
        std::string(v7_compact_results) + phases_view_sql(),
        std::string(v8_compaction),
        std::string(v9_log_identity),
        std::string(v10_transparency)};
    return all;
}

void refuse_newer(sqlite::Database& db, std::int64_t version) {
    if (version > current_version) {
        throw RefusedDatabase(
            fmt::format("database {} has schema version {}, newer than this slawatch knows ({}); "
                        "use a newer slawatch",
                        db.name(), version, current_version));
    }
    if (version < 0) {
        throw RefusedDatabase(
            fmt::format("database {} refused: its schema version {} is not one slawatch writes",
                        db.name(), version));
    }
}

}  // namespace

void check_version(sqlite::Database& db) {
    refuse_newer(db, db.query_int("PRAGMA user_version"));
}

void migrate(sqlite::Database& db) {
    if (db.query_int("PRAGMA user_version") == current_version) return;
    sqlite::Transaction tx(db);
    // Read again under the write lock: another process may have migrated.
    const auto version = db.query_int("PRAGMA user_version");
    refuse_newer(db, version);
    // The v7 rewrite encodes the old phase columns in C++.
    if (version < current_version) phase_encoding::register_sql_function(db);
    for (auto v = version; v < current_version; ++v) db.exec(migrations()[v]);
    db.exec(fmt::format("PRAGMA user_version = {}", current_version));
    tx.commit();
}

void build_version(sqlite::Database& db, int version) {
    sqlite::Transaction tx(db);
    phase_encoding::register_sql_function(db);
    for (int v = 0; v < version && v < current_version; ++v) db.exec(migrations()[v]);
    db.exec(fmt::format("PRAGMA user_version = {}", version));
    tx.commit();
}

}  // namespace slawatch::storage::schema
