#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Probe scheduling while the storage is busy: the real `slawatch run` against
# tcmpp-sim on loopback, 20 probes at 12 runs a minute, over a database with
# 400 days of history. Two stretches of 60 s each:
#   rederive  a config change (min_samples) and SIGHUP: 400 days re-derived
#   locked    another process holds the database's write lock
# For each, from the stored results: runs planned, stored, not ok, and the
# lateness of each run's send time behind its planned time (p50, p99, max).
# docs/performance.md ("Probe scheduling while the storage is busy") records them.
#   SLAWATCH=BIN  the binary to measure (default: build/cli/slawatch)
#   SIM=BIN       tcmpp-sim (default: build/tools/tcmpp-sim/tcmpp-sim)
set -euo pipefail
cd "$(dirname "$0")/.."
slawatch=$(realpath "${SLAWATCH:-build/cli/slawatch}")
sim=$(realpath "${SIM:-build/tools/tcmpp-sim/tcmpp-sim}")
work=$(mktemp -d /tmp/slawatch-stall.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
probes=20
ppm=12

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "binary: $slawatch"

"$sim" --listen 127.0.0.1:0 --quiet > "$work/sim.out" &
pids+=($!)
for _ in $(seq 100); do grep -q "listening on" "$work/sim.out" 2>/dev/null && break; sleep 0.1; done
sim_port=$(sed -E 's|.*http://127\.0\.0\.1:([0-9]+).*|\1|' < "$work/sim.out")
metrics_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

config() {  # $1: min_samples
    local start
    start=$(date -u -d '-401 days' +%F)
    cat <<CFG
[contract]
name = "stall-bench"
timezone = "UTC"
start = $start
months = 15
monthly_fee = "1000.00"

[monitor]
probes_per_minute = $ppm
min_samples = $1

[storage]
path = "$work/slawatch.db"

[metrics]
listen = "127.0.0.1:$metrics_port"

CFG
    for i in $(seq -w 1 $probes); do
        printf '[[probe]]\nname = "p%s"\nkind = "http"\nurl = "http://127.0.0.1:%s/_sim/stats"\ntimeout = "2s"\n\n' "$i" "$sim_port"
    done
}
config 3 > "$work/slawatch.toml"

# 400 days of one result a minute for two of the probes, imported with replay.
python3 - "$work/history.csv" <<'PY'
import sys, time
end = int(time.time()) // 60 * 60 - 3600
with open(sys.argv[1], "w") as f:
    f.write("time,probe,outcome\n")
    for m in range(end - 400 * 86400, end, 60):
        t = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(m + 5))
        f.write(f"{t},p01,ok\n{t},p02,ok\n")
PY
t0=$(date +%s.%N)
"$slawatch" replay --config "$work/slawatch.toml" --input "$work/history.csv" > /dev/null
echo "history: $(($(wc -l < "$work/history.csv") - 1)) results replayed in $(python3 -c "print(round($(date +%s.%N) - $t0, 1))") s"

"$slawatch" run --config "$work/slawatch.toml" --log-format plain 2> "$work/daemon.log" &
daemon=$!
pids+=($daemon)
sleep 20

analyse() {  # $1: name, $2: from ms, $3: until ms
    python3 - "$work/slawatch.db" "$1" "$2" "$3" "$probes" "$ppm" <<'PY'
import sqlite3, sys
db, name, lo, hi, n, ppm = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
slots = 1024
c = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
names = {pid: nm for pid, nm in c.execute("SELECT id, name FROM probe")}
def planned(minute, k, i):
    return minute * 60000 + (k * n + i) * 60000 // (ppm * n)
late, bad = [], 0
for rid, outcome in c.execute("SELECT id, outcome FROM probe_result WHERE id >= ? AND id < ?",
                              (lo * slots, hi * slots)):
    t, pid = divmod(rid, slots)
    i = int(names[pid][1:]) - 1  # p01 is probe 0 of n
    m = t // 60000
    k = max(kk for kk in range(ppm) if planned(m, kk, i) <= t) if planned(m, 0, i) <= t else None
    p = planned(m, k, i) if k is not None else planned(m - 1, ppm - 1, i)
    late.append(t - p)
    bad += outcome != 0
expected = 0
for i in range(n):
    for m in range(lo // 60000, hi // 60000 + 1):
        expected += sum(1 for k in range(ppm) if lo <= planned(m, k, i) < hi)
late.sort()
q = lambda f: late[min(len(late) - 1, int(f * (len(late) - 1)))] if late else 0
print(f"{name}: {(hi - lo) / 1000:.0f} s, runs planned {expected}, stored {len(late)}, not ok {bad}, "
      f"lateness p50 {q(0.5)} ms, p99 {q(0.99)} ms, max {late[-1] if late else 0} ms")
PY
}

# 1. A config change re-derives 400 days while probing goes on.
config 2 > "$work/slawatch.toml"
from=$(date +%s%3N)
kill -HUP "$daemon"
sleep 60
until=$(date +%s%3N)

# 2. Another process holds the write lock for 60 s.
python3 - "$work/slawatch.db" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
c.execute("BEGIN EXCLUSIVE")
open(sys.argv[1] + ".locked", "w").close()
time.sleep(60)
c.execute("ROLLBACK")
PY
locker=$!
for _ in $(seq 300); do [ -e "$work/slawatch.db.locked" ] && break; sleep 0.1; done
lock_from=$(date +%s%3N)
wait "$locker"
lock_until=$(date +%s%3N)
sleep 15  # the buffered results reach the database

kill -TERM "$daemon"
wait "$daemon" || true
analyse rederive "$from" "$until"
analyse locked "$lock_from" "$lock_until"
grep -E "re-deriv|blocked|locked|timeout" "$work/daemon.log" | cut -c1-160 | head -8 || true
