#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The build a packager or user makes: CMAKE_BUILD_TYPE=Release (-O3), here
# with warnings as errors, in its own tree. Builds what gets installed and the
# test tool, without the tests and benchmarks (scripts/test.sh builds those
# with the same Release flags and -Werror, in build/, and runs them).
#   BUILD_DIR=DIR   build somewhere else (default: build-release)
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
build=${BUILD_DIR:-build-release}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSLAWATCH_WERROR=ON \
  -DSLAWATCH_TESTS=OFF -DSLAWATCH_BENCH=OFF
cmake --build "$build" -j"$(nproc)"
"$build"/cli/slawatch --version
