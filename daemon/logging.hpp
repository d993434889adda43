// SPDX-License-Identifier: Apache-2.0
#pragma once
// The daemon's log: spdlog to stderr, one line per state change, never per
// probe run, never a secret.

#include <string_view>

namespace slawatch::daemon {

enum class LogFormat {
    journal,  // "<6>message": journald adds the timestamp and reads the priority prefix
    plain,    // "2026-06-01 12:00:00.123 info message"
};

// nullopt-free parse: false for anything but "journal" and "plain".
bool parse_log_format(std::string_view text, LogFormat& out);

// Makes the default spdlog logger write to stderr in `format`.
void setup_logging(LogFormat format);

}  // namespace slawatch::daemon
