# cvm-launch run boots the busybox guest under TCG, the guest prints its
# marker on the serial log, ls/status see it, stop shuts it down (ACPI
# powerdown), and the state and run dirs end clean.
source "$(dirname "$0")/lib.sh"

spec=$(write_spec it-run)
cvm run "$spec" --detach
wait_console it-run CVM-GUEST-READY 90 || fail "no guest marker on the console"
pass "guest booted under TCG and printed its marker"

cvm ls | grep -q '^it-run  *running' || fail "ls does not show the tenant running"
cvm ls --json | grep -q '"name": *"it-run"' || fail "ls --json lacks the tenant"
cvm status it-run --json | grep -q '"guest_state": *"running"' || fail "status: QMP run state not running"
[ -f "$T/state/tenants/it-run/record.json" ] || fail "no launch record"
grep -q '"used": *"tcg"' "$T/state/tenants/it-run/record.json" || fail "record lacks accel tcg"
# the full sandbox (launcher/sandbox*.c): verified on every thread, recorded
rec=$T/state/tenants/it-run/record.json
grep -q '"sandbox_verified": *true' "$rec" || fail "record: sandbox not verified"
grep -q '"mode": *"enforce"' "$rec" || fail "record: seccomp not enforcing"
grep -Eq '"bpf_sha256": *"[0-9a-f]{64}"' "$rec" || fail "record: no BPF hash"
gpid=$(sed -n 's/.*"guest_pid": *\([0-9]*\).*/\1/p' "$T/state/tenants/it-run/state.json" | head -1)
for st in /proc/$gpid/task/*/status; do
  grep -q "^Seccomp:\s*2$" "$st" && grep -q "^NoNewPrivs:\s*1$" "$st" && grep -q "^CapEff:\s*0*$" "$st" \
    && grep -Eq "^Uid:\s+2[0-9]{5}\s" "$st" || fail "thread $st of QEMU is not confined"
done
pass "ls, status (QMP) and the launch record agree"

out=$(cvm stop it-run --timeout 60)
echo "$out"
echo "$out" | grep -q "stopped (powerdown)" || fail "guest did not power down cleanly: $out"
grep -q '"how":"exited"' "$T/state/history.jsonl" || fail "history lacks the exit"
assert_clean
pass "stop powered the guest down and released everything"

set +e
cvm status it-run >/dev/null 2>"$T/err"; rc=$?
set -e
[ $rc -eq 2 ] || fail "status of a gone tenant: exit $rc, want 2"
grep -qx "cvm-launch: no tenant named 'it-run'" "$T/err" || fail "wrong message: $(cat "$T/err")"
pass "status of a gone tenant is a clear error"
