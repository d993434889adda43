#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# slawatch's checkpoints and proofs checked by a verifier nobody here wrote:
# notecheck, built on Go's golang.org/x/mod/sumdb/note and sumdb/tlog. Two
# replays with a signing key make two checkpoints; notecheck must accept the
# newer note, the claim's inclusion proofs and the consistency proof from the
# older note, and refuse a one-byte change to each. Skipped (exit 77) with the
# reason printed when go or the sumdb packages are not installed.
# Usage: run.sh SLAWATCH_BINARY SOURCE_DIR BUILD_DIR
set -euo pipefail
slawatch_bin=$(realpath "$1")
src=$(realpath "$2")
build=$(realpath "$3")
here=$(cd "$(dirname "$0")" && pwd)

built=0
notecheck=$(bash "$here/build.sh" "$src" "$build") || built=$?
if [ "$built" != 0 ]; then
  echo "$notecheck"  # "SKIPPED: <why>" (exit 77), or what failed
  exit "$built"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

openssl genpkey -algorithm ed25519 -out evidence.key 2> /dev/null
cat > c.toml << 'EOF'
[contract]
name = "tcmpp-test"
timezone = "Asia/Shanghai"
start = 2026-03-17
months = 6
monthly_fee = "1000.00"
user_id = "100000000001"
order_id = "20260317000001"

[storage]
path = "e.db"

[[probe]]
name = "update_check"
kind = "http"
url = "http://127.0.0.1:9/check"

[[probe]]
name = "release"
kind = "http"
url = "http://127.0.0.1:9/release"

[evidence]
signing_key_file = "evidence.key"
EOF

# Six runs of each probe a minute on 2026-06-01 from 10:FIRST to 10:LAST;
# every update_check run of 10:03 and 10:07 fails (two down minutes).
csv() {
  echo "time,probe,outcome,http_status,error_code,request_id"
  local m i probe
  for ((m = $1; m <= $2; m++)); do
    for ((i = 0; i < 6; i++)); do
      for probe in update_check release; do
        local at
        at=$(printf '2026-06-01T10:%02d:%02d+08:00' "$m" $((i * 10 + 5)))
        if [ "$probe" = update_check ] && { [ "$m" = 3 ] || [ "$m" = 7 ]; }; then
          echo "$at,$probe,http_5xx,503,,req-$m-$i"
        else
          echo "$at,$probe,ok,200,,"
        fi
      done
    done
  done
}
slawatch() { "$slawatch_bin" "$@" --config c.toml --db e.db; }

csv 0 4 > first.csv
csv 5 9 > second.csv
slawatch replay --input first.csv > /dev/null
slawatch checkpoint > old.note
old_size=$(sed -n 2p old.note)
slawatch replay --input second.csv > /dev/null
slawatch key --verifier > slawatch.vkey
slawatch checkpoint > new.note
slawatch checkpoint --size "$old_size" > old-again.note
slawatch claim --month 2026-06 --format json > claim.json
slawatch prove --from "$old_size" --format json > consistency.json

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
cmp -s old.note old-again.note || fail "checkpoint --size $old_size is not the note printed before"
[ "$old_size" = 60 ] && [ "$(sed -n 2p new.note)" = 120 ] ||
  fail "the checkpoints are of sizes $old_size and $(sed -n 2p new.note), not 60 and 120"

# check WHAT EXPECTED_EXIT EXPECTED_OUTPUT NOTE CLAIM OLD_NOTE PROOF
check() {
  local what=$1 want=$2 says=$3 out rc=0
  out=$("$notecheck" -key slawatch.vkey -note "$4" -claim "$5" -old "$6" -proof "$7" 2>&1) || rc=$?
  if [ "$rc" = "$want" ] && grep -qF -- "$says" <<< "$out"; then
    echo "ok   $what"
  else
    fail "$what: exit $rc (expected $want, saying '$says'):"
    sed 's/^/     /' <<< "$out"
  fi
}

check "the notes, the claim's 12 proofs and the consistency proof verify" 0 \
  "ok: claim.json: 12 cited calls are in the tree of size 120" \
  new.note claim.json old.note consistency.json
check "the claim's own notes verify" 0 \
  "ok: claim.json: evidence.proof_checkpoint.note and evidence.checkpoints[].note (1) are signed by slawatch/" \
  new.note claim.json old.note consistency.json
