#!/usr/bin/env bash
# attest-verify bundle hands an SNP report inside the bundle to the SNP
# verifier: a real Milan report with its VCEK and KDS chain (public vector)
# put into a bundle whose TPM part is valid (fuzz seed made on swtpm). The
# SNP signature and chain must verify through the bundle; the report cannot
# bind this bundle's nonce nor match the record's measurement, so the
# verdict names exactly those.
set -uo pipefail
skip() { echo "skip: $*"; exit 77; }
[ -n "${ATTEST_VERIFY:-}" ] && [ -x "$ATTEST_VERIFY" ] || skip "attest-verify was not built"
command -v python3 >/dev/null || skip "python3 is needed to edit the bundle"
vec=${CVM_VECTORS_DIR:-}/snp/milan-v2
[ -f "$vec/report.bin" ] || skip "SNP vector $vec absent"
seed=$CVM_SOURCE_DIR/tests/fuzz/corpus/fuzz_bundle/bundle-db.json
nonce=01080f161d242b323940474e555c636a71787f868d949ba2a9b0b7bec5ccd3da

work=$(mktemp -d /tmp/cvm-bundle-snp.XXXXXX)
trap 'rm -rf "$work"' EXIT
python3 - "$seed" "$vec" "$work" <<'PY' || exit 1
import base64, hashlib, json, subprocess, sys
seed, vec, work = sys.argv[1:]
b = json.load(open(seed))
b['snp'] = {'report': base64.b64encode(open(vec + '/report.bin', 'rb').read()).decode(),
            'vcek': base64.b64encode(open(vec + '/vcek.der', 'rb').read()).decode(),
            'chain': open(vec + '/ask_ark.pem').read()}
json.dump(b, open(work + '/b.json', 'w'))
der = subprocess.run(['openssl', 'pkey', '-pubin', '-outform', 'DER'], input=b['tpm']['ak_pem'].encode(),
                     capture_output=True, check=True).stdout
json.dump({'tpm': {'trusted_ak_sha256': [hashlib.sha256(der).hexdigest()]}}, open(work + '/p.json', 'w'))
PY
"$ATTEST_VERIFY" bundle "$work/b.json" --policy "$work/p.json" --nonce $nonce --at-time 2025-01-01 >"$work/out" 2>&1
rc=$?
cat "$work/out"
fail=0
for want in "pass  tpm.signature" "pass  eventlog.replay" "pass  snp.signature" "pass  snp.chain" \
	"fail  snp.report_data" "fail  snp.measurement_matches_record"; do
	grep -q "^$want " "$work/out" || { echo "FAIL: no '$want'"; fail=1; }
done
[ $rc -eq 1 ] || { echo "FAIL: exit $rc, want 1 (rejected)"; fail=1; }
exit $fail
