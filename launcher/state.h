/* Per-tenant state on disk (DESIGN §3): <state_dir>/tenants/<name>/state.json,
 * written atomically; the host-wide lock <state_dir>/lock serialises
 * allocation, launch set-up and recovery. */
#ifndef CVM_STATE_H
#define CVM_STATE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cvm_err.h"
#include "hostcfg.h"

#define CVM_NAME_MAX 48

enum cvm_tenant_status {
	CVM_TENANT_STARTING = 0, /* allocations held, guest not yet verified */
	CVM_TENANT_RUNNING,
	CVM_TENANT_STOPPING,
	CVM_TENANT_EXITED,
};

/* A file the launcher relabeled (or chowned) and must put back. */
struct cvm_saved_label {
	char path[PATH_MAX];
	char context[256]; /* original SELinux context, "" if none was set */
	uid_t uid;         /* original owner, restored when the launcher chowned it */
	gid_t gid;
	bool chowned;
	bool relabeled;
};

struct cvm_tenant_state {
	char name[CVM_NAME_MAX + 1];
	char uuid[37];
	enum cvm_tenant_status status;
	char boot_id[37];
	pid_t supervisor_pid;
	unsigned long long supervisor_start; /* /proc/PID/stat field 22 */
	pid_t guest_pid;                     /* 0 until spawned */
	unsigned long long guest_start;
	uid_t uid;                           /* tenant uid/gid, 0 = none allocated */
	gid_t gid;
	char mcs[32];                        /* "c3,c17" or "" */
	char accel[8];                       /* kvm|tcg actually used */
	char run_dir[PATH_MAX];
	int exit_status;                     /* wait status of the guest once exited, -1 before */
	struct cvm_saved_label *labels;      /* malloc'd array */
	size_t n_labels;
};

/* Validate a tenant name: [a-z0-9][a-z0-9_.-]{0,47}, no "..". */
int cvm_state_check_name(const char *name, cvm_err *err);

/* Paths inside the state/run dirs. */
int cvm_state_tenant_dir(const struct cvm_hostcfg *cfg, const char *name, char *buf, size_t len);
int cvm_state_run_dir(const struct cvm_hostcfg *cfg, const char *name, char *buf, size_t len);

/* Take the host-wide exclusive lock (blocks). *fd receives the lock fd;
 * close it to release. Creates the state dir if needed. */
int cvm_state_lock(const struct cvm_hostcfg *cfg, int *fd, cvm_err *err);

int cvm_state_save(const struct cvm_hostcfg *cfg, const struct cvm_tenant_state *st, cvm_err *err);
/* Missing tenant: CVM_EXIT_BADINPUT "no tenant named X". @st is overwritten:
 * free a previously loaded state first. */
int cvm_state_load(const struct cvm_hostcfg *cfg, const char *name, struct cvm_tenant_state *st,
		   cvm_err *err);
/* Remove the tenant's state folder (after labels and allocations were released). */
int cvm_state_remove(const struct cvm_hostcfg *cfg, const char *name, cvm_err *err);
/* Names of every tenant with a state folder; *names is a NULL-terminated malloc'd strv. */
int cvm_state_list(const struct cvm_hostcfg *cfg, char ***names, cvm_err *err);
void cvm_state_free(struct cvm_tenant_state *st);
/* Append a saved label (before changing the file!). */
int cvm_state_add_label(struct cvm_tenant_state *st, const struct cvm_saved_label *l);

const char *cvm_tenant_status_name(enum cvm_tenant_status s);

#endif
