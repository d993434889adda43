#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Prints the reliability figures ("reliability: ..." lines: hostile servers'
# worst RSS and overrun, /metrics flood scrapes answered) that the last ctest
# run in BUILD_DIR logged, so that CI shows them even when every test passed.
# Reads build/Testing/Temporary/LastTest.log; runs nothing, takes under a second.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
log="$build/Testing/Temporary/LastTest.log"
if [ ! -f "$log" ]; then
  echo "reliability-figures: no $log (run the tests first)" >&2
  exit 1
fi
echo "== reliability figures ($build)"
grep -a '^reliability:' "$log" || echo "reliability-figures: none logged (the reliability tests did not run)"
