#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The README's pictures: the month page and the claim page of the demo's data,
# screenshotted in headless Chromium into docs/img/.
#
# Without a demo directory it replays what scripts/demo.sh records while its
# fault plan (examples/demo-faults.toml) runs for MINUTES minutes from FROM:
# five probes every 5 s; management fails with InternalError for all of every
# odd minute (a down minute), release answers 503 for 20 s on each side of
# every odd minute's start (never a whole minute: not down).
#   scripts/html-screenshots.sh                 replay, FROM/MINUTES below
#   scripts/html-screenshots.sh DEMO_DIR        a kept demo run (DEMO_DIR=... scripts/demo.sh)
#   FROM=2026-12-02T09:30:00+08:00 MINUTES=60   the replayed window
#   BUILD_DIR=DIR (default build), CHROMIUM=chromium
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
slawatch="$root/${BUILD_DIR:-build}/cli/slawatch"
chromium=${CHROMIUM:-chromium}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ $# -ge 1 ]; then
  work=$1
  month=$(TZ=Asia/Shanghai date +%Y-%m)
else
  from=${FROM:-2026-12-02T09:30:00+08:00}
  minutes=${MINUTES:-60}
  month=${from:0:7}
  work=$tmp/demo
  mkdir -p "$work/credentials"
  echo AKIDdemo > "$work/credentials/secret_id"
  echo demo-secret > "$work/credentials/secret_key"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=sim \
    -days 1 -keyout "$tmp/key.pem" -out "$work/sim-ca.pem" 2> /dev/null
  openssl genpkey -algorithm ed25519 -out "$work/evidence.key"
  sed -e "s|@START@|$month-01|" -e "s|@WORK@|$work|g" -e "s|@SIM_PORT@|9|g" \
    -e "s|@SIM_TLS_PORT@|9|g" -e "s|@METRICS_PORT@|9817|g" examples/demo.toml > "$work/slawatch.toml"
  start=$(date -d "$from" +%s)
  # One row per probe run; RequestIds as the sim gives them (one per API answer).
  awk -v start="$start" -v minutes="$minutes" 'BEGIN {
    print "time,probe,outcome,http_status,error_code,request_id"
    n = split("update_check release download management reference", probes, " ")
    for (t = start; t < start + minutes * 60; t += 5) {
      cmd = "date -u -d @" t " +%Y-%m-%dT%H:%M:%SZ"; cmd | getline ts; close(cmd)
      odd = int(t / 60) % 2; s = t % 60
      for (i = 1; i <= n; i++) {
        p = probes[i]; rid = sprintf("%08x-%04x-4%03x-a%03x-%012d", t, i, t % 4096, i, (t % 1000000) * 10 + i)
        if (p == "reference") { print ts "," p ",ok,200,,"; continue }
        if (p == "management" && odd) { print ts "," p ",api_error,200,InternalError," rid; continue }
        if (p == "release" && ((odd && s < 20) || (!odd && s >= 40))) { print ts "," p ",http_5xx,503,,"; continue }
        print ts "," p ",ok,200,," rid
      }
    }
  }' > "$tmp/demo.csv"
  "$slawatch" replay --config "$work/slawatch.toml" --input "$tmp/demo.csv"
fi

"$slawatch" report --config "$work/slawatch.toml" --month "$month" --format html > "$tmp/month.html"
"$slawatch" claim --config "$work/slawatch.toml" --month "$month" --format html \
  --output "$tmp/claim.html"

mkdir -p docs/img
shot() { # shot PAGE PNG HEIGHT
  timeout -k 5 60 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$tmp/profile" --hide-scrollbars --window-size="1280,$3" \
    --screenshot="$root/$2" "file://$1" 2> /dev/null
  echo "$2: $(stat -c %s "$2") bytes"
}
shot "$tmp/month.html" docs/img/month.png 1500
shot "$tmp/claim.html" docs/img/claim.png 1300
