#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The slawatch demo: installs the dependencies, builds, starts tcmpp-sim (a local
# TCMPP stand-in) with a fault plan, runs the daemon against it and shows what an
# operator watches: the daemon's log as minutes are finalized, and
# `slawatch status` once a minute.
#   DEMO_MINUTES=N   stop by itself after N minutes (default: run until Ctrl-C)
#   DEMO_DIR=DIR     keep the work files (config, database) in DIR instead of a temp dir
#   BUILD_DIR=DIR    build directory (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bash scripts/install-deps.sh

build=${BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja
cmake --build "$build" --target slawatch tcmpp-sim
slawatch="$root/$build/cli/slawatch"
sim="$root/$build/tools/tcmpp-sim/tcmpp-sim"

work=${DEMO_DIR:-$(mktemp -d /tmp/slawatch-demo.XXXXXX)}
mkdir -p "$work/credentials"
sim_pid=""
daemon_pid=""

stop_all() {
  local rc=${1:-0}
  trap - EXIT INT TERM
  echo
  if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then
    echo "== stopping slawatch (SIGTERM: finish the runs in flight, flush, finalize)"
    kill -TERM "$daemon_pid" 2>/dev/null || true
    wait "$daemon_pid" 2>/dev/null || true
  fi
  if [ -n "$sim_pid" ] && kill -0 "$sim_pid" 2>/dev/null; then
    kill -TERM "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
  fi
  echo "== the evidence stays in $work/slawatch.db; try:"
  echo "   $slawatch status  --config $work/slawatch.toml"
  echo "   $slawatch minutes --config $work/slawatch.toml --from $(date -u -d '-10 min' +%Y-%m-%dT%H:%M:00Z) --to $(date -u -d '+1 min' +%Y-%m-%dT%H:%M:00Z) --probe service"
  echo "   sqlite3 $work/slawatch.db .schema"
  echo "   $slawatch checkpoint --config $work/slawatch.toml    # the newest signed C2SP checkpoint"
  echo "   $slawatch key --verifier --config $work/slawatch.toml  # the key a third party checks it with"
  exit "$rc"
}
# A failure keeps its exit code; Ctrl-C is the normal way to end the demo.
trap 'stop_all $?' EXIT
trap 'stop_all 0' INT TERM

# Throwaway credentials for the sim and the probes (never printed, never logged).
umask 077
head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' | sed 's/^/AKIDdemo/' > "$work/credentials/secret_id"
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/credentials/secret_key"
# The evidence signing key: every checkpoint is a signed C2SP note.
openssl genpkey -algorithm ed25519 -out "$work/evidence.key"
umask 022

# A free port for the metrics endpoint, 9817 if nobody uses it.
metrics_port=9817
while (exec 3<>"/dev/tcp/127.0.0.1/$metrics_port") 2>/dev/null; do metrics_port=$((metrics_port + 1)); done

echo "== starting tcmpp-sim with the fault plan examples/demo-faults.toml"
echo "   odd minutes: management fails the whole minute (a down minute)"
echo "   around each odd minute's start: release fails for 40 s (not a down minute)"
"$sim" --listen 127.0.0.1:0 --tls-listen 127.0.0.1:0 --write-ca "$work/sim-ca.pem" \
  --faults "$root/examples/demo-faults.toml" --credentials-dir "$work/credentials" --quiet \
  > "$work/sim.out" 2> "$work/sim.err" &
sim_pid=$!
for _ in $(seq 100); do
  grep -q "listening on" "$work/sim.out" 2>/dev/null && break
  kill -0 "$sim_pid" 2>/dev/null || { cat "$work/sim.err" >&2; exit 1; }
  sleep 0.1
done
line=$(grep "listening on" "$work/sim.out") || { echo "tcmpp-sim did not start" >&2; exit 1; }
sim_port=$(sed -E 's|.*http://127\.0\.0\.1:([0-9]+).*|\1|' <<< "$line")
sim_tls_port=$(sed -E 's|.*https://127\.0\.0\.1:([0-9]+).*|\1|' <<< "$line")
echo "   $line"

# The term starts on the first of this month, so today is in a Service Month.
sed -e "s|@START@|$(TZ=Asia/Shanghai date +%Y-%m-01)|" -e "s|@WORK@|$work|g" \
    -e "s|@SIM_PORT@|$sim_port|g" -e "s|@SIM_TLS_PORT@|$sim_tls_port|g" \
    -e "s|@METRICS_PORT@|$metrics_port|g" "$root/examples/demo.toml" > "$work/slawatch.toml"
"$slawatch" check-config --config "$work/slawatch.toml"

echo "== starting: slawatch run --config $work/slawatch.toml --log-format plain"
echo "   metrics: curl -s http://127.0.0.1:$metrics_port/metrics    (Ctrl-C stops the demo)"
"$slawatch" run --config "$work/slawatch.toml" --log-format plain \
  > >(sed -u 's/^/  daemon | /') 2>&1 &
daemon_pid=$!

started=$(date +%s)
deadline=""
[ -n "${DEMO_MINUTES:-}" ] && deadline=$((started + DEMO_MINUTES * 60))
while kill -0 "$daemon_pid" 2>/dev/null; do
  # Wake 3 s after each minute boundary, when the minute just ended is final.
  now=$(date +%s)
  next=$(( (now / 60 + 1) * 60 + 3 ))
  if [ -n "$deadline" ] && [ "$next" -gt "$deadline" ]; then
    sleep $((deadline > now ? deadline - now : 0))
    break
  fi
  sleep $((next - now))
  echo "  status | $(date +%H:%M:%S) slawatch status:"
  "$slawatch" status --config "$work/slawatch.toml" 2>&1 | sed 's/^/  status |   /' || true
done
if ! kill -0 "$daemon_pid" 2>/dev/null; then
  wait "$daemon_pid" && rc=0 || rc=$?
  daemon_pid=""
  echo "slawatch run stopped by itself (exit $rc)" >&2
  stop_all "$rc"
fi
stop_all 0
