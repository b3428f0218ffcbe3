/* Everything the launcher checks and opens before it changes anything on the
 * host: a failure here leaves no trace. */
#ifndef CVM_LAUNCH_PREPARE_H
#define CVM_LAUNCH_PREPARE_H

#include <limits.h>
#include <stdbool.h>

#include "cvm_err.h"
#include "hostcfg.h"
#include "kvm_probe.h"
#include "cvm_argv.h"
#include "spec.h"

struct cvm_prepared {
	struct cvm_spec spec;
	char emulator[PATH_MAX];    /* absolute, resolved */
	char emulator_sha256[65];
	enum cvm_accel accel;       /* resolved: kvm or tcg */
	char accel_note[320];       /* why TCG when auto fell back, else "" */
	struct cvm_kvm_probe kvm;
	int disk_fds[CVM_SPEC_MAX_DISKS]; /* opened by the launcher, -1 when unused */
	int tap_fd;
	/* confidential guests (sev/): resolved spec, QEMU objects, -machine extras */
	struct cvm_conf_spec conf;
	struct cvm_argv conf_args;
	char machine_props[256];
	char expected_measurement[97]; /* hex, "" when none is computed */
};

/* Load and check the spec, resolve the emulator and accelerator, open the
 * disks. On failure everything opened is closed again. */
int cvm_prepare(const struct cvm_hostcfg *cfg, const char *spec_path, int kvm_timeout_ms,
		struct cvm_prepared *p, cvm_err *err);
void cvm_prepared_close(struct cvm_prepared *p);

/* Resolve @name (absolute path or a name searched on PATH) to an executable. */
int cvm_resolve_emulator(const char *name, char *out, size_t len, cvm_err *err);

#endif
