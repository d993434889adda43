// SPDX-License-Identifier: Apache-2.0
// slawatch: the one binary. The command line lives in the slawatch_cli
// library (cli/app.hpp), one folder per family of subcommands.

#include "cli/app.hpp"

int main(int argc, char** argv) {
    return slawatch::cli::run(argc, argv);
}
