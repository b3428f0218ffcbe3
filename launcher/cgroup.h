/* cgroup v2 limits for a tenant (DESIGN §2, resources). Used only where the
 * host delegates a v2 subtree with the memory, pids and cpu controllers;
 * elsewhere probe says why not and the launch record says "unavailable". */
#ifndef CVM_CGROUP_H
#define CVM_CGROUP_H

#include <stdbool.h>
#include <stddef.h>

#include "cvm_err.h"

struct cvm_limits;

struct cvm_cgroup_probe {
	bool v2_mounted;
	char mount[256];       /* where cgroup2 is mounted ("" if nowhere) */
	char parent[512];      /* the folder tenant cgroups go in: our own cgroup */
	bool delegated;        /* memory, pids, cpu can be enabled for children of parent */
	char controllers[128]; /* cgroup.controllers of parent */
	char reason[1024];     /* why not delegated */
};

/* Probe using @proc_root/self/mountinfo and @proc_root/self/cgroup (normally
 * "/proc"; tests pass a fake tree). Never fails: the result says what is
 * missing. */
void cvm_cgroup_probe(const char *proc_root, struct cvm_cgroup_probe *out);

/* Pure: the value written to cpu.max for @percent of one CPU ("50000 100000"). */
int cvm_cgroup_cpu_max(unsigned percent, char *buf, size_t len);

/* Create <parent>/cvm-<name>, enable the controllers in parent's
 * subtree_control, and write the limits of @l (0 = leave unlimited). The path
 * goes into @dir. The tenant's child joins with cvm_cgroup_enter(). */
int cvm_cgroup_create(const char *parent, const char *name, const struct cvm_limits *l, char *dir, size_t dirlen,
                      cvm_err *err);
/* In the child, as root: move the calling process into @dir. -errno. */
int cvm_cgroup_enter(const char *dir);
/* Remove the tenant cgroup once its processes are gone. Missing is fine. */
int cvm_cgroup_remove(const char *dir, cvm_err *err);

#endif
