/* Crash recovery: every command that changes or reports tenants first reaps
 * tenants whose supervisor is gone (pid dead, or its start time or the boot id
 * differs): kill the guest only when it is provably that tenant's process
 * (pid + start time + boot id), then release what the tenant held. */
#ifndef CVM_RECOVER_H
#define CVM_RECOVER_H

#include <stdio.h>

#include "hostcfg.h"

/* Returns the number of tenants recovered, or -1 on error. Messages for each
 * recovered tenant go to @log. */
int cvm_recover_all(const struct cvm_hostcfg *cfg, FILE *log, cvm_err *err);

#endif
