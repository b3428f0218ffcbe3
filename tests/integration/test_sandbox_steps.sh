#!/usr/bin/env bash
# The sandbox steps one by one, seen from inside (the payload's own view) and
# from outside (/proc of the running guest), and the failure reports: a step
# that fails names itself ("step N (name): reason") and the launch exits 4.
. "$(dirname "$0")/sandbox_lib.sh"

UID_T=200300
RUN=$(make_run_dir steps $UID_T)
common=(--run-dir "$RUN" --uid $UID_T --policy "$POLICY" --landlock require --ram-mib 100)

# 1-3: fds, environment, namespaces, rlimits as the payload sees them. The
# driver runs with a stray fd 7 and a rich environment; neither may leak.
rm -f "$RUN/payload.log"
FOO=bar "$DRIVER" "${common[@]}" -- "$PAYLOAD" "$RUN" inspect 7</dev/null >/dev/null
log=$(cat "$RUN/payload.log")
echo "$log"
grep -qx "env 0" <<<"$log" || die "environment not cleared"
# 0-2 stdio, 3 the payload's log, 4 its opendir of /proc/self/fd: nothing else
grep -qx "fds 0 1 2 3 4 " <<<"$log" || die "stray fds passed: $(grep ^fds <<<"$log")"
grep -qx "hostname cvm-guest" <<<"$log" || die "no own uts namespace"
grep -qx "pid 1 uid $UID_T gid $UID_T" <<<"$log" || die "not pid 1 of its own pid namespace as the tenant"
grep -qx "rlimit core 0" <<<"$log" || die "core dumps not disabled"
grep -qx "rlimit nofile 4096" <<<"$log" || die "RLIMIT_NOFILE not set"
grep -qx "rlimit fsize $(( (100 + 64) << 20 ))" <<<"$log" || die "RLIMIT_FSIZE does not cover RAM + headroom"
echo "ok   fds, env, pid/uts namespaces, ids, rlimits"

# From outside, while the guest runs: its /dev and /proc, every thread checked.
rm -f "$RUN/payload.log"
"$DRIVER" "${common[@]}" --verify --verify-delay-ms 400 -- "$PAYLOAD" "$RUN" idle 3000 4 > "$WORK/idle.out" 2>&1 &
drv=$!
for _ in $(seq 100); do grep -q "^verify=" "$WORK/idle.out" 2>/dev/null && break; sleep 0.1; done
out=$(cat "$WORK/idle.out"); echo "$out"
grep -q "^verify=ok tasks=5 " <<<"$out" || die "expected 5 verified tasks (main + 4 threads): $out"
pid=$(sed -n 's/^exec=ok pid=\([0-9]*\).*/\1/p' <<<"$out")
dev=$(ls -A "/proc/$pid/root/dev" | tr '\n' ' ')
[ "$dev" = "fd null urandom zero " ] || die "private /dev holds: $dev"
[ "$(stat -c %a "/proc/$pid/root/dev/null")" = 666 ] || die "/dev/null mode"
procs=$(ls "/proc/$pid/root/proc" | grep -E '^[0-9]+$' | tr '\n' ' ')
[ "$procs" = "1 " ] || die "guest /proc shows other processes: $procs"
[ "$(readlink "/proc/$pid/ns/net")" != "$(readlink /proc/self/ns/net)" ] || die "no own net namespace"
mnt_dev=$(awk '$5=="/dev"{print $0}' "/proc/$pid/mountinfo")
grep -q " ro," <<<"$mnt_dev" || die "/dev is not read-only: $mnt_dev"
wait $drv
echo "ok   private /dev ($dev), own /proc, net namespace, 5 tasks verified"

# /dev/kvm, when asked for, is the tenant's own node.
if [ -c /dev/kvm ]; then
  "$DRIVER" "${common[@]}" --kvm --verify -- "$PAYLOAD" "$RUN" idle 1500 0 > "$WORK/kvm.out" 2>&1 &
  drv=$!
  for _ in $(seq 100); do grep -q "^verify=" "$WORK/kvm.out" 2>/dev/null && break; sleep 0.1; done
  pid=$(sed -n 's/^exec=ok pid=\([0-9]*\).*/\1/p' "$WORK/kvm.out")
  st=$(stat -c '%F %u %a %t:%T' "/proc/$pid/root/dev/kvm")
  [ "$st" = "character special file $UID_T 600 a:e8" ] || die "/dev/kvm in the guest: $st"
  wait $drv
  echo "ok   /dev/kvm is the tenant's (mode 600)"
fi

# A verification that fails stops the guest and fails the launch with exit 4.
set +e
out=$("$DRIVER" "${common[@]}" --verify --expect-uid 4242 -- "$PAYLOAD" "$RUN" idle 20000 0 2>&1); rc=$?
set -e
[ $rc -eq 4 ] || die "failed verification: expected exit 4, got $rc: $out"
grep -q "verify=FAIL reason=task [0-9]*: real uid $UID_T, expected 4242" <<<"$out" || die "unclear: $out"
pid=$(sed -n 's/^exec=ok pid=\([0-9]*\).*/\1/p' <<<"$out")
[ ! -d "/proc/$pid" ] || die "guest $pid still runs after a failed verification"
echo "ok   failed verification: guest stopped, exit 4"

# Failure reports: each names its step.
expect_step() { # expected-text driver-args...
  local want=$1; shift
  set +e; out=$("$DRIVER" "$@" 2>&1); rc=$?; set -e
  [ $rc -eq 4 ] || die "expected exit 4 for '$want', got $rc: $out"
  grep -qF "$want" <<<"$out" || die "expected '$want' in: $out"
  echo "ok   reported: $(tail -1 <<<"$out")"
}
expect_step "step 10 (execve): /nonexistent/qemu: No such file or directory" \
  --run-dir "$RUN" --uid $UID_T --policy "$POLICY" --landlock off -- /nonexistent/qemu
expect_step "step 8 (landlock): /nonexistent/kernel: No such file or directory" \
  "${common[@]}" --read /nonexistent/kernel -- "$PAYLOAD" "$RUN" true
expect_step "step 1 (fds): emulator and run dir must be absolute paths" \
  --run-dir relative/dir --uid $UID_T --policy "$POLICY" -- "$PAYLOAD" x true

# A broken policy never gets as far as a fork: file and line, exit 2.
printf 'read\nwrite: arg9 == 1\n' > "$WORK/bad.policy"
set +e; out=$("$DRIVER" --run-dir "$RUN" --uid $UID_T --policy "$WORK/bad.policy" -- "$PAYLOAD" "$RUN" true 2>&1); rc=$?; set -e
[ $rc -eq 2 ] && grep -q "bad.policy:2: expected arg0..arg5" <<<"$out" || die "bad policy: rc $rc: $out"
echo "ok   broken policy: $out"
echo "PASS"
