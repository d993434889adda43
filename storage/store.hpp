// SPDX-License-Identifier: Apache-2.0
#pragma once
// The evidence store: raw probe results in, derived minute rows and Service
// Month figures out (docs/architecture.md, "Storage rules").
//
// Store is the whole of one open database, as Store::open returns it. Code
// that needs only a part of it takes the narrow interface of that use:
// ResultStore (appending results, the evidence log), MinuteDeriver (deriving
// minutes and what changes them), ReportSource (reading for reports),
// OutboxStore (the alert outbox, outbox()) and StoreMeta (what the database says about
// itself).

#include "config/config.hpp"
#include "storage/minute_deriver.hpp"
#include "storage/outbox_store.hpp"
#include "storage/report_source.hpp"
#include "storage/result_store.hpp"
#include "storage/store_error.hpp"
#include "storage/store_meta.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>

namespace slawatch::storage {

enum class OpenMode {
    read_only,   // a missing database is an error (MissingDatabase); never created
    read_write,  // creates the file and migrates the schema
    // A shipped copy no process writes (`slawatch quorum`): read without locks,
    // and no -wal, -shm or journal file is created beside it (SQLite
    // immutable=1), so a copy on a read-only mount can be read. A -wal beside
    // it (a live database) is refused: its last transactions would be missed.
    immutable_copy,
};

struct OpenOptions {
    // A locked database waits this long, then fails with a StoreError.
    std::chrono::milliseconds busy_timeout{5000};
    // Benchmarks only: false appends results without evidence leaves (what
    // hashing costs). `verify` reports such results as inserted.
    bool evidence_leaves = true;
};

// The evidence store: what the daemon writes and every command reads. Its
// figures come from the stored minute rows it derived itself (the daemon's
// own view); commands that print figures for people use verified_figures().
class Store : public ResultStore, public MinuteDeriver, public ReportSource, public StoreMeta {
public:
    ~Store() override = default;

    // `config` is copied; set_config replaces it (the daemon's SIGHUP).
    static std::unique_ptr<Store> open(const config::Config& config,
                                       const std::filesystem::path& db_path, OpenMode mode);
    static std::unique_ptr<Store> open(const config::Config& config,
                                       const std::filesystem::path& db_path, OpenMode mode,
                                       const OpenOptions& options);
    virtual void set_config(const config::Config& config) = 0;

    // The alert outbox on this store's connection (alerts/outbox.hpp).
    virtual OutboxStore& outbox() = 0;

    // Runs `work` in one write transaction (BEGIN IMMEDIATE): what it writes
    // through this store (its outbox included) commits together, or not at
    // all when `work` throws (the exception goes on). The daemon finalizes a
    // minute and stores its alert events this way.
    virtual void transaction(const std::function<void()>& work) = 0;

    // A locked database waits this long before a call fails (OpenOptions::busy_timeout).
    virtual void set_busy_timeout(std::chrono::milliseconds timeout) = 0;
    // storage.synchronous on the open connection (a reloaded config).
    virtual void set_synchronous(config::Synchronous synchronous) = 0;
};

}  // namespace slawatch::storage
