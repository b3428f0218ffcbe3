/* Tenant spec (JSON, DESIGN §5). Parsing is pure (no file-system checks
 * beyond reading the spec itself), so unit tests and the fuzzer reach all of
 * it; paths are checked when the launcher opens them. */
#ifndef CVM_SPEC_H
#define CVM_SPEC_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "cvm_err.h"
#include "sandbox.h"
#include "sev_conf.h"
#include "state.h"

#define CVM_SPEC_MAX_DISKS 16

enum cvm_accel { CVM_ACCEL_AUTO = 0, CVM_ACCEL_KVM, CVM_ACCEL_TCG };
enum cvm_net_mode { CVM_NET_NONE = 0, CVM_NET_USER, CVM_NET_TAP };
enum cvm_disk_format { CVM_DISK_RAW = 0, CVM_DISK_QCOW2 };

struct cvm_disk {
	char path[PATH_MAX];
	bool readonly;
	bool shared; /* shared between tenants: image context without categories */
	enum cvm_disk_format format;
};

struct cvm_spec {
	char name[CVM_NAME_MAX + 1];
	unsigned vcpus;
	unsigned long long memory_mib;
	char kernel[PATH_MAX];
	char initrd[PATH_MAX];
	char cmdline[4096];
	char firmware[PATH_MAX];
	struct cvm_disk disks[CVM_SPEC_MAX_DISKS];
	size_t n_disks;
	enum cvm_net_mode net;
	char tap[16];            /* tap interface name for net.mode tap */
	enum cvm_accel accel;
	struct cvm_conf_spec conf;
	enum cvm_mode3 selinux;  /* default auto */
	enum cvm_seccomp_mode seccomp; /* default enforce */
	enum cvm_mode3 landlock; /* default auto */
	struct cvm_limits limits;
};

/* Parse @json (from @origin, used in messages). Errors are CVM_EXIT_BADINPUT
 * with "<origin>: <key>: <reason>". */
int cvm_spec_parse(const char *json, const char *origin, struct cvm_spec *spec, cvm_err *err);
int cvm_spec_load(const char *path, struct cvm_spec *spec, cvm_err *err);

const char *cvm_accel_name(enum cvm_accel a);
const char *cvm_mode3_name(enum cvm_mode3 m);
const char *cvm_seccomp_mode_name(enum cvm_seccomp_mode m);

#endif
