#!/usr/bin/env bash
# A guest that took over its emulator process: the hostile payload runs as
# the tenant's "emulator" under the full sandbox and tries each escape. Every
# attempt must be logged as made (payload.log in its run dir, written before
# the syscall) and must end as the policy says: killed by SIGSYS (seccomp) or
# denied with an errno (DAC, Landlock, an errno rule). One launch per attempt:
# the policy kills fork, so attempts cannot run in children of the payload.
. "$(dirname "$0")/sandbox_lib.sh"

UID_A=200100
UID_B=200101
RUN=$(make_run_dir tenant-a $UID_A)
OTHER=$(make_run_dir tenant-b $UID_B)
echo "secret of tenant b" > "$OTHER/secret"; chown $UID_B:$UID_B "$OTHER/secret"; chmod 600 "$OTHER/secret"
OUTSIDE=$WORK/escape-$$        # $WORK is world-traversable; writable for the test below
chmod 1777 "$WORK"

# name | extra arg | expected: "kill" (SIGSYS) or "errno:NAME"
attempts=(
  "ptrace|1|kill"
  "mount|/tmp|kill"
  "unshare||kill"
  "setns||kill"
  "setuid0||kill"
  "capset||kill"
  "kexec_load||kill"
  "bpf||kill"
  "init_module||kill"
  "open_shadow||errno:EACCES"
  "open_other_tenant|$OTHER|errno:EACCES"
  "int80||kill"
  "x32||kill"
  "exec_sh||errno:EACCES"
  "write_outside|$OUTSIDE|errno:EACCES"
  "fork||kill"
  "wx_mmap||kill"
  "raw_socket||kill"
  "io_uring||errno:ENOSYS"
  "clone3||errno:ENOSYS"
)

fails=0
for row in "${attempts[@]}"; do
  IFS='|' read -r name arg want <<<"$row"
  rm -f "$RUN/payload.log"
  out=$("$DRIVER" --run-dir "$RUN" --uid $UID_A --policy "$POLICY" --landlock require \
        -- "$PAYLOAD" "$RUN" attempt "$name" ${arg:+"$arg"} 2>&1) || die "$name: driver failed: $out"
  log=$(cat "$RUN/payload.log" 2>/dev/null || true)
  # Proof the attempt was made: the payload wrote it just before the syscall.
  if ! grep -qx "attempt $name" <<<"$log"; then
    echo "FAIL $name: no 'attempt $name' in payload.log (log: $log)"; fails=$((fails+1)); continue
  fi
  case $want in
    kill)
      if grep -q "status=signal sig=31 name=SIGSYS" <<<"$out" && ! grep -q "^$name:" <<<"$log"; then
        echo "ok   $name: killed by SIGSYS"
      else
        echo "FAIL $name: expected SIGSYS; driver: $out; log: $log"; fails=$((fails+1))
      fi ;;
    errno:*)
      e=${want#errno:}
      if grep -q "status=exited code=0" <<<"$out" && grep -q "^$name: denied errno=[0-9]* ($e)" <<<"$log"; then
        echo "ok   $name: denied with $e"
      else
        echo "FAIL $name: expected $e; driver: $out; log: $log"; fails=$((fails+1))
      fi ;;
  esac
done
[ ! -e "$OUTSIDE" ] || { echo "FAIL: $OUTSIDE was created"; fails=$((fails+1)); }
[ "$(cat "$OTHER/secret")" = "secret of tenant b" ] || { echo "FAIL: other tenant's file changed"; fails=$((fails+1)); }

# The same write outside the run dir succeeds without Landlock (DAC alone
# allows it in a 1777 folder): proof that Landlock is what stopped it above.
rm -f "$RUN/payload.log"
out=$("$DRIVER" --run-dir "$RUN" --uid $UID_A --policy "$POLICY" --landlock off \
      -- "$PAYLOAD" "$RUN" attempt write_outside "$OUTSIDE.control" 2>&1 || true)
if [ -e "$OUTSIDE.control" ]; then echo "ok   control: without Landlock the write goes through"
else echo "FAIL control: write_outside without Landlock did not happen ($out)"; fails=$((fails+1)); fi

[ $fails -eq 0 ] || die "$fails attempt(s) not contained"
echo "PASS: all ${#attempts[@]} attempts made and contained"
