#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Checks every tracked *.cpp/*.hpp against the committed .clang-format
# (clang-format 14, Debian package clang-format) and lists the files that
# do not follow it; exits 1 if there is any.
#
#   scripts/check-format.sh          check, list offenders
#   scripts/check-format.sh --fix    reformat them in place
set -euo pipefail
cd "$(dirname "$0")/.."

fix=0
case "${1:-}" in
  --fix) fix=1 ;;
  "") ;;
  -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
  *) echo "usage: scripts/check-format.sh [--fix]" >&2; exit 2 ;;
esac

clang_format=""
for c in clang-format-14 clang-format; do
  if command -v "$c" >/dev/null; then clang_format="$c"; break; fi
done
if [[ -z "$clang_format" ]]; then
  echo "check-format: clang-format not found (scripts/install-deps.sh installs it)" >&2
  exit 2
fi

mapfile -t files < <(git ls-files -- '*.cpp' '*.hpp')
if [[ $fix -eq 1 ]]; then
  printf '%s\0' "${files[@]}" | xargs -0 -n 50 "$clang_format" -i --style=file
  echo "check-format: formatted ${#files[@]} files with $($clang_format --version)"
  exit 0
fi

offenders=()
for f in "${files[@]}"; do
  "$clang_format" --style=file --dry-run -Werror "$f" >/dev/null 2>&1 || offenders+=("$f")
done
if [[ ${#offenders[@]} -gt 0 ]]; then
  printf '%s\n' "${offenders[@]}"
  echo "check-format: ${#offenders[@]} of ${#files[@]} files do not follow .clang-format" \
       "(scripts/check-format.sh --fix reformats them)" >&2
  exit 1
fi
echo "check-format: all ${#files[@]} files follow .clang-format"
