#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The kill -9 suite, as long as you like: SIGKILL at random moments of the live
# daemon probing tcmpp-sim (tests/test_kill9.cpp) and of `slawatch replay`
# (tests/test_replay_ingest.cpp). After every kill: PRAGMA integrity_check ok,
# no finalized minute lost or rewritten, unseen minutes unknown, replay
# all-or-nothing, and `slawatch verify` at the end. CI runs the same tests
# through ctest with 20 live and 10 replay kills. Prints `reliability:` figures.
#
#   scripts/kill-test.sh [--kills N] [--replay-kills N] [BUILD_DIR]
#     default: 100 live kills, 100 replay kills, build dir `build`
set -euo pipefail

kills=100
replay_kills=100
build=build
while [[ $# -gt 0 ]]; do
  case "$1" in
    --kills) kills="$2"; shift 2 ;;
    --kills=*) kills="${1#--kills=}"; shift ;;
    --replay-kills) replay_kills="$2"; shift 2 ;;
    --replay-kills=*) replay_kills="${1#--replay-kills=}"; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) build="$1"; shift ;;
  esac
done

for t in test_kill9 test_replay_ingest; do
  if [[ ! -x "$build/tests/$t" ]]; then
    echo "kill-test: $build/tests/$t not found; build first (cmake --build $build)" >&2
    exit 2
  fi
done
status=0
SLAWATCH_KILLS="$kills" "$build/tests/test_kill9" "[kill9]" || status=1
SLAWATCH_REPLAY_KILLS="$replay_kills" "$build/tests/test_replay_ingest" \
  "durability: replays killed at random moments*" || status=1
exit $status
