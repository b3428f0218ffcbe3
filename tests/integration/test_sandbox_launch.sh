#!/usr/bin/env bash
# `cvm-launch run` with the hostile payload as the tenant's emulator (host
# config "emulator"): the real run path allocates a uid under the host-wide
# lock, sandboxes, verifies every thread from /proc and records the result.
#  1. fake-emulator mode (payload serves QMP): record + /proc checks per thread;
#     two tenants get different uids
#  2. 50 launches in parallel never share a uid; all released afterwards
#  3. exhausting the uid range: exit 3, clear message, nothing leaked
#  4. each escape attempt through the real launcher: logged, then killed by
#     SIGSYS or denied with the expected errno
source "$(dirname "$0")/lib.sh"
PAYLOAD=$CVM_TEST_HELPERS/hostile_payload
[ -x "$PAYLOAD" ] || fail "hostile_payload not built"
chmod 755 "$CVM_TEST_HELPERS" 2>/dev/null || true

# set_hostcfg MIN MAX: the payload as emulator, a private uid range
set_hostcfg() {
  cat > "$HOSTCFG" <<JSON
{"state_dir": "$T/state", "run_dir": "$T/run", "emulator": "$PAYLOAD", "uid_range": [$1, $2]}
JSON
}
# payload_spec NAME CMDLINE: a spec whose kernel/initrd exist and are readable
mkdir -p "$T/img"; echo k > "$T/img/k"; echo i > "$T/img/i"; chmod 755 "$T/img"; chmod 644 "$T/img/"*
payload_spec() {
  cat > "$T/$1.json" <<JSON
{"name": "$1", "kernel": "$T/img/k", "initrd": "$T/img/i", "cmdline": "$2", "accel": "tcg", "memory_mib": 64}
JSON
  echo "$T/$1.json"
}
uid_of() { sed -n 's/.*"uid": *\([0-9]*\).*/\1/p' "$T/state/tenants/$1/state.json" | head -1; }
pid_of() { sed -n 's/.*"guest_pid": *\([0-9]*\).*/\1/p' "$T/state/tenants/$1/state.json" | head -1; }

# --- 1. record and /proc, two tenants -----------------------------------------
set_hostcfg 270000 270099
cvm run "$(payload_spec fa "hostile_threads=3")" --detach
cvm run "$(payload_spec fb "hostile_threads=1")" --detach
ua=$(uid_of fa); ub=$(uid_of fb)
[ -n "$ua" ] && [ -n "$ub" ] && [ "$ua" != "$ub" ] || fail "two tenants share uid $ua/$ub"
[ "$ua" -ge 270000 ] && [ "$ua" -le 270099 ] || fail "uid $ua outside the configured range"
rec=$T/state/tenants/fa/record.json
python3 - "$rec" "$ua" <<'PY' || fail "launch record lacks the sandbox results: $(cat "$rec")"
import json, sys
r = json.load(open(sys.argv[1])); uid = int(sys.argv[2])
assert r["sandbox_verified"] is True, r
assert r["seccomp"]["mode"] == "enforce" and len(r["seccomp"]["bpf_sha256"]) == 64, r["seccomp"]
assert r["seccomp"]["policy"] == "qemu-system-x86_64.policy"
assert r["seccomp"]["default_action"] == "kill-process"
assert r["landlock"]["state"] == "enforced" and r["landlock"]["abi"] >= 1, r["landlock"]
for ns in ("mnt", "pid", "ipc", "uts", "net"):
    assert ns in r["namespaces"], r["namespaces"]
