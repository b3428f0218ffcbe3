/* Golden QEMU command lines: what the launcher asks of the emulator is part
 * of its security contract (fds not paths, -sandbox, no defaults). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "qemu_argv.h"

static void check(const char *spec_json, enum cvm_accel accel, const int *fds, int tap_fd, const char *want)
{
	struct cvm_spec s;
	cvm_err err = { 0 };
	cvm_autoargv struct cvm_argv a = { 0 };
	struct cvm_qemu_inputs in = { .spec = &s, .emulator = "/usr/bin/qemu-system-x86_64", .run_dir = "/run/cvm/t",
				      .accel = accel, .disk_fds = fds, .tap_fd = tap_fd };
	char *got;

	assert_int_equal(cvm_spec_parse(spec_json, "t", &s, &err), 0);
	assert_int_equal(cvm_qemu_argv(&in, &a, &err), 0);
	got = cvm_argv_join(&a);
	if (strcmp(got, want) != 0)
		fail_msg("argv differs:\n got: %s\nwant: %s", got, want);
	free(got);
}

#define COMMON_TAIL                                                                                             \
	" -chardev file,id=serial0,path=/run/cvm/t/console.log -serial chardev:serial0"                         \
	" -chardev socket,id=qmp,path=/run/cvm/t/qmp.sock,server=on,wait=off -mon chardev=qmp,mode=control"   \
	" -sandbox on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny -no-reboot"

static void test_kernel_tcg(void **state)
{
	(void)state;
	check("{\"name\":\"t\",\"kernel\":\"/boot/k\",\"initrd\":\"/boot/i\",\"cmdline\":\"console=ttyS0 quiet\"}",
	      CVM_ACCEL_TCG, NULL, -1,
	      "/usr/bin/qemu-system-x86_64 -name guest=t,debug-threads=on -nodefaults -no-user-config -display none"
	      " -machine q35 -accel tcg,split-wx=on,tb-size=256 -cpu max -smp 1 -m 256 -kernel /boot/k -initrd /boot/i"
	      " -append 'console=ttyS0 quiet'" COMMON_TAIL);
}

static void test_disks_net_kvm(void **state)
{
	static const int fds[] = { 7, 9 };

	(void)state;
	check("{\"name\":\"t\",\"vcpus\":4,\"memory_mib\":2048,\"firmware\":\"/fw/OVMF.fd\",\"disks\":[{\"path\":\"/d/a.img\"},"
	      "{\"path\":\"/d/b.qcow2\",\"readonly\":true,\"format\":\"qcow2\"}],\"network\":{\"mode\":\"tap\",\"tap\":\"tap0\"}}",
	      CVM_ACCEL_KVM, fds, 11,
	      "/usr/bin/qemu-system-x86_64 -name guest=t,debug-threads=on -nodefaults -no-user-config -display none"
	      " -machine q35,accel=kvm -cpu host -smp 4 -m 2048 -bios /fw/OVMF.fd"
	      " -add-fd fd=7,set=1 -blockdev driver=file,node-name=file0,filename=/dev/fdset/1"
	      " -blockdev driver=raw,node-name=disk0,file=file0 -device virtio-blk-pci,drive=disk0"
	      " -add-fd fd=9,set=2 -blockdev driver=file,node-name=file1,filename=/dev/fdset/2,read-only=on"
	      " -blockdev driver=qcow2,node-name=disk1,file=file1,read-only=on -device virtio-blk-pci,drive=disk1"
	      " -netdev tap,id=net0,fd=11 -device virtio-net-pci,netdev=net0" COMMON_TAIL);
}

static void test_unresolved_accel(void **state)
{
	struct cvm_spec s;
	cvm_err err = { 0 };
	cvm_autoargv struct cvm_argv a = { 0 };
	struct cvm_qemu_inputs in = { .spec = &s, .emulator = "/q", .run_dir = "/r", .accel = CVM_ACCEL_AUTO };

	(void)state;
	assert_int_equal(cvm_spec_parse("{\"name\":\"t\",\"kernel\":\"/k\"}", "t", &s, &err), 0);
	assert_int_equal(cvm_qemu_argv(&in, &a, &err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_tcg),
		cmocka_unit_test(test_disks_net_kvm),
		cmocka_unit_test(test_unresolved_accel),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
