#!/usr/bin/env bash
# attest-verify snp end to end: exit codes (0 accepted, 1 rejected, 2 bad
# input/usage), text and JSON output, --at-time, --crl, --nonce, --policy,
# --trust-root, extended reports; on self-signed evidence (snp_mkevidence)
# and, where present, the real vectors.
set -euo pipefail
AV=${ATTEST_VERIFY:?ATTEST_VERIFY not set}
MK=${CVM_TEST_HELPERS:?}/snp_mkevidence
V=${CVM_VECTORS_DIR:-}/snp
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

# expect CODE DESCRIPTION -- CMD...: run, compare the exit status, keep output in $tmp/out
expect() {
  local want=$1 what=$2; shift 3
  local got=0
  "$@" >"$tmp/out" 2>"$tmp/err" || got=$?
  if [ "$got" != "$want" ]; then
    echo "FAIL: $what: exit $got, expected $want"; sed 's/^/  | /' "$tmp/out" "$tmp/err"; fails=$((fails + 1))
  else
    echo "ok: $what"
  fi
}
# has PATTERN FILE: the last command's output names the check
has() {
  if ! grep -Eq -- "$1" "$tmp/${2:-out}"; then
    echo "FAIL: output lacks /$1/"; sed 's/^/  | /' "$tmp/${2:-out}"; fails=$((fails + 1))
  fi
}

expect 0 "top-level --help" -- "$AV" --help; has "snp"
expect 0 "--version" -- "$AV" --version; has "^attest-verify [0-9]"
expect 0 "snp --help" -- "$AV" snp --help; has "--at-time"
expect 2 "no command" -- "$AV"
expect 2 "unknown command" -- "$AV" frobnicate
expect 2 "snp without REPORT" -- "$AV" snp; has "missing REPORT" err
expect 2 "unknown option" -- "$AV" snp --bogus x

"$MK" "$tmp" >/dev/null
E="$tmp"
T=(--trust-root "$E/ark.pem" --at-time 2025-01-01)
NONCE=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f

expect 0 "self-signed report accepted" -- "$AV" snp "$E/report.bin" --certs "$E/vcek.der" "$E/chain.pem" "${T[@]}"
has "^pass +snp.signature"; has "^pass +snp.chain "; has "^info +snp.measurement +measurement not pinned"
has "^verdict: accepted"
expect 0 "--certs repeated" -- "$AV" snp "$E/report.bin" --certs "$E/vcek.der" --certs "$E/chain.pem" "${T[@]}"
expect 0 "extended report carries its certs" -- "$AV" snp "$E/report_ext.bin" "${T[@]}"
expect 1 "unpinned root rejected" -- "$AV" snp "$E/report.bin" --certs "$E/vcek.der" "$E/chain.pem" --at-time 2025-01-01
has "^fail +snp.chain.root"; has "^verdict: rejected"
expect 1 "no certificates: could not check" -- "$AV" snp "$E/report.bin" "${T[@]}"
has "^error +snp.chain"
expect 1 "expired at --at-time" -- "$AV" snp "$E/report.bin" --certs "$E/vcek.der" "$E/chain.pem" --trust-root "$E/ark.pem" --at-time 2031-01-01T00:00:00Z
has "^fail +snp.chain +.*expired"
expect 0 "nonce bound" -- "$AV" snp "$E/report.bin" --certs "$E/vcek.der" "$E/chain.pem" "${T[@]}" --nonce $NONCE
has "^pass +snp.report_data"
expect 1 "nonce mismatch" -- "$AV" snp "$E/report.bin" --certs "$E/vcek.der" "$E/chain.pem" "${T[@]}" --nonce ff$NONCE
has "^fail +snp.report_data"
expect 0 "CRL revoking nothing" -- "$AV" snp "$E/report.bin" --certs "$E/vcek.der" "$E/chain.pem" "${T[@]}" --crl "$E/crl_ok.der"
has "^pass +snp.crl"
expect 1 "revoked ASK" -- "$AV" snp "$E/report.bin" --certs "$E/vcek.der" "$E/chain.pem" "${T[@]}" --crl "$E/crl_revoked.der"
has "^fail +snp.crl +SEV-Milan is revoked"
expect 1 "stale CRL is not a pass" -- "$AV" snp "$E/report.bin" --certs "$E/vcek.der" "$E/chain.pem" --trust-root "$E/ark.pem" --at-time 2026-01-01 --crl "$E/crl_ok.der"
has "^error +snp.crl"
expect 1 "debug rejected by default" -- "$AV" snp "$E/report_debug.bin" --certs "$E/vcek.der" "$E/chain.pem" "${T[@]}"
has "^fail +snp.guest_policy +.*debug"

