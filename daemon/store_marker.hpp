// SPDX-License-Identifier: Apache-2.0
#pragma once
// The database marker: "<database>.identity" beside the database, in the
// state directory, written by `slawatch run` when it first creates or opens
// its database. A later start that finds the marker but not the database
// would otherwise create an empty one and carry on as if the evidence had
// never existed; with the marker it refuses and says what was there.
// Plain text, key = value lines, mode 0600; no secrets (docs/operations.md,
// "The database marker").

#include "daemon/store_watch.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace slawatch::daemon {

struct StoreMarker {
    std::string database;  // the database's path when the marker was written
    std::string vantage;   // the vantage point that wrote it
    std::string event;     // "created" (by this daemon) or "first_opened" (created before)
    std::string at;        // when, UTC ("2026-06-01T00:00:00Z")
    std::string device;    // st_dev of the database file
    std::string inode;     // st_ino of the database file
};

std::filesystem::path marker_path(const std::filesystem::path& db);

// The marker of `db`, nullopt when there is none; std::runtime_error when it
// exists but cannot be read. Unknown lines are ignored.
std::optional<StoreMarker> read_marker(const std::filesystem::path& db);

// Writes the marker (to a temporary file, then renamed), mode 0600;
// std::runtime_error when it cannot.
void write_marker(const std::filesystem::path& db, const StoreMarker& marker);

// The marker for the database file `identity` now.
StoreMarker make_marker(const std::filesystem::path& db, const std::string& vantage, bool created,
                        FileIdentity identity);

// Whether the marker names the file `identity`.
bool same_file(const StoreMarker& marker, FileIdentity identity);

// "created 2026-06-01T00:00:00Z by vantage point x (device 2049 inode 12)".
std::string describe(const StoreMarker& marker);

}  // namespace slawatch::daemon