"$notecheck" -key slawatch.vkey -note new.note -claim claim.json -old old.note \
  -proof consistency.json | sed 's/^/     /'

# FILE with the byte at OFFSET (from 0) XOR 1.
flip_byte() {
  local byte
  byte=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
  printf "\\x$(printf %02x $((byte ^ 1)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
# IN OUT MARKER first|last: OUT is IN with one byte of hex-encoded data
# changed: the first (or last) hex digit of the string after MARKER, XOR 1.
flip_hex() {
  local text head rest pos digit
  text=$(< "$1")
  head=${text%%"$3"*}
  rest=${text#*"$3"}
  if [ "$4" = first ]; then pos=0; else
    local string=${rest%%\"*}
    pos=$((${#string} - 1))
  fi
  digit=${rest:pos:1}
  printf '%s%s%s%x%s\n' "$head" "$3" "${rest:0:pos}" $((16#$digit ^ 1)) "${rest:pos+1}" > "$2"
  cmp -s "$1" "$2" && fail "flip_hex changed nothing after '$3'"
  return 0
}

# The note's text: the last digit of the tree size, 120 -> 121.
cp new.note bad-text.note
line1=$(head -n1 new.note)
flip_byte bad-text.note $((${#line1} + 1 + 2))
check "a byte of the note's text changed" 1 "signature does not verify" \
  bad-text.note claim.json old.note consistency.json

# The note's signature: a byte of the Ed25519 signature (after the 4-byte key id).
sig_line=$(tail -n1 new.note)
sig=$(base64 -d <<< "${sig_line##* }" | od -An -tx1 | tr -d ' \n')
bad_sig=${sig:0:20}$(printf %02x $((16#${sig:20:2} ^ 1)))${sig:22}
bad_sig_b64=$(for ((i = 0; i < ${#bad_sig}; i += 2)); do printf "\\x${bad_sig:i:2}"; done | base64 -w0)
{ sed '$d' new.note; echo "${sig_line% *} $bad_sig_b64"; } > bad-sig.note
check "a byte of the note's signature changed" 1 "signature does not verify" \
  bad-sig.note claim.json old.note consistency.json

# The older note: the same changes must be refused there too.
cp old.note bad-old.note
line1=$(head -n1 old.note)
flip_byte bad-old.note $((${#line1} + 1 + 1))
check "a byte of the older note's text changed" 1 "bad-old.note: the note's signature does not verify" \
  new.note claim.json bad-old.note consistency.json

# A note the claim carries: the tree size in its text, 120 -> 121.
sed 's/\("note": "[^"]*\\n\)120\\n/\1121\\n/' claim.json > bad-claim-note.json
cmp -s claim.json bad-claim-note.json && fail "the claim's notes were not changed"
check "a byte of a note in the claim changed" 1 \
  "bad-claim-note.json: evidence.proof_checkpoint.note: the note's signature does not verify" \
  new.note bad-claim-note.json old.note consistency.json

# The inclusion proof: the last byte of the first cited call's leaf (a phase
# latency: the leaf still says the same call), and a byte of its first path hash.
flip_hex claim.json bad-leaf.json '"leaf": "' last
check "a byte of a cited call's leaf changed" 1 "is not in the tree of new.note" \
  new.note bad-leaf.json old.note consistency.json
flip_hex claim.json bad-path.json '"path": ["' first
check "a byte of an inclusion proof's path hash changed" 1 "is not in the tree of new.note" \
  new.note bad-path.json old.note consistency.json
# The leaf's version byte: refused before any hashing.
flip_hex claim.json bad-version.json '"leaf": "' first
check "the leaf's version byte changed" 1 "not a version-1 result leaf" \
  new.note bad-version.json old.note consistency.json

# The consistency proof: a byte of its first hash; and the notes swapped.
flip_hex consistency.json bad-consistency.json '"proof": ["' first
check "a byte of the consistency proof's hash changed" 1 \
  "the tree of size 60 is not a prefix of the tree of size 120" \
  new.note claim.json old.note bad-consistency.json
check "a consistency proof for other sizes" 1 "the proof is from size 60 to 120" \
  new.note claim.json new.note consistency.json

if [ "$failures" -gt 0 ]; then
  echo "FAILED: $failures checks"
  exit 1
fi
echo "PASSED"
