#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds tests/go/notecheck once into BUILD_DIR/go/notecheck, with the
# build-notecheck.sh script exactly as docs/evidence.md prints it (Debian's Go
# and golang.org/x/mod only, GOPATH mode, nothing downloaded; the Go cache in
# BUILD_DIR/go/cache), and prints the binary's path. Rebuilt only when the
# program or the documented script changed. Exit 77, with the reason, when
# go or the sumdb packages are not installed (the tests using it then skip).
# Usage: build.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$(cd "$1" && pwd)
out_dir=$(mkdir -p "$2/go" && cd "$2/go" && pwd)
gocode=/usr/share/gocode/src/golang.org/x/mod/sumdb

if ! command -v go > /dev/null; then
  echo "SKIPPED: go is not installed (Debian package golang-go)"
  exit 77
fi
if [ ! -f "$gocode/note/note.go" ] || [ ! -f "$gocode/tlog/tlog.go" ]; then
  echo "SKIPPED: golang.org/x/mod/sumdb is not in /usr/share/gocode (Debian package golang-golang-x-mod-dev)"
  exit 77
fi

# The fenced ```sh block of the doc that starts "#!/bin/bash" then "# NAME".
doc_script() {
  awk -v head="# $1" '
    state == 0 && $0 == "```sh" { state = 1; next }
    state == 1 { if ($0 == "#!/bin/bash") { text = $0 "\n"; state = 2 } else state = 0; next }
    state == 2 { if (index($0, head) == 1) { text = text $0 "\n"; state = 3 } else state = 0; next }
    state == 3 { if ($0 == "```") { printf "%s", text; found = 1; exit } text = text $0 "\n" }
    END { if (!found) exit 1 }' "$src/docs/evidence.md"
}

# Two tests may want it at once: one builds, the other waits and reuses it.
exec 9> "$out_dir/build.lock"
flock 9
script=$(doc_script build-notecheck.sh) || {
  echo "FAILED: docs/evidence.md has no build-notecheck.sh block" >&2
  exit 1
}
if [ ! -x "$out_dir/notecheck" ] || [ "$src/tests/go/notecheck/main.go" -nt "$out_dir/notecheck" ] ||
  [ "$src/docs/evidence.md" -nt "$out_dir/notecheck" ]; then
  printf '%s' "$script" > "$out_dir/build-notecheck.sh"
  GOCACHE="$out_dir/cache" bash "$out_dir/build-notecheck.sh" "$src" "$out_dir/notecheck.new" >&2
  mv "$out_dir/notecheck.new" "$out_dir/notecheck"
fi
echo "$out_dir/notecheck"
