// SPDX-License-Identifier: Apache-2.0
#pragma once
// The typed, validated configuration (man slawatch.toml, docs/configuration.md).

#include "sla/attribution.hpp"
#include "sla/classifier.hpp"
#include "sla/contract.hpp"
#include "sla/maintenance.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace slawatch::config {

// Where a value came from, for error messages: "file:line:col".
struct Location {
    std::string file;
    int line = 0;
    int column = 0;
};

struct Contract {
    std::string name;
    std::string user_id;   // R11
    std::string order_id;  // R11
    sla::ContractTerms terms;
};

struct Monitor {
    int probes_per_minute = 6;
    int min_samples = 3;
    sla::Policy policy = sla::Policy::any;
};

enum class Synchronous { normal, full };

struct Storage {
    std::filesystem::path path;  // absolute; relative paths resolved against the config file
    Synchronous synchronous = Synchronous::normal;
    int retention_days = 400;  // raw probe results; minutes are kept forever
    // Fold successful results into per-minute counts once their Service
    // Month's claim deadline plus compact_margin_days has passed.
    bool compact = true;
    int compact_margin_days = 7;
};

// [[evidence.tsa]]: an RFC 3161 Time Stamping Authority that stamps every
// checkpoint note (docs/evidence.md, "Time-stamps").
struct Tsa {
    std::string url;                   // http:// or https://, where TimeStampReqs are POSTed
    std::string ca_file;               // PEM bundle the TSA's certificate must chain to
    std::optional<std::string> proxy;  // as Probe::proxy
    Location where;
};

// [evidence]: the tamper-evident evidence log (docs/evidence.md).
struct Evidence {
    // PEM Ed25519 private key; empty: the systemd credential
    // evidence_signing_key if present, else checkpoints are unsigned.
    std::string signing_key_file;
    int checkpoint_interval_minutes = 60;  // 1..60; also one at each local day's end
    std::vector<Tsa> tsa;                  // none: checkpoints are not time-stamped
};

// [[vantage.witness]]: a peer whose checkpoints this host checks and cosigns
// (docs/vantage.md, "Witnesses"): from a shipped copy of its database or from
// its read-only /checkpoint endpoint, every `interval`.
struct Witness {
    std::string peer;      // a vantage name pinned in [vantage.peers]
    std::string database;  // absolute path of the copy, or empty
    std::string url;       // http(s)://host:port/checkpoint, or empty
    std::chrono::milliseconds interval{300'000};
    Location where;
};

// [vantage]: which vantage point this host is. Every host runs its own daemon
// and evidence database; `slawatch quorum` combines several by these names.
struct Vantage {
    std::string name;  // default: the host name; [A-Za-z0-9._-], 1..64 characters
    // `slawatch quorum` accepts only databases of these vantage points; empty: any.
    std::vector<std::string> peers;
    // Pinned signing keys ([vantage.peers] name = "KEY"): the key's SHA-256
    // fingerprint as `slawatch verify` prints it (64 hex digits), or its PEM
    // public key. A database of a pinned peer must be signed with that key.
    std::map<std::string, std::string> peer_keys;
    // The peers this host witnesses; empty: none.
    std::vector<Witness> witnesses;
};

struct Metrics {
    bool enabled = true;
    std::string listen = "127.0.0.1:9817";
};

enum class ProbeRole { service, control };
enum class ProbeKind { http, tencentcloud, download };

struct HttpOptions {
    std::string url;
    std::string method = "GET";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::vector<int> expect_status{200};
    std::string body_contains;  // empty: no check
    std::string ca_file;        // empty: the system CAs
    bool insecure = false;      // tests only: no certificate verification
};

struct TencentCloudOptions {
    std::string endpoint;  // "https://tcmpp.tencentcloudapi.com"
    std::string service;   // default: first label of the endpoint's host
    std::string action;
    std::string version;
    std::string region;
    std::string payload = "{}";  // JSON text, sent as is
    std::string secret_id_file;
    std::string secret_key_file;
    std::string token_file;  // optional X-TC-Token for temporary credentials
    std::string ca_file;
    bool insecure = false;
    // download kind only
    std::string url_field = "Data.Data";
    std::string range = "bytes=0-1023";
};

struct Probe {
    std::string name;  // unique, [a-z0-9_]+
    ProbeRole role = ProbeRole::service;
    ProbeKind kind = ProbeKind::http;
    std::chrono::milliseconds timeout{8000};
    HttpOptions http;        // kind == http
    TencentCloudOptions tc;  // kind == tencentcloud | download
    // HTTP CONNECT proxy: nullopt = the environment (https_proxy, ...), "" = none.
    std::optional<std::string> proxy;
    Location where;
};

// [[alert]]: a hook that is told about alert events (docs/alerts.md).
enum class AlertKind { exec, webhook, alertmanager };

struct Alert {
    std::string name;  // unique, [a-z0-9_]+
    AlertKind kind = AlertKind::exec;
    std::vector<std::string> events;   // event types it takes; empty = all
    std::vector<std::string> command;  // exec: argv, run without a shell
    std::string url;                   // webhook, alertmanager: http:// or https://
    std::string secret_file;           // webhook: HMAC-SHA256 key, optional
    std::string ca_file;               // webhook, alertmanager: trust only these CAs
    std::optional<std::string> proxy;  // webhook, alertmanager: as Probe::proxy
    // alertmanager: extra labels on every alert, and how often open alerts are re-sent.
    std::vector<std::pair<std::string, std::string>> labels;
    std::chrono::milliseconds resend_interval{60000};
    std::chrono::milliseconds timeout{10000};
    int max_attempts = 0;                             // 0: retry until delivered
    std::chrono::milliseconds backoff{5000};          // first retry; doubles per failure
    std::chrono::milliseconds max_backoff{600000};    // cap
    std::vector<int> budget_thresholds{50, 75, 100};  // percent of the error budget
    std::vector<int> reminder_days{7, 1};             // days before a claim deadline
    std::int64_t unknown_threshold_minutes = 60;      // unknown minutes in a month
    Location where;

    bool takes(std::string_view event_type) const;
};

struct Config {
    std::filesystem::path file;  // the config file itself
    Contract contract;
    Monitor monitor;
    Storage storage;
    Metrics metrics;
    Evidence evidence;
    Vantage vantage;
    std::vector<Probe> probes;
    std::vector<sla::MaintenanceWindow> maintenance;
    std::vector<Alert> alerts;
    // [attribution]: API error codes moved to the other class (R4); the moves to
    // customer first, then those to provider, each sorted by code.
    std::vector<sla::CodeOverride> attribution;

    const Probe* find_probe(std::string_view name) const;
};

// The vantage name a host gets when [vantage] name is not set: its host name
// (cut at the first dot), or "localhost" when it has none that is valid.
std::string default_vantage_name();
// True when `name` is a valid [vantage] name.
bool valid_vantage_name(std::string_view name);
// True when `key` can pin a peer's signing key: 64 hex digits or a PEM public key.
bool valid_pinned_key(std::string_view key);

std::string_view to_string(ProbeKind k);
std::string_view to_string(ProbeRole r);
std::string_view to_string(AlertKind k);

// A config, or every problem found in it, one "file:line:col: message" each.
struct LoadResult {
    std::optional<Config> config;
    std::vector<std::string> errors;

    explicit operator bool() const { return config.has_value(); }
};

LoadResult load(const std::filesystem::path& file);
LoadResult parse(std::string_view toml_text, const std::filesystem::path& file_for_messages);

}  // namespace slawatch::config
