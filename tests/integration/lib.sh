# Shared helpers for integration tests (sourced). Each test gets a private
# state/run dir through its own host config, so tests never touch the host's
# /var/lib/cvm-launch and can run side by side.
set -euo pipefail

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "PASS: $*"; }

[ "$(id -u)" -eq 0 ] || skip "needs root (the launcher manages uids, labels and namespaces)"
: "${CVM_LAUNCH:?CVM_LAUNCH not set (run through ctest)}"
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed"

T=$(mktemp -d /tmp/cvm-it.XXXXXX)
chmod 755 "$T" # tenant uids must reach their run dirs (each is 0700, owned by its tenant)
cleanup_t() {
  # never leave a guest behind, even when the test failed half-way
  for p in $(cat "$T"/state/tenants/*/state.json 2>/dev/null | sed -n 's/.*"guest_pid": *\([0-9]*\).*/\1/p'); do
    kill -9 "$p" 2>/dev/null || true
  done
  for p in $(cat "$T"/state/tenants/*/state.json 2>/dev/null | sed -n 's/.*"supervisor_pid": *\([0-9]*\).*/\1/p'); do
    kill -9 "$p" 2>/dev/null || true
  done
  rm -rf "$T"
}
trap cleanup_t EXIT

HOSTCFG=$T/host.json
cat > "$HOSTCFG" <<JSON
{"state_dir": "$T/state", "run_dir": "$T/run"}
JSON
cvm() { "$CVM_LAUNCH" --host-config "$HOSTCFG" "$@"; }

# The busybox guest, built once per build tree.
guest_dir() {
  local d=$CVM_BUILD_DIR/test-guest
  "$CVM_SOURCE_DIR/scripts/build-guest.sh" "$d" >/dev/null || skip "cannot build the test guest (kernel/busybox missing)"
  echo "$d"
}

# write_spec NAME [extra json members]
write_spec() {
  local g; g=$(guest_dir)
  cat > "$T/$1.json" <<JSON
{"name": "$1", "kernel": "$g/vmlinuz", "initrd": "$g/initramfs.cpio.gz",
 "cmdline": "console=ttyS0 panic=-1", "accel": "tcg", "memory_mib": 192${2:+, $2}}
JSON
  echo "$T/$1.json"
}

# wait_console NAME PATTERN SECONDS
wait_console() {
  local f=$T/run/$1/console.log
  for _ in $(seq 1 $(( $3 * 5 ))); do
    grep -qa "$2" "$f" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "--- console of $1:"; cat "$f" 2>/dev/null | tail -20 || true
  return 1
}

assert_clean() {
  [ -z "$(ls -A "$T/state/tenants" 2>/dev/null)" ] || fail "tenant state left behind: $(ls "$T/state/tenants")"
  [ -z "$(ls -A "$T/run" 2>/dev/null)" ] || fail "run dir left behind: $(ls "$T/run")"
}
