/* Stop a tenant from outside its supervisor (`stop`, `demo`): QMP
 * powerdown/quit, SIGKILL only for the provable guest pid, then wait for the
 * supervisor to release everything. */
#ifndef CVM_TENANT_STOP_H
#define CVM_TENANT_STOP_H

#include <stdio.h>

#include "cvm_err.h"
#include "hostcfg.h"

/* *how receives "powerdown", "quit", "kill" or "exited" (static string). */
int cvm_tenant_stop(const struct cvm_hostcfg *cfg, const char *name, int timeout_s, const char **how,
		    FILE *log, cvm_err *err);

#endif