echo '{"snp": {"measurements": ["'"$(printf '0%.0s' {1..96})"'"], "vmpl": 0}}' >"$tmp/pol.json"
expect 1 "measurement mismatch" -- "$AV" snp "$E/report.bin" --certs "$E/vcek.der" "$E/chain.pem" "${T[@]}" --policy "$tmp/pol.json"
has "^fail +snp.measurement"; has "^pass +snp.vmpl"
echo '{"snp": {"minimum_tcb": {"snp": 9}}}' >"$tmp/tcb.json"
expect 1 "TCB below minimum" -- "$AV" snp "$E/report.bin" --certs "$E/vcek.der" "$E/chain.pem" "${T[@]}" --policy "$tmp/tcb.json"
has "^fail +snp.tcb.minimum"

# JSON
expect 0 "--json accepted" -- "$AV" snp "$E/report.bin" --certs "$E/vcek.der" "$E/chain.pem" "${T[@]}" --json
python3 - "$tmp/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["verdict"] == "accepted", d["verdict"]
names = {c["name"]: c["result"] for c in d["checks"]}
assert names["snp.signature"] == "pass" and names["snp.measurement"] == "info", names
assert d["claims"]["snp"]["product"] == "Milan" and d["claims"]["snp"]["version"] == 3, d["claims"]
assert d["claims"]["snp"]["report_data"].startswith("000102"), d["claims"]
PY
expect 1 "--json rejected" -- "$AV" snp "$E/report_debug.bin" --certs "$E/vcek.der" "$E/chain.pem" "${T[@]}" --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["verdict"]=="rejected"' "$tmp/out"

# bad input: exit 2, one line naming the problem, nothing on stdout
echo '{"snp": {"measurment": []}}' >"$tmp/bad.json"
expect 2 "unknown policy key" -- "$AV" snp "$E/report.bin" --policy "$tmp/bad.json"; has "unknown key snp.measurment" err
[ -s "$tmp/out" ] && { echo "FAIL: stdout not empty on bad input"; fails=$((fails + 1)); }
head -c 1000 "$E/report.bin" >"$tmp/short.bin"
expect 2 "short report" -- "$AV" snp "$tmp/short.bin"; has "1184 bytes" err
expect 2 "missing report file" -- "$AV" snp "$tmp/nope.bin"
expect 2 "bad --at-time" -- "$AV" snp "$E/report.bin" --at-time 01/02/2025; has "ISO 8601" err
expect 2 "bad --nonce" -- "$AV" snp "$E/report.bin" --nonce xyz
expect 2 "bad certificate file" -- "$AV" snp "$E/report.bin" --certs "$E/report.bin"
expect 2 "bad --trust-root" -- "$AV" snp "$E/report.bin" --trust-root "$tmp/nope.pem"

# real vectors, where present
if [ -r "$V/milan-v2/report.bin" ]; then
  expect 0 "vector milan-v2 verifies" -- "$AV" snp "$V/milan-v2/report.bin" --certs "$V/milan-v2/vcek.der" "$V/milan-v2/ask_ark.pem" --at-time 2025-01-01
  has "^pass +snp.chain.root +.*AMD ARK-Milan"
  expect 1 "vector milan-v2-debug rejected (debug)" -- "$AV" snp "$V/milan-v2-debug/report.bin" --certs "$V/milan-v2-debug/vcek.der" "$V/milan-v2-debug/ask_ark.pem" --at-time 2025-01-01
  has "^fail +snp.guest_policy"
  expect 0 "vector milan-v2-tcb-lag verifies" -- "$AV" snp "$V/milan-v2-tcb-lag/report.bin" --certs "$V/milan-v2-tcb-lag/vcek.der" "$V/roots/milan_vcek_ask_ark.pem" --at-time 2025-01-01
  for f in "$V"/invalid-vcek/*.der; do
    expect 1 "invalid VCEK $(basename "$f") fails the chain" -- "$AV" snp "$V/milan-v2-tcb-lag/report.bin" --certs "$f" "$V/roots/milan_vcek_ask_ark.pem" --at-time 2025-01-01
    has "^fail +snp.chain "
  done
else
  echo "note: vectors absent ($V), real-evidence cases skipped"
fi

[ $fails -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "all attest-verify snp CLI checks passed"
