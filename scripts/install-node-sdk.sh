#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs TencentCloud's official Node SDK (international edition), pinned, into
# DIR/node_modules for the optional test that drives tcmpp-sim with a client
# this project did not write (tests/node_sdk/run.sh). Needs node and npm
# (Debian: apt-get install nodejs npm); without them the test is skipped.
# Usage: scripts/install-node-sdk.sh DIR   (the tests look in BUILD_DIR/node-sdk)
set -euo pipefail
dir=${1:?usage: install-node-sdk.sh DIR}
version=3.0.1335
mkdir -p "$dir"
npm install --prefix "$dir" --no-audit --no-fund --no-save \
  "tencentcloud-sdk-nodejs-intl-en@$version"
echo "installed tencentcloud-sdk-nodejs-intl-en@$version in $dir/node_modules"
