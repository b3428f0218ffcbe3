/* `cvm-launch run`: prepare, allocate, spawn, verify, record, supervise,
 * release. The supervisor is this process (or, with --detach, a child of it
 * in its own session). */
#ifndef CVM_LAUNCH_H
#define CVM_LAUNCH_H

#include <stdbool.h>
#include <stdio.h>

#include "cvm_err.h"
#include "hostcfg.h"

#define CVM_STOP_TIMEOUT_S 30 /* powerdown grace on SIGINT/SIGTERM */

struct cvm_launch_opts {
	const char *spec_path;
	bool detach;
	FILE *out;           /* progress and the final line */
	int kvm_timeout_ms;  /* bound for the KVM run test (probe) */
};

/* Returns an enum cvm_exit: 0 when the guest ran and ended normally (or, with
 * detach, when it is running); fills @err otherwise. */
int cvm_launch_run(const struct cvm_hostcfg *cfg, const struct cvm_launch_opts *o, cvm_err *err);

#endif
