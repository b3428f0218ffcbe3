#!/usr/bin/env bash
# A TDX quote carried in a cvm-evidence/1 bundle, end to end without a
# guest: swtpm as the host TPM, a TDX launch record put into the launcher's
# evidence store and extended into PCR 23 (what the supervisor does at
# launch), a TDX quote and PCS collateral signed by a throwaway PKI
# (tdx_mkquote; its REPORTDATA is the raw nonce 00112233...ff), then
# `cvm-launch evidence --tdx-quote --tdx-collateral` and `attest-verify
# bundle`. Accepted with the matching nonce and the throwaway root trusted;
# rejected naming tdx.pck_chain without that root, tdx.report_data under a
# sha256 nonce binding, policy.confidential_type under a policy requiring
# sev-snp, tdx.quote_signature for a flipped MRTD byte, tdx.pck_crl for a
# CRL in the collateral that revokes the PCK, and tdx.record_type
# for the public TPM-quoted seed bundle (a launch without confidential
# computing) given the same quote. Bad producer options are exit 2.
set -uo pipefail
skip() { echo "skip: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "PASS: $*"; }
[ -n "${ATTEST_VERIFY:-}" ] && [ -x "$ATTEST_VERIFY" ] || skip "attest-verify was not built"
[ -n "${CVM_LAUNCH:-}" ] && [ -x "$CVM_LAUNCH" ] || skip "cvm-launch was not built"
mkq=${CVM_TEST_HELPERS:-}/tdx_mkquote
[ -x "$mkq" ] || skip "tdx_mkquote helper was not built"
for t in swtpm tpm2_pcrextend python3 openssl; do
	command -v "$t" >/dev/null || skip "$t is not installed"
done

work=$(mktemp -d /tmp/cvm-bundle-tdx.XXXXXX)
cleanup() {
	bash "$CVM_SOURCE_DIR/scripts/swtpm.sh" stop "$work/swtpm" >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT
"$mkq" "$work/q" || fail "tdx_mkquote failed"
tcti=$(bash "$CVM_SOURCE_DIR/scripts/swtpm.sh" start "$work/swtpm") || skip "swtpm would not start"
nonce=00112233445566778899aabbccddeeff

# The record and its log entry as cvm_evidence_record_launch writes them.
mkdir -p "$work/state/evidence/records"
cat >"$work/host.json" <<JSON
{"state_dir": "$work/state", "run_dir": "$work/run", "tpm_tcti": "$tcti", "tpm_pcr": 23}
JSON
printf '%s' '{"format":"cvm-launch-record/1","tenant":"td1","uuid":"0b6f3c1e-tdx","uid":200001,"gid":200001,"seccomp":{"mode":"enforce"},"confidential":{"type":"tdx","policy":null,"expected_measurement":null}}' \
	>"$work/rec.json"
digest=$(sha256sum <"$work/rec.json" | cut -c1-64)
cp "$work/rec.json" "$work/state/evidence/records/$digest.json"
printf '{"seq":1,"pcr":23,"digest":"%s","record":"td1/0b6f3c1e-tdx"}\n' "$digest" >"$work/state/eventlog.jsonl"
TPM2TOOLS_TCTI=$tcti tpm2_pcrextend "23:sha256=$digest" || fail "tpm2_pcrextend failed"

cvm() { "$CVM_LAUNCH" --host-config "$work/host.json" "$@"; }
cvm evidence td1 --nonce $nonce -o "$work/ev.json" --tdx-quote "$work/q/v4_nonce.dat" \
	--tdx-collateral "$work/q/coll" || fail "cvm-launch evidence --tdx-quote failed"
python3 - "$work" <<'PY' || fail "cannot read the bundle or write the policies"
import base64, hashlib, json, subprocess, sys
w = sys.argv[1]
b = json.load(open(w + '/ev.json'))
assert base64.b64decode(b['tdx']['quote']) == open(w + '/q/v4_nonce.dat', 'rb').read(), 'quote bytes differ'
assert b['tdx']['collateral']['tcb_info'] == open(w + '/q/coll/tcbInfo.json').read(), 'tcbInfo.json differs'
assert 'snp' not in b
der = subprocess.run(['openssl', 'pkey', '-pubin', '-outform', 'DER'], input=b['tpm']['ak_pem'].encode(),
                     capture_output=True, check=True).stdout
tpm = {'trusted_ak_sha256': [hashlib.sha256(der).hexdigest()]}
lr = {'confidential_type': 'tdx', 'seccomp': 'enforce'}
json.dump({'confidential_type': 'tdx', 'tpm': tpm, 'launch_record': lr}, open(w + '/good.json', 'w'))
json.dump({'confidential_type': 'tdx', 'nonce_binding': 'sha256', 'tpm': tpm, 'launch_record': lr},
          open(w + '/sha.json', 'w'))
json.dump({'confidential_type': 'sev-snp', 'tpm': tpm}, open(w + '/snp.json', 'w'))
q = bytearray(base64.b64decode(b['tdx']['quote']))
q[48 + 16 + 48 + 48 + 24] ^= 1  # MRTD, under the attestation key's signature
b['tdx']['quote'] = base64.b64encode(bytes(q)).decode()
json.dump(b, open(w + '/tampered.json', 'w'))
PY
pass "cvm-launch evidence carries the TDX quote and collateral byte for byte"

av() { # av BUNDLE POLICY [args]: exit code; output in $work/out
	local bundle=$1 pol=$2; shift 2
	"$ATTEST_VERIFY" bundle "$bundle" --policy "$pol" --at-time 2026-03-01 "$@" >"$work/out" 2>&1
	echo $?
}
has() { grep -q "^$1 " "$work/out" || { cat "$work/out"; fail "no '$1' in the verdict"; }; }

rc=$(av "$work/ev.json" "$work/good.json" --nonce $nonce --trust-root "$work/q/root.pem")
cat "$work/out"
[ "$rc" -eq 0 ] || fail "valid TDX bundle rejected (exit $rc)"
for c in "pass  tpm.nonce" "pass  eventlog.replay" "pass  record.confidential_type" "pass  tdx.record_type" \
	"pass  tdx.pck_chain" "pass  tdx.quote_signature" "pass  tdx.report_data" "pass  tdx.tcb_info_signature" \
	"pass  tdx.tcb_status" "pass  policy.confidential_type"; do
	has "$c"
done
pass "attest-verify bundle accepts the TDX bundle"

rc=$(av "$work/ev.json" "$work/good.json" --nonce $nonce)
[ "$rc" -eq 1 ] || fail "throwaway root not trusted: exit $rc, want 1"
has "fail  tdx.pck_chain"
rc=$(av "$work/ev.json" "$work/sha.json" --nonce $nonce --trust-root "$work/q/root.pem")
[ "$rc" -eq 1 ] || fail "sha256 nonce binding: exit $rc, want 1"
has "fail  tdx.report_data"
has "pass  tpm.nonce"
rc=$(av "$work/ev.json" "$work/snp.json" --nonce $nonce --trust-root "$work/q/root.pem")
[ "$rc" -eq 1 ] || fail "policy requiring sev-snp: exit $rc, want 1"
has "fail  policy.confidential_type"
rc=$(av "$work/tampered.json" "$work/good.json" --nonce $nonce --trust-root "$work/q/root.pem")
[ "$rc" -eq 1 ] || fail "tampered quote: exit $rc, want 1"
has "fail  tdx.quote_signature"
pass "untrusted root, wrong nonce binding, policy type and a tampered quote are rejected"

# A PCK CRL in the collateral folder travels in the bundle and revokes.
cp -r "$work/q/coll" "$work/coll_rev" && cp "$work/q/pckcrl_revoked.der" "$work/coll_rev/pckcrl.der" || fail "cp"
cvm evidence td1 --nonce $nonce -o "$work/rev.json" --tdx-quote "$work/q/v4_nonce.dat" \
	--tdx-collateral "$work/coll_rev" || fail "cvm-launch evidence with a CRL failed"
grep -q '"pck_crl"' "$work/rev.json" || fail "the bundle lacks the PCK CRL"
rc=$(av "$work/rev.json" "$work/good.json" --nonce $nonce --trust-root "$work/q/root.pem")
[ "$rc" -eq 1 ] || fail "revoked PCK: exit $rc, want 1"
has "fail  tdx.pck_crl"
pass "a PCK CRL carried in the bundle revokes"

# The seed bundle (valid TPM part, record of confidential type "none") with
# this TDX quote: the quote verifies but does not belong to that launch.
python3 - "$CVM_SOURCE_DIR/tests/fuzz/corpus/fuzz_bundle/bundle-db.json" "$work" <<'PY' || fail "cannot edit the seed"
import base64, hashlib, json, subprocess, sys
seed, w = sys.argv[1:]
b = json.load(open(seed))
b['tdx'] = {'quote': base64.b64encode(open(w + '/q/v4.dat', 'rb').read()).decode()}
json.dump(b, open(w + '/seed.json', 'w'))
der = subprocess.run(['openssl', 'pkey', '-pubin', '-outform', 'DER'], input=b['tpm']['ak_pem'].encode(),
                     capture_output=True, check=True).stdout
json.dump({'tpm': {'trusted_ak_sha256': [hashlib.sha256(der).hexdigest()]}}, open(w + '/seedpol.json', 'w'))
PY
rc=$(av "$work/seed.json" "$work/seedpol.json" --nonce 01080f161d242b323940474e555c636a71787f868d949ba2a9b0b7bec5ccd3da \
	--trust-root "$work/q/root.pem")
[ "$rc" -eq 1 ] || fail "TDX quote with a non-TDX record: exit $rc, want 1"
has "pass  tpm.signature"
has "pass  tdx.quote_signature"
has "fail  tdx.record_type"
has "fail  tdx.report_data"
pass "a TDX quote next to a non-TDX launch record is rejected"

# Producer errors: one line, exit 2, nothing written.
bad() { # bad WANT ARGS...
	local want=$1; shift
	cvm evidence td1 --nonce $nonce -o "$work/bad.json" "$@" >"$work/err" 2>&1
	local rc=$?
	[ "$rc" -eq 2 ] || { cat "$work/err"; fail "evidence $*: exit $rc, want 2"; }
	grep -q "$want" "$work/err" || { cat "$work/err"; fail "evidence $*: no '$want'"; }
	[ ! -e "$work/bad.json" ] || fail "evidence $*: wrote a bundle"
}
bad "without a TDX quote" --tdx-collateral "$work/q/coll"
bad "one or the other" --tdx-quote "$work/q/v4.dat" --snp-report "$work/q/v4.dat"
bad "is not a TDX quote" --tdx-quote "$work/q/root.pem"
bad "no tcbInfo.json" --tdx-quote "$work/q/v4.dat" --tdx-collateral "$work/q"
pass "bad --tdx-* options are refused"
exit 0
