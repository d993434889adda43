#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs every Debian bookworm package slawatch needs to build, test,
# benchmark and package itself. The one place dependencies are listed.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build pkg-config git
  # libraries (Boost 1.81: the first with Boost.URL; JSON needs its own lib)
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libspdlog-dev libfmt-dev libsqlite3-dev libtomlplusplus-dev libcli11-dev
  libsystemd-dev libssl-dev libhowardhinnant-date-dev
  # tests: Catch2 v2, IANA time zones, sqlite3 shell, openssl for test certs
  catch2 tzdata sqlite3 openssl
  # tests: runs the webhook receiver check printed in docs/alerts.md
  python3
  # tests: headless Chromium loads the HTML pages of report/claim --format html
  chromium
  # packaging and unit checks; lintian checks the .deb (scripts/check-deb.sh)
  dpkg-dev file systemd lintian
  # the units and the .deb under a real systemd as PID 1 of a container (scripts/check-systemd.sh)
  systemd-container mmdebstrap
  # fuzzing (scripts/fuzz.sh: clang's libFuzzer, ASan, UBSan) and the format check
  clang libfuzzer-14-dev clang-format
  # benchmarks: the peer we measure against
  prometheus-blackbox-exporter procps
  # promtool: checks /metrics, the shipped rules and the dashboard (scripts/check-prometheus.sh)
  prometheus
  # the alertmanager hook's integration test (tests/test_alertmanager_daemon.cpp)
  prometheus-alertmanager
  # tests/go: checkpoints and proofs checked with Go's own sumdb/note and sumdb/tlog (offline)
  golang-go golang-golang-x-mod-dev
)

export DEBIAN_FRONTEND=noninteractive
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
