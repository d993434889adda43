#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the dependencies, builds slawatch and runs the whole test suite.
#   SLAWATCH_SANITIZE=1  build and test under AddressSanitizer + UBSan (build-asan/)
#   BUILD_DIR=DIR        build somewhere else
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

build=${BUILD_DIR:-build}
# Warnings are errors here and in CI; a user's plain build only warns. The
# suite runs on the Release (-O3) build a packager makes, so that build is
# the one proven free of warnings; it also compiles faster than -O2 -g.
flags=(-DSLAWATCH_WERROR=ON -DCMAKE_BUILD_TYPE=Release)
if [ "${SLAWATCH_SANITIZE:-0}" = 1 ]; then
  build=${BUILD_DIR:-build-asan}
  flags+=(-DSLAWATCH_SANITIZE=ON -DSLAWATCH_BENCH=OFF -DCMAKE_BUILD_TYPE=Debug)
fi

cmake -S . -B "$build" -G Ninja "${flags[@]}"
cmake --build "$build" -j"$(nproc)"
# Twice as many jobs as cores: the longest tests mostly sleep until minute
# boundaries, and ctest starts them first (COST), so the rest run beside them.
ctest --test-dir "$build" --output-on-failure -j"$(( $(nproc) * 2 ))" --timeout 300
# The reliability suite's figures (kills survived, worst RSS and overrun, ...).
bash scripts/reliability-figures.sh "$build"
