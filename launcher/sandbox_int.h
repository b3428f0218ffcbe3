/* Steps of the sandbox child (sandbox.c runs them in order). Each returns 0,
 * or -1 with a one-line reason in @why; none allocates after step 5, and none
 * returns to the caller's control flow on failure other than by -1. Internal
 * to the launcher module. */
#ifndef CVM_SANDBOX_INT_H
#define CVM_SANDBOX_INT_H

#include <stddef.h>

#include "sandbox.h"

#define CVM_WHY_LEN 384

/* sandbox_ns.c: mount/ipc/uts(/net) namespaces, private /dev, own /proc. */
int cvm_sbx_namespaces(const struct cvm_sandbox_plan *plan, char *why, size_t len);
/* sandbox_caps.c */
int cvm_sbx_set_ids(const struct cvm_sandbox_plan *plan, char *why, size_t len);
int cvm_sbx_drop_caps(const struct cvm_sandbox_plan *plan, char *why, size_t len);
/* landlock.c */
int cvm_sbx_landlock(const struct cvm_sandbox_plan *plan, char *why, size_t len);

#endif
