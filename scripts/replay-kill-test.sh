#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Kills `slawatch replay` with SIGKILL at random moments, more often than CI
# does (6), and checks every time that the database is intact and holds
# either nothing or everything, minutes included.
#
#   scripts/replay-kill-test.sh [--kills N] [BUILD_DIR]   (default: 50 kills, build)
set -euo pipefail

kills=50
build=build
while [[ $# -gt 0 ]]; do
  case "$1" in
    --kills) kills="$2"; shift 2 ;;
    --kills=*) kills="${1#--kills=}"; shift ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) build="$1"; shift ;;
  esac
done

test_bin="$build/tests/test_replay_ingest"
if [[ ! -x "$test_bin" ]]; then
  echo "replay-kill-test: $test_bin not found; build first (cmake --build $build)" >&2
  exit 2
fi
SLAWATCH_REPLAY_KILLS="$kills" exec "$test_bin" \
  "durability: replays killed at random moments*"
