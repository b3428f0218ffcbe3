#!/usr/bin/env bash
# Launch evidence round trip with a real guest: swtpm as the host TPM, a
# TCG guest launched by cvm-launch run (the supervisor records the launch
# in the event log and PCR 23), `cvm-launch evidence` quotes it with a
# nonce, `attest-verify bundle` accepts it under a policy pinning the AK,
# and rejects a wrong nonce, an untrusted AK, a policy the record does not
# meet, and a bundle whose record was edited.
source "$(dirname "$0")/lib.sh"
command -v swtpm >/dev/null || skip "swtpm is not installed"
command -v python3 >/dev/null || skip "python3 is needed to read and edit the bundle"
: "${ATTEST_VERIFY:?ATTEST_VERIFY not set (run through ctest)}"

tcti=$(bash "$CVM_SOURCE_DIR/scripts/swtpm.sh" start "$T/swtpm") || skip "swtpm would not start"
stop_all() {
	"$CVM_LAUNCH" --host-config "$HOSTCFG" stop it-ev --timeout 20 >/dev/null 2>&1 || true
	bash "$CVM_SOURCE_DIR/scripts/swtpm.sh" stop "$T/swtpm" || true
	cleanup_t
}
trap stop_all EXIT
cat >"$HOSTCFG" <<JSON
{"state_dir": "$T/state", "run_dir": "$T/run", "tpm_tcti": "$tcti", "tpm_pcr": 23}
JSON

spec=$(write_spec it-ev)
cvm run "$spec" --detach
wait_console it-ev CVM-GUEST-READY 90 || fail "no guest marker on the console"
[ -f "$T/state/eventlog.jsonl" ] ||
	skip "the supervisor did not record launch evidence (cvm_evidence_record_launch is not wired into the launch yet)"
grep -q '"record":"it-ev/' "$T/state/eventlog.jsonl" || fail "event log lacks the launch: $(cat "$T/state/eventlog.jsonl")"
cmp -s <(sha256sum <"$T/state/tenants/it-ev/record.json" | cut -c1-64) \
	<(sed -n 's/.*"digest":"\([0-9a-f]*\)".*"record":"it-ev.*/\1/p' "$T/state/eventlog.jsonl" | tail -1) ||
	fail "the logged digest is not the SHA-256 of record.json"
pass "the launch is in the event log with the record's SHA-256"

nonce=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
cvm evidence it-ev --nonce "$nonce" -o "$T/ev.json" || fail "cvm-launch evidence failed"
[ -s "$T/ev.json" ] || fail "no bundle written"

# A policy pinning this TPM's AK and the record's own seccomp/SELinux state
# and, once the launcher drops to a tenant uid, its uid range (what this
# host and build could apply: the policy mechanics are unit-tested; this
# test is about the evidence chain).
python3 - "$T" <<'EOF' || fail "cannot build the policies"
import base64, hashlib, json, subprocess, sys
t = sys.argv[1]
b = json.load(open(t + '/ev.json'))
der = subprocess.run(['openssl', 'pkey', '-pubin', '-outform', 'DER'], input=b['tpm']['ak_pem'].encode(),
                     capture_output=True, check=True).stdout
fp = hashlib.sha256(der).hexdigest()
rec = json.loads(base64.b64decode(b['records'][0]))
lr = {'tenant': 'it-ev'}
if isinstance(rec.get('uid'), int) and rec['uid'] > 0:
    lr.update({'uid_range': [200000, 299999], 'require_unique_uid': True})
for key, flag in (('sandbox_verified', 'require_sandbox_verified'), ('no_new_privs', 'require_no_new_privs')):
    if rec.get(key) is True:
        lr[flag] = True
if rec.get('capabilities') == 'none':
    lr['require_no_capabilities'] = True
if isinstance(rec.get('namespaces'), list) and rec['namespaces']:
    lr['namespaces'] = rec['namespaces']
ll = rec.get('landlock')
if isinstance(ll, dict) and ll.get('state'):
    lr['landlock'] = ll['state']
for k, path in (('seccomp', ('seccomp', 'mode')), ('selinux', ('selinux', 'state'))):
    v = rec.get(path[0])
    if isinstance(v, dict) and isinstance(v.get(path[1]), str) and v[path[1]]:
        lr[k] = v[path[1]]
good = {'tpm': {'trusted_ak_sha256': [fp], 'pcr': 23}, 'launch_record': lr}
json.dump(good, open(t + '/good.json', 'w'))
json.dump({'tpm': {'trusted_ak_sha256': ['00' * 32]}, 'launch_record': lr}, open(t + '/stranger.json', 'w'))
strict = dict(lr, tenant='someone-else')
json.dump({'tpm': good['tpm'], 'launch_record': strict}, open(t + '/strict.json', 'w'))
# the record edited after the fact (uid changed), everything else intact
txt = base64.b64decode(b['records'][0]).decode()
b['records'][0] = base64.b64encode(txt.replace('"uid":', '"uid": ', 1).encode()).decode()
json.dump(b, open(t + '/edited.json', 'w'))
EOF

av() { "$ATTEST_VERIFY" bundle "$@" >"$T/av.out" 2>&1; echo $?; }
rc=$(av "$T/ev.json" --policy "$T/good.json" --nonce "$nonce")
[ "$rc" -eq 0 ] || { cat "$T/av.out"; fail "valid bundle rejected (exit $rc)"; }
cat "$T/av.out"
grep -q "pass  eventlog.replay" "$T/av.out" || fail "no replay check in the verdict"
pass "attest-verify bundle accepts the launch evidence"

rc=$(av "$T/ev.json" --policy "$T/good.json" --nonce "00$nonce")
[ "$rc" -eq 1 ] && grep -q "fail  tpm.nonce" "$T/av.out" || fail "wrong nonce: exit $rc"
rc=$(av "$T/ev.json" --policy "$T/stranger.json" --nonce "$nonce")
[ "$rc" -eq 1 ] && grep -q "fail  tpm.ak_trusted" "$T/av.out" || fail "untrusted AK: exit $rc"
rc=$(av "$T/ev.json" --policy "$T/strict.json" --nonce "$nonce")
[ "$rc" -eq 1 ] && grep -q "fail  record.tenant" "$T/av.out" || fail "policy not met: exit $rc"
rc=$(av "$T/edited.json" --policy "$T/good.json" --nonce "$nonce")
[ "$rc" -eq 1 ] && grep -q "fail  record.logged" "$T/av.out" || fail "edited record: exit $rc"
rc=$(av "$T/ev.json" --nonce "$nonce")
[ "$rc" -eq 2 ] || fail "bundle without --policy: exit $rc, want 2"
pass "wrong nonce, untrusted AK, unmet policy and an edited record are rejected"

# A second launch of the same tenant extends again; the new bundle carries
# the new record and still replays.
cvm stop it-ev --timeout 60 >/dev/null || fail "stop failed"
cvm run "$spec" --detach
wait_console it-ev CVM-GUEST-READY 90 || fail "no guest marker after relaunch"
cvm evidence it-ev --nonce "$nonce" -o "$T/ev2.json" || fail "evidence after relaunch failed"
[ "$(grep -c '"record":"it-ev/' "$T/state/eventlog.jsonl")" -eq 2 ] || fail "the relaunch is not logged"
rc=$(av "$T/ev2.json" --policy "$T/good.json" --nonce "$nonce")
[ "$rc" -eq 0 ] || { cat "$T/av.out"; fail "bundle after relaunch rejected (exit $rc)"; }
pass "a relaunch is logged and verifies"
