/* One QMP client for the project: the supervisor and `stop` talk to a
 * tenant's QEMU over its unix socket, the sev probe to a freshly started
 * QEMU over a socketpair. Everything QEMU says is outside input: parsed as a
 * stream with json-c, bounded in size (per connection) and time (per reply).
 * Events are skipped; one command at a time. */
#ifndef CVM_QMP_H
#define CVM_QMP_H

#include <stddef.h>
#include <time.h>

#include "cvm_err.h"

struct json_object;
struct json_tokener;

#define CVM_QMP_MAX_BYTES (8u << 20) /* qom-list-types is ~100 KiB; far more is not QEMU */

struct cvm_qmp {
	int fd;
	struct json_tokener *tok;
	char buf[16384];
	size_t off, len, total;
	int timeout_ms;            /* per reply */
	struct timespec deadline;
	char error_desc[256];      /* "desc" of the last QMP error reply */
};

/* Take @fd (closed by cvm_qmp_close), read the greeting, negotiate
 * capabilities. On failure @fd is closed. */
int cvm_qmp_attach(struct cvm_qmp *q, int fd, int timeout_ms, cvm_err *err);
/* Connect to @socket_path, then as cvm_qmp_attach. */
int cvm_qmp_open(struct cvm_qmp *q, const char *socket_path, int timeout_ms, cvm_err *err);
/* Run @command with optional @args (borrowed). 0: *reply (may be NULL to
 * discard) receives the "return" value, owned by the caller. 1: QEMU
 * answered with an error (err says "QMP <command>: <class>: <desc>", and
 * q->error_desc holds the desc). -1: the connection failed. */
int cvm_qmp_exec(struct cvm_qmp *q, const char *command, struct json_object *args,
		 struct json_object **reply, cvm_err *err);
/* Send @command without waiting for its reply (e.g. "quit"). */
int cvm_qmp_send(struct cvm_qmp *q, const char *command, cvm_err *err);
void cvm_qmp_close(struct cvm_qmp *q);

#endif
