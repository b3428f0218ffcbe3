/* Giving back what a tenant held: restore the ownership and labels recorded
 * in its state (in reverse order), remove its run dir, then its state (which
 * frees its uid and MCS pair, since allocation scans tenant states). Used at
 * normal exit, on launch failure and by crash recovery. Caller holds the
 * host-wide lock. */
#ifndef CVM_RELEASE_H
#define CVM_RELEASE_H

#include <stdio.h>

#include "hostcfg.h"
#include "state.h"

/* Best effort on every item (one failure does not stop the others); returns
 * -1 with the first failure if any item could not be restored, in which case
 * the state is kept so a later recovery retries. */
int cvm_tenant_release(const struct cvm_hostcfg *cfg, struct cvm_tenant_state *st, FILE *log, cvm_err *err);

#endif
