# Shared set-up for the test_sandbox_*.sh integration tests (sourced).
# Needs root (namespaces, uid changes, mknod); skips with a reason otherwise.
set -euo pipefail

skip() { echo "SKIP: $*"; exit 77; }
die() { echo "FAIL: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || skip "the guest sandbox needs root (namespaces, setresuid, mknod)"
: "${CVM_SOURCE_DIR:?}" "${CVM_TEST_HELPERS:?}"
DRIVER=$CVM_TEST_HELPERS/sandbox_driver
PAYLOAD=$CVM_TEST_HELPERS/hostile_payload
POLICY=$CVM_SOURCE_DIR/policy/seccomp/qemu-system-x86_64.policy
[ -x "$DRIVER" ] && [ -x "$PAYLOAD" ] || die "helpers not built in $CVM_TEST_HELPERS"

# A scratch area every tenant uid can traverse (run dirs are 0700 inside).
WORK=$(mktemp -d /tmp/cvm-sbx-test.XXXXXX)
chmod 755 "$WORK"
cleanup_work() { rm -rf "$WORK"; }
trap cleanup_work EXIT

# make_run_dir NAME UID: a run dir owned by the tenant, private to it.
make_run_dir() {
  local d=$WORK/run/$1
  mkdir -p "$d"
  chmod 755 "$WORK/run"
  chown "$2:$2" "$d"
  chmod 700 "$d"
  echo "$d"
}
