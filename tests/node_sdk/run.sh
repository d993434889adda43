#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tcmpp-sim against TencentCloud's official Node SDK: every action of tcmpp and
# tcsas, the empty and null variants, and a selected error code. Skipped (exit
# 77) with the reason printed when node or the SDK is not installed; install
# it with scripts/install-node-sdk.sh.
# Usage: run.sh TCMPP_SIM_BINARY SDK_DIR
set -euo pipefail
sim_bin=$1
sdk_dir=$2
here=$(cd "$(dirname "$0")" && pwd)

if ! command -v node > /dev/null; then
  echo "SKIPPED: node is not installed"
  exit 77
fi
if [ ! -d "$sdk_dir/node_modules/tencentcloud-sdk-nodejs-intl-en" ]; then
  echo "SKIPPED: the official Node SDK is not in $sdk_dir (run scripts/install-node-sdk.sh $sdk_dir)"
  exit 77
fi
export NODE_PATH="$sdk_dir/node_modules"

work=$(mktemp -d)
sim_pid=""
cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$sim_bin" --listen 127.0.0.1:0 --quiet > "$work/sim.out" 2> "$work/sim.err" &
sim_pid=$!
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's|^listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$work/sim.out")
  [ -n "$port" ] && break
  sleep 0.1
done
if [ -z "$port" ]; then
  echo "FAILED: tcmpp-sim did not start"; cat "$work/sim.err"; exit 1
fi

failures=0
# expect SERVICE ACTION PAYLOAD JQ-LIKE-CHECK(grep -E pattern on the JSON answer)
expect() {
  local service=$1 action=$2 payload=$3 pattern=$4
  local out
  out=$(timeout 30 node "$here/sdk_call.js" "$port" "$service" "$action" "$payload" 2>&1) || true
  if grep -Eq -- "$pattern" <<< "$out" && grep -q '"RequestId":"\|"requestId":"' <<< "$out"; then
    echo "ok   $service $action $payload"
  else
    echo "FAIL $service $action $payload"
    echo "     expected /$pattern/, got: $out"
    failures=$((failures + 1))
  fi
}

mnp='{"MNPId": "mpsim0000000001", "PlatformId": "T0000000001"}'
for service in tcmpp tcsas; do
  expect $service DescribeMNPReleasedVersionHistory "$mnp" '"TotalCount":2,"DataList":\[\{"MNPId"'
  expect $service DescribeMNPReleasedVersionHistory '{"MNPId": "mpempty1", "PlatformId": "T1"}' '"TotalCount":0,"DataList":\[\]'
  expect $service DescribeMNPReleasedVersionHistory '{"MNPId": "mpnull1", "PlatformId": "T1"}' '"TotalCount":0,"DataList":null'
  expect $service DescribeMNPAllStageVersions "$mnp" '"Data":\[\{.*"Phase":"Online"'
  expect $service DescribeMNPAllStageVersions '{"MNPId": "mpnull1", "PlatformId": "T1"}' '"Data":null'
  expect $service DescribeMNPOfflinePackageURL "$mnp" '"Data":\{"Data":"http://127.0.0.1:[0-9]+/packages/'
  expect $service DescribeMNPList '{"PlatformId": "T0000000001", "Offset": 0, "Limit": 2}' '"TotalCount":3,"DataList":\[\{'
  expect $service DescribeMNPList '{"PlatformId": "Tnull1", "Offset": 0, "Limit": 2}' '"TotalCount":0,"DataList":null'
  expect $service DescribeMNPList '{"PlatformId": "Terror-FailedOperation.PackageAlreadyExpired", "Offset": 0, "Limit": 1}' '"error":"FailedOperation.PackageAlreadyExpired"'
done

if [ "$failures" -ne 0 ]; then
  echo "FAILED: $failures call(s)"
  exit 1
fi
echo "all calls through the official Node SDK answered as expected"
