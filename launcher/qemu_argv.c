#include "qemu_argv.h"

#include <errno.h>
#include <stdio.h>

#define PUSH(x) do { if (cvm_argv_push(out, (x)) < 0) goto oom; } while (0)
#define PUSHF(...) do { if (cvm_argv_pushf(out, __VA_ARGS__) < 0) goto oom; } while (0)

static const char *const disk_formats[] = { "raw", "qcow2" };

int cvm_qemu_argv(const struct cvm_qemu_inputs *in, struct cvm_argv *out, cvm_err *err)
{
	const struct cvm_spec *s = in->spec;
	bool kvm = in->accel == CVM_ACCEL_KVM;

	if (in->accel != CVM_ACCEL_KVM && in->accel != CVM_ACCEL_TCG)
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "internal: accelerator not resolved");
	PUSH(in->emulator);
	PUSHF("-name");
	PUSHF("guest=%s,debug-threads=on", s->name);
	/* Nothing implicit: no default devices, no user config files read. */
	PUSH("-nodefaults");
	PUSH("-no-user-config");
	PUSH("-display");
	PUSH("none");
	PUSH("-machine");
	if (kvm) {
		PUSHF("q35,accel=kvm%s", in->machine_extra ? in->machine_extra : "");
	} else {
		/* TCG: split-wx keeps every mapping W^X (the seccomp policy kills a
		 * writable+executable one); a bounded code buffer, covered by the
		 * sandbox's RLIMIT_FSIZE (it is a memfd). */
		PUSHF("q35%s", in->machine_extra ? in->machine_extra : "");
		PUSH("-accel");
		PUSHF("tcg,split-wx=on,tb-size=%u", CVM_TCG_TB_MIB);
	}
	PUSH("-cpu");
	PUSH(in->cpu_model ? in->cpu_model : kvm ? "host" : "max");
	PUSH("-smp");
	PUSHF("%u", s->vcpus);
	PUSH("-m");
	PUSHF("%llu", s->memory_mib);
	if (s->firmware[0]) {
		PUSH("-bios");
		PUSH(s->firmware);
	}
	if (s->kernel[0]) {
		PUSH("-kernel");
		PUSH(s->kernel);
	}
	if (s->initrd[0]) {
		PUSH("-initrd");
		PUSH(s->initrd);
	}
	if (s->cmdline[0]) {
		PUSH("-append");
		PUSH(s->cmdline);
	}
	/* Disks are opened by the launcher and passed as fds: the guest process
	 * needs no path access to any image. */
	for (size_t i = 0; i < s->n_disks; i++) {
		const struct cvm_disk *d = &s->disks[i];
		PUSH("-add-fd");
		PUSHF("fd=%d,set=%zu", in->disk_fds[i], i + 1);
		PUSH("-blockdev");
		PUSHF("driver=file,node-name=file%zu,filename=/dev/fdset/%zu%s", i, i + 1,
		      d->readonly ? ",read-only=on" : "");
		PUSH("-blockdev");
		PUSHF("driver=%s,node-name=disk%zu,file=file%zu%s", disk_formats[d->format], i, i,
		      d->readonly ? ",read-only=on" : "");
		PUSH("-device");
		PUSHF("virtio-blk-pci,drive=disk%zu", i);
	}
	switch (s->net) {
	case CVM_NET_USER:
		PUSH("-netdev");
		PUSH("user,id=net0");
		PUSH("-device");
		PUSH("virtio-net-pci,netdev=net0");
		break;
	case CVM_NET_TAP:
		if (in->tap_fd < 0)
			return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "internal: tap fd not open");
		PUSH("-netdev");
		PUSHF("tap,id=net0,fd=%d", in->tap_fd);
		PUSH("-device");
		PUSH("virtio-net-pci,netdev=net0");
		break;
	case CVM_NET_NONE:
	default:
		break;
	}
	PUSH("-chardev");
	PUSHF("file,id=serial0,path=%s/" CVM_CONSOLE_LOG, in->run_dir);
	PUSH("-serial");
	PUSH("chardev:serial0");
	PUSH("-chardev");
	PUSHF("socket,id=qmp,path=%s/" CVM_QMP_SOCKET ",server=on,wait=off", in->run_dir);
	PUSH("-mon");
	PUSH("chardev=qmp,mode=control");
	/* QEMU's own seccomp layer on top of ours (DESIGN §2). */
	PUSH("-sandbox");
	PUSH("on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny");
	/* A guest reboot ends the tenant: the supervisor decides what runs next. */
	PUSH("-no-reboot");
	if (in->extra)
		for (size_t i = 0; i < in->extra->n; i++)
			PUSH(in->extra->v[i]);
	return 0;
oom:
	return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory building the QEMU command line");
}
