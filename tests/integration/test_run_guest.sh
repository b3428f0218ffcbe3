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
