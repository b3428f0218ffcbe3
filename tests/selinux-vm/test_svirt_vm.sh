#!/bin/bash
# sVirt in an enforcing VM: the cvm_launcher policy module and the
# cvm_selinux library (and, when built, the real cvm-launch) on Debian's
# reference policy. Asserts, each from evidence inside the VM:
#  - the launcher runs in cvm_launcher_t and its guests in svirt_t at a pair
#    (every thread checked), the two tenants' pairs differ;
#  - images carry the pair, readonly content virt_content_t, shared images
#    svirt_image_t without categories, run dir and sockets the pair;
#  - a process in tenant A's label gets EACCES on tenant B's image, and the
#    kernel logged that AVC denial (enforcing, permissive=0);
#  - an image labeled for a live tenant is refused, naming the tenant;
#  - original labels are back after stop;
#  - 50 parallel allocations are distinct, live-process labels alone keep
#    pairs unique, exhaustion is a clear error; 8 tenants launched in
#    parallel by cvm-launch in a 10-pair range get distinct pairs;
#  - the launcher and its guests caused no AVC denial other than the
#    cross-tenant ones the test provokes.
# CVM_SELINUX_VM_ENFORCE=0 boots the same VM permissive: the test must then
# FAIL (that is how it proves it depends on enforcement).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${CVM_SOURCE_DIR:=$(cd "$here/../.." && pwd)}"
: "${CVM_BUILD_DIR:?run from ctest (CVM_BUILD_DIR unset)}"
: "${CVM_TEST_HELPERS:=$CVM_BUILD_DIR/tests}"
. "$here/lib.sh"
vm_require
ENF=${CVM_SELINUX_VM_ENFORCE:-1}
VM_WORK=$CVM_BUILD_DIR/selinux-vm/svirt-$ENF
mkdir -p "$VM_WORK"
t0=$SECONDS
vm_build_policy
vm_build_rootfs
t1=$SECONDS
vm_boot "$ENF"
t2=$SECONDS
log=$VM_WORK/console.log
echo "selinux-vm: build ${t0:+$((t1 - t0))}s, boot+run $((t2 - t1))s, console $log"
sed -n '/^\[vm /p;/^== /p;/^PASS\|^FAIL\|^  \|^SVIRT-\|^vmtool:\|^CVM-LAUNCH\|^cvm-launch\|^snapshot/p' "$log"

fails=0
check() { # check OK|message
	if [ "$1" = 1 ]; then echo "ok:   $2"; else echo "FAIL: $2"; fails=$((fails + 1)); fi
}
has() { grep -q -- "$1" "$log" && echo 1 || echo 0; }

check "$(has 'CVMTEST-VM: DONE')" "the VM ran the driver to the end"
check "$(has 'SVIRT-VMTOOL env: ALL PASS')" "environment: enforce=$ENF as booted, module loaded, launcher in cvm_launcher_t"
check "$(has 'SVIRT-VMTOOL tenants: ALL PASS')" "library: two tenants labeled, confined, isolated, restored"
check "$(has 'SVIRT-VMTOOL alloc-many: ALL PASS')" "library: parallel allocations distinct, live labels honoured, exhaustion"

if [ -n "${CVM_LAUNCH:-}" ] && [ -x "$CVM_LAUNCH" ]; then
	check "$(has 'CVM-LAUNCH: run tenant-a exit 0')" "cvm-launch run tenant-a (selinux: require) started"
	check "$(has 'CVM-LAUNCH: run tenant-b exit 0')" "cvm-launch run tenant-b (selinux: require) started"
	check "$(has 'SVIRT-VMTOOL launched: ALL PASS')" "cvm-launch: cvm_launcher_t -> svirt_t at distinct pairs, images labeled, record, cross-tenant EACCES"
	check "$( (grep -q 'CVM-LAUNCH: run tenant-c (tenant-a.s disk) exit 2' "$log" &&
		grep -q '^cvm-launch: selinux: disks\[0\]: .*launch-a.img is labeled for running tenant "tenant-a"' "$log") && echo 1 || echo 0)" \
		"cvm-launch refuses tenant-a's image for tenant-c, naming tenant-a (exit 2)"
	check "$(has 'CVM-LAUNCH: stop tenant-a exit 0')" "cvm-launch stop tenant-a"
	check "$(has 'recovered tenant tenant-b')" "crash recovery of tenant-b (supervisor killed)"
	check "$([ "$(grep -c 'SVIRT-VMTOOL compare: ALL PASS' "$log")" -eq 2 ] && echo 1 || echo 0)" \
		"original labels are back after stop and after recovery (and after the parallel tenants)"
	check "$(has 'SVIRT-VMTOOL distinct: ALL PASS')" "cvm-launch: 8 tenants launched in parallel got 8 distinct pairs of 10"
else
	echo "note: CVM_LAUNCH not built: only the library was exercised"
fi

# The cross-tenant denial must be in the kernel's log, as enforced.
pa=$(sed -n 's/^PASS: tenant-a: pair \(c[0-9]*,c[0-9]*\), .*/\1/p' "$log" | head -n 1)
pb=$(sed -n 's/^PASS: tenant-b: pair \(c[0-9]*,c[0-9]*\), .*/\1/p' "$log" | head -n 1)
avc=$(sed -n '/^--- AVC records/,/^--- end AVC records/p' "$log" | grep 'avc: ' || true)
deny_ab=0
if [ -n "$pa" ] && [ -n "$pb" ] &&
	echo "$avc" | grep 'denied' | grep 'permissive=0' |
	grep -q "scontext=system_u:system_r:svirt_t:s0:$pa tcontext=system_u:object_r:svirt_image_t:s0:$pb "; then
	deny_ab=1
fi
check $deny_ab "AVC denial svirt_t:s0:${pa:-?} -> svirt_image_t:s0:${pb:-?} logged, enforced"

# Anything else the launcher or a guest was denied means the module is short
# of a rule (or a guest tried something): list it and fail.
unexpected=$(echo "$avc" | grep 'denied' |
	grep -E 'scontext=[^ ]*:(cvm_launcher_t|svirt_t)' |
	grep -vE 'scontext=[^ ]*:svirt_t:s0:(c[0-9]+,c[0-9]+) tcontext=[^ ]*:svirt_image_t:s0:c[0-9]+,c[0-9]+ tclass=file' || true)
# A cross-pair file denial is expected only when the pairs differ.
unexpected=$(echo "$unexpected" | grep . || true)
n_unexp=$(echo -n "$unexpected" | grep -c . || true)
[ "$n_unexp" -eq 0 ] || echo "$unexpected"
check "$([ "$n_unexp" -eq 0 ] && echo 1 || echo 0)" "no other AVC denial for cvm_launcher_t or svirt_t ($n_unexp)"
other=$(echo "$avc" | grep 'denied' | grep -vE 'scontext=[^ ]*:(cvm_launcher_t|svirt_t)' || true)
[ -z "$other" ] || { echo "note: denials outside the launcher (test scaffolding):"; echo "$other"; }

echo "selinux-vm: total $((SECONDS - t0))s"
if [ $fails -ne 0 ]; then
	echo "RESULT: FAIL ($fails)"
	exit 1
fi
echo "RESULT: PASS"
