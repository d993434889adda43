#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# CI: the shipped Prometheus rules and Grafana dashboard, and /metrics of a
# live daemon, against promtool (Debian package `prometheus`). About 20 s.
#   1. promtool check rules + promtool test rules (prometheus/), the quorum
#      rules included, and promtool check config of prometheus/examples/
#   2. every PromQL expression of grafana/slawatch-dashboard.json, loaded as
#      recording rules into a temporary file, through promtool check rules
#   3. slawatch run against tcmpp-sim on loopback; /metrics through
#      promtool check metrics (it must report nothing)
#   BUILD_DIR=DIR   build directory with slawatch and tcmpp-sim (default: build)
#   METRICS_OUT=F   keep the live /metrics text in F (a CI artifact)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${BUILD_DIR:-build}
promtool=${PROMTOOL:-promtool}
command -v "$promtool" >/dev/null || { echo "check-prometheus: promtool missing (apt install prometheus)" >&2; exit 1; }

work=$(mktemp -d /tmp/slawatch-prom.XXXXXX)
sim_pid=""
daemon_pid=""
cleanup() {
  for pid in $daemon_pid $sim_pid; do
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

echo "== promtool check rules / test rules"
"$promtool" check rules prometheus/rules/*.yml
tests=()
for t in prometheus/tests/*.test.yml; do [ "$t" = prometheus/tests/quorum.test.yml ] || tests+=("$t"); done
"$promtool" test rules "${tests[@]}"
# The quorum's month rules evaluate every minute of 32 days (a [32d:1m]
# subquery): more samples than promtool's test engine allows (10,000; a
# Prometheus server allows 50 million). Its tests run on the same rules with
# a 90-minute window, enough for their 41 minutes of data; nothing else differs.
mkdir -p "$work/quorum/rules" "$work/quorum/tests"
sed 's/\[32d:1m\]/[90m:1m]/g' prometheus/rules/slawatch-quorum.rules.yml \
  > "$work/quorum/rules/slawatch-quorum.rules.yml"
[ "$(grep -c '\[90m:1m\]' "$work/quorum/rules/slawatch-quorum.rules.yml")" -ge 4 ] ||
  { echo "check-prometheus: the quorum month rules no longer use [32d:1m]" >&2; exit 1; }
cp prometheus/tests/quorum.test.yml "$work/quorum/tests/"
"$promtool" test rules "$work/quorum/tests/quorum.test.yml"

echo "== the example Prometheus configs (federation, Thanos sites)"
for config in prometheus/examples/*.yml; do
  "$promtool" check config "$config"
done

echo "== the dashboard parses and every expression is valid PromQL"
python3 - grafana/slawatch-dashboard.json "$work/dashboard.rules.yml" <<'PY'
import json, re, sys
dash = json.load(open(sys.argv[1]))
exprs = []
def walk(node, where):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("expr", "query") and isinstance(value, str) and value.strip():
                exprs.append((where, value))
            else:
                walk(value, f"{where}/{node.get('title', key)}" if key == "panels" else where)
    elif isinstance(node, list):
        for item in node:
            walk(item, where)
walk(dash, "dashboard")
# What Grafana itself would trip over: duplicate panel ids or query refIds.
ids = [p["id"] for p in dash["panels"]]
if len(ids) != len(set(ids)):
    sys.exit("duplicate panel ids")
for p in dash["panels"]:
    refs = [t["refId"] for t in p.get("targets", [])]
    if len(refs) != len(set(refs)):
        sys.exit(f"panel {p['title']!r}: duplicate refId")
if not exprs:
    sys.exit("no expressions found in the dashboard")
# Grafana's variables become something promtool can parse.
durations = {"__rate_interval": "5m", "__interval": "1m", "__range": "1h"}
def plain(expr):
    # label_values(selector, label): the selector is the PromQL part.
    expr = re.sub(r"^label_values\((.*),\s*(\w+)\)$", r"group by (\2) (\1)", expr.strip())
    return re.sub(r"\$\{?(\w+)(?::\w+)?\}?", lambda m: durations.get(m.group(1), "x"), expr)
with open(sys.argv[2], "w") as out:
    out.write("groups:\n  - name: dashboard\n    rules:\n")
    for n, (where, expr) in enumerate(exprs):
        out.write(f"      - record: dashboard:expr{n}\n        expr: {json.dumps(plain(expr))}\n")
print(f"{len(exprs)} expressions")
PY
"$promtool" check rules "$work/dashboard.rules.yml"

echo "== a live daemon's /metrics through promtool check metrics"
slawatch="$root/$build/cli/slawatch"
sim="$root/$build/tools/tcmpp-sim/tcmpp-sim"
[ -x "$slawatch" ] && [ -x "$sim" ] || { echo "check-prometheus: build slawatch and tcmpp-sim first" >&2; exit 1; }
mkdir -p "$work/credentials"
printf 'AKIDprometheuscheck0001' > "$work/credentials/secret_id"
printf 'prometheuschecksecretkey0000001' > "$work/credentials/secret_key"
"$sim" --listen 127.0.0.1:0 --tls-listen 127.0.0.1:0 --write-ca "$work/sim-ca.pem" \
  --faults "$root/examples/demo-faults.toml" --credentials-dir "$work/credentials" --quiet \
  > "$work/sim.out" 2> "$work/sim.err" &
sim_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/sim.out" 2>/dev/null && break; sleep 0.1; done
line=$(grep "listening on" "$work/sim.out") || { cat "$work/sim.err" >&2; exit 1; }
sim_port=$(sed -E 's|.*http://127\.0\.0\.1:([0-9]+).*|\1|' <<< "$line")
sim_tls_port=$(sed -E 's|.*https://127\.0\.0\.1:([0-9]+).*|\1|' <<< "$line")
metrics_port=19817
while (exec 3<>"/dev/tcp/127.0.0.1/$metrics_port") 2>/dev/null; do metrics_port=$((metrics_port + 1)); done
openssl genpkey -algorithm ed25519 -out "$work/evidence.key"  # the demo config signs its checkpoints
# The term began two months ago: ended months with open claim windows are exported too.
sed -e "s|@START@|$(TZ=Asia/Shanghai date -d "$(date +%Y-%m-15) -2 months" +%Y-%m-01)|" \
    -e "s|@WORK@|$work|g" -e "s|@SIM_PORT@|$sim_port|g" -e "s|@SIM_TLS_PORT@|$sim_tls_port|g" \
    -e "s|@METRICS_PORT@|$metrics_port|g" examples/demo.toml > "$work/slawatch.toml"
printf '\n[vantage]\nname = "check-prom"\n' >> "$work/slawatch.toml"
"$slawatch" run --config "$work/slawatch.toml" --log-format plain > "$work/daemon.log" 2>&1 &
daemon_pid=$!
url="http://127.0.0.1:$metrics_port/metrics"
for _ in $(seq 150); do
  if curl -sf "$url" -o "$work/metrics.txt" && grep -q '^slawatch_probe_success{' "$work/metrics.txt" &&
     grep -q '^slawatch_claim_window_opens_timestamp_seconds{' "$work/metrics.txt"; then
    break
  fi
  kill -0 "$daemon_pid" 2>/dev/null || { cat "$work/daemon.log" >&2; exit 1; }
  sleep 0.1
done
for family in slawatch_probe_success slawatch_month_availability_ratio slawatch_month_length_seconds \
              slawatch_claim_window_deadline_timestamp_seconds process_cpu_seconds_total \
              slawatch_config_last_reload_successful slawatch_result_buffer_results; do
  grep -q "^$family" "$work/metrics.txt" || { echo "check-prometheus: /metrics lacks $family" >&2; cat "$work/metrics.txt" >&2; exit 1; }
done
# Every series of the live daemon (the storage families too) names its vantage point.
if grep -v '^#' "$work/metrics.txt" | grep -v '^[a-z_]*{vantage="check-prom"' | grep -q .; then
  echo "check-prometheus: series without the vantage label:" >&2
  grep -v '^#' "$work/metrics.txt" | grep -v '^[a-z_]*{vantage="check-prom"' >&2
  exit 1
fi
[ -n "${METRICS_OUT:-}" ] && cp "$work/metrics.txt" "$METRICS_OUT"
lint=$("$promtool" check metrics < "$work/metrics.txt" 2>&1) || true
if [ -n "$lint" ]; then
  echo "check-prometheus: promtool check metrics reports:" >&2
  echo "$lint" >&2
  exit 1
fi
echo "   promtool check metrics: nothing to report ($(grep -vc '^#' "$work/metrics.txt") samples)"
kill -TERM "$daemon_pid"
if ! wait "$daemon_pid"; then
  echo "check-prometheus: slawatch run did not stop cleanly on SIGTERM" >&2
  cat "$work/daemon.log" >&2
  exit 1
fi
daemon_pid=""
echo "check-prometheus: ok"
