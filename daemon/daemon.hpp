// SPDX-License-Identifier: Apache-2.0
#pragma once
// `slawatch run`: wires the probe loop (probes on one io_context thread,
// probe_loop.hpp) and the storage pipeline (every SQLite call on a storage
// thread of its own, storage_pipeline.hpp), which share only SharedState.

#include "config/config.hpp"

#include <filesystem>
#include <stdexcept>
#include <string>

namespace slawatch::daemon {

struct Options {
    std::filesystem::path db_path;  // the database (the config's storage.path or --db)
    std::string version = "0";
    // Start even though the database marker names a database that is gone
    // (a new, empty one is created and the marker rewritten).
    bool new_database = false;
};

// A failure to start, with the exit code it stands for (1 runtime, 2 config).
struct StartError : std::runtime_error {
    StartError(int code, const std::string& message) : std::runtime_error(message), code(code) {}
    int code;
};

// Runs the daemon until SIGTERM or SIGINT; returns the exit code (0 after a
// clean stop). Throws StartError when it cannot start.
int run(config::Config config, const Options& options);

}  // namespace slawatch::daemon
