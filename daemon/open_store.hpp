// SPDX-License-Identifier: Apache-2.0
#pragma once
// Opening the daemon's database at startup: refuses to create a new one
// where the marker says one was (store_marker.hpp), and starts watching the
// open file (store_watch.hpp).

#include "daemon/daemon.hpp"
#include "daemon/store_watch.hpp"
#include "storage/store.hpp"

#include <chrono>
#include <memory>

namespace slawatch::daemon {

// The daemon's SQLite busy timeout: a lock held by another process fails a
// write quickly and the writer's buffer holds the results meanwhile.
inline constexpr std::chrono::milliseconds daemon_busy_timeout{250};

// The open database and the watch on its file. Members go in reverse order:
// the Store closes before the watch's descriptor does.
struct OpenedStore {
    std::unique_ptr<StoreWatch> watch;
    std::unique_ptr<storage::Store> store;
};

// Throws StartError (2 when storage.path is not a slawatch database or the
// marker's database is missing, 1 otherwise).
OpenedStore open_store(const config::Config& config, const Options& options);

}  // namespace slawatch::daemon
