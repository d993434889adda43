// SPDX-License-Identifier: Apache-2.0
#pragma once
// The `slawatch` command line as a function: main() only calls run(), so
// that the binary and the tests share one dispatch and one mapping from
// failures to exit codes (docs/interface.md).

namespace slawatch::cli {

// Parses argv, runs the one subcommand named there and returns the process's
// exit code: 0 ok, 1 runtime failure, 2 bad usage, config or input. Every
// failure is printed to stderr here, once: CommandError with its own message,
// storage::StoreError as "slawatch: WHAT" with cli::store_exit_code.
int run(int argc, char** argv);

}  // namespace slawatch::cli
