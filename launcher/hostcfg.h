/* Host configuration (/etc/cvm-launch/host.json, optional; DESIGN §5).
 * Every key is optional; unknown keys are errors. */
#ifndef CVM_HOSTCFG_H
#define CVM_HOSTCFG_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cvm_err.h"

#define CVM_HOSTCFG_DEFAULT_PATH "/etc/cvm-launch/host.json"

struct cvm_hostcfg {
	char state_dir[256];   /* default /var/lib/cvm-launch */
	char run_dir[256];     /* default /run/cvm-launch */
	char emulator[256];    /* QEMU binary; default qemu-system-x86_64 found on PATH */
	char host_root[256];   /* prefix for sysfs/dev probes (tests present fake hosts); default "" */
	uid_t uid_min, uid_max;        /* per-tenant uid/gid range, default 200000-299999 */
	unsigned mcs_min, mcs_max;     /* MCS category range, default c0.c1023 */
	bool selinux_allow_permissive; /* accept a permissive host for selinux: require */
	char seccomp_policy_dir[256];  /* default: the project's policy/seccomp */
	char tpm_tcti[256];    /* tpm2-tss TCTI config string; "" = the loader's default */
	unsigned tpm_pcr;      /* PCR the launch records are extended into, default 23 */
	char tpm_ak[256];      /* AK handle/context file; "" = create a primary AK per quote */
	char roots_dir[256];   /* attestation roots; default the project's attest/roots */
};

/* Fill @cfg with defaults, then apply @path (NULL = default path; a missing
 * default file is fine, a missing explicit file is an error). */
int cvm_hostcfg_load(const char *path, struct cvm_hostcfg *cfg, cvm_err *err);
/* Parse from a JSON text (what load does after reading; tests use it). */
int cvm_hostcfg_parse(const char *json, const char *origin, struct cvm_hostcfg *cfg, cvm_err *err);
void cvm_hostcfg_defaults(struct cvm_hostcfg *cfg);

#endif
