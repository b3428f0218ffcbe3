/* Stopping a guest, politely first: QMP system_powerdown, then QMP quit, then
 * SIGKILL. Used by the supervisor (on SIGINT/SIGTERM) and by `cvm-launch stop`. */
#ifndef CVM_GUEST_STOP_H
#define CVM_GUEST_STOP_H

#include <stdbool.h>
#include <stdio.h>

struct cvm_guest_ops {
	bool (*gone)(void *opaque);   /* has the guest process ended? (may reap it) */
	void (*kill9)(void *opaque);  /* SIGKILL it, only if it is provably the guest */
	void *opaque;
};

/* Returns how it ended: "powerdown", "quit" or "kill". @timeout_s bounds the
 * powerdown phase; quit gets 5 s more. Progress goes to @log (may be NULL). */
const char *cvm_guest_stop(const char *qmp_socket, int timeout_s, const struct cvm_guest_ops *ops,
			   FILE *log);

/* Wait up to @ms for ops->gone(); true if it ended. */
bool cvm_guest_wait_gone(const struct cvm_guest_ops *ops, int ms);

#endif
