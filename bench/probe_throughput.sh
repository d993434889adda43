#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Probe engine and daemon benchmarks against tcmpp-sim on loopback, and
# prometheus-blackbox-exporter probing the same target at the same rate.
# Results go to stdout; docs/performance.md ("Probes and daemon") records them.
#   BUILD_DIR=DIR  (default: build)   RATE=N probes/s for the peer comparison (default 500)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
cmake --build "$build" --target bench_probes tcmpp-sim >/dev/null
bench="$PWD/$build/bench/bench_probes"
sim="$PWD/$build/tools/tcmpp-sim/tcmpp-sim"
rate=${RATE:-500}
work=$(mktemp -d /tmp/slawatch-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"

"$sim" --listen 127.0.0.1:0 --tls-listen 127.0.0.1:0 --write-ca "$work/ca.pem" --quiet > "$work/sim.out" &
pids+=($!)
for _ in $(seq 100); do grep -q "listening on" "$work/sim.out" 2>/dev/null && break; sleep 0.1; done
line=$(cat "$work/sim.out")
http_port=$(sed -E 's|.*http://127\.0\.0\.1:([0-9]+).*|\1|' <<< "$line")
tls_port=$(sed -E 's|.*https://127\.0\.0\.1:([0-9]+).*|\1|' <<< "$line")
target="http://127.0.0.1:$http_port/_sim/stats"

echo "== throughput: one thread, fresh connection per probe, results stored"
"$bench" throughput "$target" --probes 20000 --concurrency 32 --db "$work/t-http.db"
"$bench" throughput "https://127.0.0.1:$tls_port/_sim/stats" --ca "$work/ca.pem" \
  --probes 5000 --concurrency 32 --db "$work/t-https.db"

echo "== 1,000 probes, 6 a minute each, the real scheduler for 65 s (jitter, RSS)"
"$bench" schedule "$target" --probes 1000 --per-minute 6 --seconds 65 --db "$work/s.db"

echo "== peer: prometheus-blackbox-exporter vs slawatch, both at $rate probes/s for 20 s"
bb_port=$(( (RANDOM % 10000) + 40000 ))
cat > "$work/bb.yml" <<YML
modules:
  http_2xx:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
YML
prometheus-blackbox-exporter --config.file="$work/bb.yml" --web.listen-address="127.0.0.1:$bb_port" \
  --log.level=error > "$work/bb.log" 2>&1 &
bb_pid=$!
pids+=($bb_pid)
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$bb_port") 2>/dev/null && break; sleep 0.1; done
ticks=$(getconf CLK_TCK)
bb_cpu() { awk '{print $14 + $15}' "/proc/$bb_pid/stat"; }
enc_target="http%3A%2F%2F127.0.0.1%3A$http_port%2F_sim%2Fstats"
before=$(bb_cpu)
"$bench" load "http://127.0.0.1:$bb_port/probe?target=$enc_target&module=http_2xx" --rate "$rate" --seconds 20 &
driver=$!
"$bench" load "$target" --rate "$rate" --seconds 20 --db "$work/l.db" | tee "$work/slawatch.txt"
wait "$driver"
after=$(bb_cpu)
bb_cpu_s=$(awk -v a="$after" -v b="$before" -v t="$ticks" 'BEGIN {printf "%.2f", (a - b) / t}')
sw_cpu_s=$(sed -E 's/.*cpu_s=([0-9.]+).*/\1/' "$work/slawatch.txt")
echo "blackbox_exporter cpu_s=$bb_cpu_s for $((rate * 20)) probes"
awk -v bb="$bb_cpu_s" -v sw="$sw_cpu_s" -v n=$((rate * 20)) 'BEGIN {
  printf "per probe: slawatch %.1f us CPU, blackbox_exporter %.1f us CPU; ratio %.1fx\n",
         sw / n * 1e6, bb / n * 1e6, (sw > 0 ? bb / sw : 0) }'
