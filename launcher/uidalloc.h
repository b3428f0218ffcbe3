/* Per-tenant uid/gid allocation (DESIGN §2 DAC, §3 allocation). The caller
 * holds the host-wide lock (cvm_state_lock) and passes the uids recorded in
 * every live tenant's state; this adds every uid/gid of every running
 * process, so a uid is never shared with a live tenant or with any process
 * that happens to run in the range. The gid equals the uid. A uid is freed by
 * removing the tenant's state (under the same lock). */
#ifndef CVM_UIDALLOC_H
#define CVM_UIDALLOC_H

#include <stddef.h>
#include <sys/types.h>

#include "cvm_err.h"

/* Pure: the lowest id in [min, max] not in @used (any order, duplicates and
 * out-of-range entries fine). CVM_EXIT_EXHAUSTED when none is free. */
int cvm_uid_pick(uid_t min, uid_t max, const uid_t *used, size_t n_used, uid_t *out, cvm_err *err);

/* Every real/effective/saved/fs uid and gid in [min, max] of every process
 * under @proc_root ("/proc"); *out is malloc'd (caller frees). */
int cvm_uid_scan_processes(const char *proc_root, uid_t min, uid_t max, uid_t **out, size_t *n, cvm_err *err);

/* Scan @proc_root and pick a uid/gid not used by @tenant_uids nor by any
 * process. */
int cvm_uid_alloc(uid_t min, uid_t max, const uid_t *tenant_uids, size_t n_tenants, const char *proc_root, uid_t *uid,
                  gid_t *gid, cvm_err *err);

#endif