assert r["no_new_privs"] is True and r["capabilities"] == "none"
assert r["uid"] == uid and r["gid"] == uid
assert r["sandbox"]["tasks_verified"] == 4, r["sandbox"]   # main + 3 threads
PY
pass "launch record: verified, seccomp enforce + BPF hash, landlock enforced, namespaces, uid $ua"
# the same claims, checked independently from the test, for every thread
pid=$(pid_of fa); n=0
for st in /proc/$pid/task/*/status; do
  n=$((n+1))
  grep -Eq "^Uid:\s+$ua\s+$ua\s+$ua\s+$ua$" "$st" || fail "$st: uid"
  grep -Eq "^Gid:\s+$ua\s+$ua\s+$ua\s+$ua$" "$st" || fail "$st: gid"
  for c in CapInh CapPrm CapEff CapBnd CapAmb; do grep -q "^$c:\s*0000000000000000$" "$st" || fail "$st: $c"; done
  grep -q "^NoNewPrivs:\s*1$" "$st" || fail "$st: NoNewPrivs"
  grep -q "^Seccomp:\s*2$" "$st" || fail "$st: Seccomp"
done
[ $n -eq 4 ] || fail "expected 4 threads, saw $n"
pass "every thread of the guest process: tenant uid/gid, no capabilities, NoNewPrivs 1, Seccomp 2"
cvm stop fa --timeout 20 >/dev/null; cvm stop fb --timeout 20 >/dev/null
assert_clean
pass "two tenants: uids $ua and $ub; stopped and released"

# --- 2. 50 launches in parallel --------------------------------------------------
N=50
for i in $(seq 1 $N); do
  payload_spec "p$i" "hostile_threads=0" >/dev/null
  ( cvm run "$T/p$i.json" --detach > "$T/p$i.out" 2>&1 || echo "rc=$?" >> "$T/p$i.out" ) &
done
wait
for i in $(seq 1 $N); do grep -q "running" "$T/p$i.out" || fail "launch p$i: $(cat "$T/p$i.out")"; done
uids=$(for i in $(seq 1 $N); do uid_of "p$i"; done | sort)
[ "$(wc -l <<<"$uids")" -eq $N ] || fail "expected $N uids"
dups=$(uniq -d <<<"$uids")
[ -z "$dups" ] || fail "uids shared by live tenants: $dups"
pass "$N parallel launches: $N distinct uids ($(head -1 <<<"$uids")..$(tail -1 <<<"$uids"))"
for i in $(seq 1 $N); do cvm stop "p$i" --timeout 20 >/dev/null & done
wait
assert_clean
pass "all $N stopped and released"

# --- 3. exhaustion -------------------------------------------------------------------
set_hostcfg 271000 271001
cvm run "$(payload_spec x1 "")" --detach >/dev/null
cvm run "$(payload_spec x2 "")" --detach >/dev/null
set +e; out=$(cvm run "$(payload_spec x3 "")" 2>&1); rc=$?; set -e
[ $rc -eq 3 ] || fail "exhausted range: exit $rc, want 3: $out"
grep -q "no free tenant uid: every uid in 271000-271001 is used" <<<"$out" || fail "unclear message: $out"
[ ! -e "$T/state/tenants/x3" ] && [ ! -e "$T/run/x3" ] || fail "the failed launch left state behind"
pass "exhaustion: exit 3 ($out)"
cvm stop x1 --timeout 20 >/dev/null; cvm stop x2 --timeout 20 >/dev/null
assert_clean
cvm run "$(payload_spec x4 "")" --detach >/dev/null
[ "$(uid_of x4)" = 271000 ] || fail "freed uid not reused"
cvm stop x4 --timeout 20 >/dev/null
assert_clean
pass "nothing leaked: the freed range serves the next launch"

# --- 4. escape attempts through the real launcher -------------------------------
set_hostcfg 272000 272099
mkdir -p "$T/other"; echo secret > "$T/other/secret"; chown -R 272099:272099 "$T/other"; chmod 700 "$T/other"
mkdir -p "$T/pub"; chmod 1777 "$T/pub"
attempts=(
  "ptrace|1|kill" "mount|/tmp|kill" "unshare||kill" "setns||kill" "setuid0||kill" "capset||kill"
  "kexec_load||kill" "bpf||kill" "init_module||kill" "open_shadow||EACCES"
  "open_other_tenant|$T/other|EACCES" "int80||kill" "x32||kill" "exec_sh||EACCES"
  "write_outside|$T/pub/escape|EACCES" "fork||kill" "wx_mmap||kill"
)
fails=0
for row in "${attempts[@]}"; do
  IFS='|' read -r name arg want <<<"$row"
  set +e; out=$(cvm run "$(payload_spec "h-${name//_/-}" "hostile=$name${arg:+ hostile_arg=$arg}")" 2>&1); rc=$?; set -e
  if ! grep -qx "attempt $name" <<<"$out"; then echo "FAIL $name: attempt not logged: $out"; fails=$((fails+1)); continue; fi
  if [ "$want" = kill ]; then
    if [ $rc -eq 5 ] && grep -q "signal 31" <<<"$out" && ! grep -q "^$name:" <<<"$out"; then echo "ok   $name: killed by SIGSYS"
    else echo "FAIL $name: want SIGSYS, rc $rc: $out"; fails=$((fails+1)); fi
  else
    if grep -q "^$name: denied errno=[0-9]* ($want)" <<<"$out" && grep -q "status 10" <<<"$out"; then echo "ok   $name: denied ($want)"
    else echo "FAIL $name: want $want, rc $rc: $out"; fails=$((fails+1)); fi
  fi
done
[ ! -e "$T/pub/escape" ] || fail "write outside the run dir happened"
[ $fails -eq 0 ] || fail "$fails attempt(s) not contained"
assert_clean
pass "all ${#attempts[@]} attempts through cvm-launch run were made and contained; nothing left behind"
