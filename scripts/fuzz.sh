#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the libFuzzer targets (fuzz/) with clang++ in build-fuzz and runs each
# one for a bounded time over its committed seed corpus (fuzz/corpus/<target>/,
# which also holds every input that once crashed: replayed first, every run).
# Prints executions and crashes per target; exits 1 if any target crashed.
#
#   scripts/fuzz.sh [--seconds N | --minutes N] [--jobs N] [--no-build] [TARGET...]
#     default: 20 s per target (CI runs 10 s); --minutes 10 for a campaign;
#     --no-build runs the targets already built
#   Crash inputs land in build-fuzz/artifacts/<target>/; new coverage in build-fuzz/corpus/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=20
jobs=$(nproc)
build_first=1
targets=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --minutes) seconds=$(( $2 * 60 )); shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --no-build) build_first=0; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[[ ${#targets[@]} -gt 0 ]] || targets=(config replay_csv http_response api_answer fault_plan metrics_request)

build=build-fuzz
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
if [[ $build_first -eq 1 ]]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
    -DSLAWATCH_FUZZ=ON -DSLAWATCH_TESTS=OFF -DSLAWATCH_BENCH=OFF "${launcher[@]}" >/dev/null
  cmake --build "$build" -j"$jobs" --target "${targets[@]/#/fuzz_}"
fi

failed=0
for t in "${targets[@]}"; do
  work="$build/corpus/$t"
  artifacts="$build/artifacts/$t"
  mkdir -p "$work" "$artifacts"
  log="$build/fuzz_$t.log"
  before=$(find "$artifacts" -type f | wc -l)
  set +e
  # Scratch corpus first (libFuzzer writes new inputs there), committed seeds second (read only).
  "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -rss_limit_mb=512 -timeout=5 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$work" "fuzz/corpus/$t" >"$log" 2>&1
  rc=$?
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  per_s=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  crashes=$(( $(find "$artifacts" -type f | wc -l) - before ))
  if [[ $rc -ne 0 ]]; then
    failed=1
    [[ $crashes -gt 0 ]] || crashes=1
    echo "fuzz: $t: FAILED (exit $rc), last lines of $log:" >&2
    tail -30 "$log" >&2
  fi
  echo "fuzz: $t: ${runs:-0} executions in ${seconds}s (${per_s:-0}/s), coverage ${cov:-0}, crashes $crashes"
done
exit $failed
