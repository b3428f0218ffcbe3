# A supervisor killed with SIGKILL leaves an orphaned guest; the next command
# recovers: it kills the guest (provably that tenant's process: pid, start
# time, boot id) and releases the tenant. A reused pid is never killed.
source "$(dirname "$0")/lib.sh"

spec=$(write_spec it-rec)
cvm run "$spec" --detach
wait_console it-rec CVM-GUEST-READY 90 || fail "no guest marker"
st=$T/state/tenants/it-rec/state.json
sup=$(sed -n 's/.*"supervisor_pid": *\([0-9]*\).*/\1/p' "$st")
guest=$(sed -n 's/.*"guest_pid": *\([0-9]*\).*/\1/p' "$st")
kill -0 "$guest" || fail "guest not running"
kill -9 "$sup"
sleep 0.5
kill -0 "$guest" 2>/dev/null || fail "guest died with its supervisor; nothing to recover"
pass "supervisor killed, guest orphaned (pid $guest)"

out=$(cvm ls 2>&1)
echo "$out"
echo "$out" | grep -q "recovered tenant it-rec" || fail "ls did not recover the tenant"
for _ in $(seq 1 50); do kill -0 "$guest" 2>/dev/null || break; sleep 0.1; done
kill -0 "$guest" 2>/dev/null && fail "orphaned guest $guest still running"
assert_clean
pass "recovery killed the orphaned guest and released the tenant"

# A stale state whose guest pid now belongs to another process (start time
# differs) must be released without killing that process.
sleep 300 & innocent=$!
mkdir -p "$T/state/tenants/it-stale" "$T/run/it-stale"
cat > "$T/state/tenants/it-stale/state.json" <<JSON
{"name": "it-stale", "uuid": "x", "status": "running", "boot_id": "$(cat /proc/sys/kernel/random/boot_id)",
 "supervisor_pid": 999999, "supervisor_start": 1, "guest_pid": $innocent, "guest_start": 1,
 "uid": 0, "gid": 0, "mcs": "", "accel": "tcg", "run_dir": "$T/run/it-stale", "exit_status": -1, "labels": []}
JSON
cvm ls >/dev/null 2>&1
kill -0 $innocent 2>/dev/null || fail "recovery killed an unrelated process that reused the guest pid"
kill $innocent
assert_clean
pass "a reused pid is not killed; the stale tenant is released"
