# The spec's `selinux:` modes on this host, with a stand-in emulator (no
# guest boot needed): `require` where the kernel has no usable SELinux exits
# 2 with one line naming the reason and changes nothing; `auto` runs and the
# launch record says "unavailable" with the reason; `off` records "off".
# Hosts that do run SELinux are covered by tests/selinux-vm.
source "$(dirname "$0")/lib.sh"

FAKE=$CVM_TEST_HELPERS/svirt_fake_qemu
[ -x "$FAKE" ] || skip "helper svirt_fake_qemu not built"
if "$CVM_LAUNCH" --host-config "$HOSTCFG" probe --json | grep -q '"svirt_usable": *true'; then
  skip "this host has usable SELinux: the 'unavailable' paths cannot be shown here (see selinux-vm)"
fi
echo "{\"state_dir\": \"$T/state\", \"run_dir\": \"$T/run\", \"emulator\": \"$FAKE\"}" > "$T/host.json"
fcvm() { "$CVM_LAUNCH" --host-config "$T/host.json" "$@"; }
echo "not a kernel" > "$T/vmlinuz"
echo "disk" > "$T/disk.img"
spec() { # spec NAME MODE
  echo "{\"name\": \"$1\", \"kernel\": \"$T/vmlinuz\", \"accel\": \"tcg\", \"memory_mib\": 64,
 \"disks\": [{\"path\": \"$T/disk.img\"}], \"selinux\": \"$2\"}" > "$T/$1.json"
  echo "$T/$1.json"
}

# require: exit 2, one line, nothing created.
set +e
fcvm run "$(spec req require)" >/dev/null 2>"$T/err"; rc=$?
set -e
[ $rc -eq 2 ] || fail "selinux: require on a host without SELinux: exit $rc, want 2 ($(cat "$T/err"))"
[ "$(wc -l < "$T/err")" -eq 1 ] || fail "want one line, got: $(cat "$T/err")"
grep -q "selinux: require, but this host cannot confine guests: SELinux is not enabled" "$T/err" ||
  fail "unexpected message: $(cat "$T/err")"
[ ! -e "$T/state/tenants/req" ] && [ ! -e "$T/run/req" ] || fail "require left state behind"
pass "selinux: require without SELinux exits 2 before any change: $(cat "$T/err")"

# auto: runs, the record says unavailable (with the reason), stop is clean.
fcvm run "$(spec auto1 auto)" --detach >/dev/null
rec=$T/state/tenants/auto1/record.json
python3 - "$rec" <<'PY' || fail "record's selinux section is wrong: $(cat "$rec")"
import json, sys
s = json.load(open(sys.argv[1]))["selinux"]
assert s["state"] == "unavailable", s
assert s["mode"] == "auto", s
assert "not enabled" in s["reason"], s
PY
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["mcs"] == ""' "$T/state/tenants/auto1/state.json" ||
  fail "auto without SELinux allocated an MCS pair"
fcvm stop auto1 >/dev/null
[ ! -e "$T/state/tenants/auto1" ] || fail "auto1 not released"
pass "selinux: auto without SELinux runs and records \"unavailable\" with the reason"

# off: records off.
fcvm run "$(spec off1 off)" --detach >/dev/null
python3 - "$T/state/tenants/off1/record.json" <<'PY' || fail "record's selinux section is not off"
import json, sys
s = json.load(open(sys.argv[1]))["selinux"]
assert s == {"state": "off", "mode": "off"}, s
PY
fcvm stop off1 >/dev/null
pass "selinux: off records \"off\""

# probe reports the SELinux state with its reason.
fcvm probe --json | python3 -c '
import json, sys
s = json.load(sys.stdin)["selinux"]
assert s["available"] is False and s["svirt_usable"] is False, s
assert s["mode"] == "disabled" and "not enabled" in s["reason"], s
' || fail "probe --json selinux section"
pass "probe reports SELinux disabled with the reason"
