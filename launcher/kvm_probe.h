/* Is KVM usable? Opening /dev/kvm and creating a VM is not enough: on some
 * hosts (nested virtualisation among them, this project's CI included) VMs
 * are created and even run real-mode code, yet real guests stall as soon as
 * the firmware needs timers and interrupts. The probe therefore tests in two
 * stages and says exactly what it tested:
 *   1. ioctls: open /dev/kvm, API version, KVM_CREATE_VM, and a 3-instruction
 *      real-mode vCPU (port write + hlt) in a child with a deadline;
 *   2. the emulator: boot its default firmware (SeaBIOS) under KVM with no
 *      boot device and require the end of POST ("No bootable device") on the
 *      debug console within the deadline. */
#ifndef CVM_KVM_PROBE_H
#define CVM_KVM_PROBE_H

#include <stdbool.h>

struct cvm_kvm_probe {
	bool device;     /* <root>/dev/kvm opened read-write */
	bool create_vm;  /* KVM_CREATE_VM succeeded */
	bool runs;       /* the test vCPU reached its port write and hlt in time */
	bool firmware;   /* stage 2: the emulator's firmware finished POST under KVM */
	bool usable;     /* runs && firmware (or stage 2 not requested) */
	int api_version;
	char detail[256]; /* what was tested and what failed */
};

/* @host_root: "" for the real host, or a prefix (tests). @emulator: absolute
 * path for stage 2, or NULL to skip it. @timeout_ms bounds each stage. Never
 * fails: the result says what was found. */
void cvm_kvm_probe(const char *host_root, const char *emulator, int timeout_ms, struct cvm_kvm_probe *out);

#endif
