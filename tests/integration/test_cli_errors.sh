# Bad input at the command line: exit 2, one line naming the problem, and
# nothing created on disk.
source "$(dirname "$0")/lib.sh"

expect() { # expect RC 'MESSAGE' cmd...
  local want_rc=$1 want_msg=$2; shift 2
  set +e; "$@" >/dev/null 2>"$T/err"; local rc=$?; set -e
  [ "$rc" -eq "$want_rc" ] || fail "$*: exit $rc, want $want_rc ($(cat "$T/err"))"
  [ "$(wc -l < "$T/err")" -eq 1 ] || fail "$*: want one line, got: $(cat "$T/err")"
  grep -qF -- "$want_msg" "$T/err" || fail "$*: got '$(cat "$T/err")', want '$want_msg'"
}

g=$(guest_dir)
expect 2 "spec: $T/none.json: No such file or directory" cvm run "$T/none.json"
echo '{"name":"x","kernel":"/k","colour":"red"}' > "$T/bad.json"
expect 2 "$T/bad.json: colour: unknown key" cvm run "$T/bad.json"
echo '{"name":"x","kernel":"/nonexistent/vmlinuz"}' > "$T/nokernel.json"
expect 2 "kernel /nonexistent/vmlinuz: No such file or directory" cvm run "$T/nokernel.json"
printf '{"name":"x","kernel":"%s/vmlinuz","disks":[{"path":"/nonexistent.img"}]}' "$g" > "$T/nodisk.json"
expect 2 "disks[0] /nonexistent.img: No such file or directory" cvm run "$T/nodisk.json"
echo '{"emulator":"/nonexistent/qemu"}' > "$T/h1.json"
expect 2 "emulator /nonexistent/qemu: No such file or directory" \
  "$CVM_LAUNCH" --host-config "$T/h1.json" run "$(write_spec x)"
echo '{"state_dir":"relative"}' > "$T/h2.json"
expect 2 "host config: $T/h2.json: state_dir: must be an absolute path" "$CVM_LAUNCH" --host-config "$T/h2.json" ls
expect 2 "unknown command 'frobnicate'" cvm frobnicate
expect 2 "stop: --timeout: must be 0..3600 seconds" cvm stop x --timeout -1
expect 2 "run: expected exactly one SPEC file" cvm run
expect 2 "ls: bad option '--bogus' (try --help)" cvm ls --bogus
expect 2 "status: expected exactly one tenant NAME" cvm status
expect 2 "bad option '--zz' (try --help)" cvm --zz
printf '{"name":"x","kernel":"%s/vmlinuz","accel":"kvm"}' "$g" > "$T/kvm.json"
echo "{\"state_dir\": \"$T/state\", \"run_dir\": \"$T/run\", \"host_root\": \"$T/fakehost\"}" > "$T/h3.json"
expect 2 "accel kvm: KVM is not usable: cannot open $T/fakehost/dev/kvm" \
  "$CVM_LAUNCH" --host-config "$T/h3.json" run "$T/kvm.json"
# Confidential guests: refused before anything changes, naming what is missing.
printf '{"name":"x","firmware":"%s/vmlinuz","confidential":{"type":"sev-snp"}}' "$g" > "$T/snp.json"
mkdir -p "$T/snphost/sys/module/kvm_amd/parameters" "$T/snphost/dev" "$T/snphost/cvm-fake"
for p in sev sev_es sev_snp; do echo Y > "$T/snphost/sys/module/kvm_amd/parameters/$p"; done
touch "$T/snphost/dev/sev"; echo 0x1d > "$T/snphost/dev/kvm"
echo "0x1f 0x00000173 0x1fd 0x0" > "$T/snphost/cvm-fake/cpuid-8000001f"
echo "{\"state_dir\": \"$T/state\", \"run_dir\": \"$T/run\", \"host_root\": \"$T/snphost\"}" > "$T/h4.json"
qver=$(qemu-system-x86_64 --version | sed -n 's/.*version \([0-9]*\.[0-9]*\).*/\1/p')
if [ "${qver%%.*}" -lt 9 ]; then
  expect 2 "confidential.type sev-snp: QEMU $qver has no sev-snp-guest; 9.1 or newer is needed" \
    "$CVM_LAUNCH" --host-config "$T/h4.json" run "$T/snp.json"
fi
rm -rf "$T/state/cache"
assert_clean
[ ! -e "$T/run" ] || [ -z "$(ls -A "$T/run")" ] || fail "run dir created"
pass "every bad input: exit 2, one line, nothing on disk"

"$CVM_LAUNCH" --help | grep -q "usage: cvm-launch" || fail "--help"
"$CVM_LAUNCH" --version | grep -q "^cvm-launch " || fail "--version"
for c in probe run ls status stop demo; do
  "$CVM_LAUNCH" "$c" --help | grep -q "usage: cvm-launch $c" || fail "$c --help"
done
pass "--help and --version everywhere"
