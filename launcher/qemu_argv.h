/* The QEMU command line for a tenant: pure, so golden tests pin it. */
#ifndef CVM_QEMU_ARGV_H
#define CVM_QEMU_ARGV_H

#include "cvm_argv.h"
#include "cvm_err.h"
#include "spec.h"

struct cvm_qemu_inputs {
	const struct cvm_spec *spec;
	const char *emulator;       /* absolute path */
	const char *run_dir;        /* console.log and qmp.sock live here */
	enum cvm_accel accel;       /* resolved: CVM_ACCEL_KVM or CVM_ACCEL_TCG */
	const int *disk_fds;        /* fd number of each spec disk in the guest process */
	int tap_fd;                 /* open tap fd for network tap, else -1 */
	const char *machine_extra;  /* extra -machine properties (",confidential-guest-support=...") */
	const struct cvm_argv *extra; /* extra args appended (confidential objects), may be NULL */
	const char *cpu_model;      /* overrides host/max (confidential vCPU type), may be NULL */
};

int cvm_qemu_argv(const struct cvm_qemu_inputs *in, struct cvm_argv *out, cvm_err *err);

/* Names of the files QEMU creates in the run dir. */
#define CVM_CONSOLE_LOG "console.log"
#define CVM_QMP_SOCKET "qmp.sock"
#define CVM_TCG_TB_MIB 256 /* TCG translation buffer (-accel tcg,tb-size=), MiB */

#endif
