/* A minimal QMP client over the tenant's unix socket: greeting, capability
 * negotiation, one command at a time, events skipped. Every read is bounded
 * by a deadline so a wedged guest never wedges the launcher. */
#ifndef CVM_QMP_H
#define CVM_QMP_H

#include <stddef.h>

#include "cvm_err.h"

struct json_object;

struct cvm_qmp {
	int fd;
	char buf[65536];
	size_t len;
	int timeout_ms; /* per reply */
};

/* Connect to @socket_path and negotiate capabilities. */
int cvm_qmp_open(struct cvm_qmp *q, const char *socket_path, int timeout_ms, cvm_err *err);
/* Run @command (with optional @args, borrowed). On success *reply (may be
 * NULL to discard) receives the "return" value, owned by the caller. A QMP
 * "error" reply fails with its class and description. */
int cvm_qmp_exec(struct cvm_qmp *q, const char *command, struct json_object *args,
		 struct json_object **reply, cvm_err *err);
void cvm_qmp_close(struct cvm_qmp *q);

#endif
