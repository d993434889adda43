#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the dependencies, builds slawatch and runs the whole test suite.
#   SLAWATCH_SANITIZE=1  build and test under AddressSanitizer + UBSan (build-asan/)
#   BUILD_DIR=DIR        build somewhere else
#   --build-only         install and build, run no test
#   --test-only          run the suite on a build made before (no install, no build)
set -euo pipefail
cd "$(dirname "$0")/.."

steps=all
case "${1:-}" in
  --build-only) steps=build ;;
  --test-only) steps=test ;;
  "") ;;
  -h|--help) sed -n '3,7p' "$0"; exit 0 ;;
  *) echo "test.sh: unknown option '$1' (--build-only, --test-only)" >&2; exit 2 ;;
esac

build=${BUILD_DIR:-build}
# Warnings are errors here and in CI; a user's plain build only warns. The
# suite runs on the Release (-O3) build a packager makes, so that build is
# the one proven free of warnings; it also compiles faster than -O2 -g.
flags=(-DSLAWATCH_WERROR=ON -DCMAKE_BUILD_TYPE=Release)
if [ "${SLAWATCH_SANITIZE:-0}" = 1 ]; then
  build=${BUILD_DIR:-build-asan}
  # -g1: line tables for the sanitizers' stack traces, without full debug
  # information, which costs compile time and is not read here.
  flags+=(-DSLAWATCH_SANITIZE=ON -DSLAWATCH_BENCH=OFF -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1)
fi

if [ "$steps" != test ]; then
  bash scripts/install-deps.sh
  cmake -S . -B "$build" -G Ninja "${flags[@]}"
  cmake --build "$build" -j"$(nproc)"
fi
if [ "$steps" != build ]; then
  # Twice as many jobs as cores: the longest tests mostly sleep until minute
  # boundaries, and ctest starts them first (COST), so the rest run beside them.
  ctest --test-dir "$build" --output-on-failure -j"$(( $(nproc) * 2 ))" --timeout 300
  # The reliability suite's figures (kills survived, worst RSS and overrun, ...).
  bash scripts/reliability-figures.sh "$build"
fi
