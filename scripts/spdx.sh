#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every source file carries an SPDX licence line (LICENSE: Apache-2.0).
#   scripts/spdx.sh --check   list the files without one; exit 1 if there are any
#   scripts/spdx.sh --fix     add the line where it is missing (after a #! line)
# Source files: *.cpp *.hpp *.h *.c *.cc *.go, CMakeLists.txt, *.cmake, *.sh, *.py,
# systemd/ files, and every file that starts with #! (.ci/run, maintainer
# scripts). Files are the ones git tracks plus new ones it does not ignore, so
# files added on other branches are found after a merge too.
set -euo pipefail
cd "$(dirname "$0")/.."

licence=Apache-2.0
mode=${1:-}
case "$mode" in
  --check | --fix) ;;
  *) echo "usage: $0 --check|--fix" >&2; exit 2 ;;
esac

is_source() {  # is_source PATH
  case "$1" in
    *.cpp | *.hpp | *.h | *.c | *.cc | *.go | */CMakeLists.txt | CMakeLists.txt | *.cmake | *.sh | *.py) return 0 ;;
    systemd/*.service | systemd/*.sysusers | systemd/*.tmpfiles) return 0 ;;
  esac
  [ "$(head -c 2 "$1" | tr -d '\0')" = "#!" ]  # binary files (fuzz corpora) may start with NUL
}

comment_for() {  # comment_for PATH: the line, in the file's comment syntax
  case "$1" in
    *.cpp | *.hpp | *.h | *.c | *.cc | *.go) echo "// SPDX-License-Identifier: $licence" ;;
    *) echo "# SPDX-License-Identifier: $licence" ;;
  esac
}

missing=0
while IFS= read -r -d '' f; do
  [ -f "$f" ] && [ ! -L "$f" ] || continue
  is_source "$f" || continue
  # The line belongs at the top: the first three lines (a #! line may come first).
  if head -n 3 "$f" | grep -q "SPDX-License-Identifier: $licence\$"; then continue; fi
  if [ "$mode" = --check ]; then
    echo "spdx: $f has no 'SPDX-License-Identifier: $licence' line at the top" >&2
    missing=$((missing + 1))
    continue
  fi
  line=$(comment_for "$f")
  tmp=$(mktemp "$f.spdx.XXXXXX")
  if [ "$(head -c 2 "$f")" = "#!" ]; then
    { head -n 1 "$f"; echo "$line"; tail -n +2 "$f"; } > "$tmp"
  else
    { echo "$line"; cat "$f"; } > "$tmp"
  fi
  chmod --reference="$f" "$tmp"
  mv "$tmp" "$f"
  echo "spdx: added to $f"
done < <(git ls-files -z --cached --others --exclude-standard)

if [ "$mode" = --check ]; then
  if [ "$missing" -gt 0 ]; then
    echo "spdx: $missing file(s) without the licence line; run: bash scripts/spdx.sh --fix" >&2
    exit 1
  fi
  echo "spdx: every source file names its licence ($licence)"
fi
