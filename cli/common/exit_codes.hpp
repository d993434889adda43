// SPDX-License-Identifier: Apache-2.0
#pragma once
// Exit codes of every command (docs/interface.md): 0 ok, 1 runtime failure, 2 bad
// usage/config/input.

#include <stdexcept>
#include <string>

namespace slawatch::cli {

enum ExitCode : int { exit_ok = 0, exit_failure = 1, exit_usage = 2 };

// Thrown by a command to end with `code` after printing `what()` to stderr
// (nothing is printed when the message is empty).
struct CommandError : std::runtime_error {
    CommandError(int code, const std::string& message) : std::runtime_error(message), code(code) {}
    int code;
};

}  // namespace slawatch::cli
