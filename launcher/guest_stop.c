#include "guest_stop.h"

#include <time.h>

#include "cvm_err.h"
#include "cvm_qmp.h"

bool cvm_guest_wait_gone(const struct cvm_guest_ops *ops, int ms)
{
	struct timespec step = { 0, 20 * 1000 * 1000 };

	for (int waited = 0; waited <= ms; waited += 20) {
		if (ops->gone(ops->opaque))
			return true;
		nanosleep(&step, NULL);
	}
	return ops->gone(ops->opaque);
}

static bool qmp_command(const char *sock, const char *cmd, FILE *log)
{
	struct cvm_qmp q;
	cvm_err err = { 0 };
	int rc;

	if (cvm_qmp_open(&q, sock, 3000, &err) < 0) {
		if (log)
			fprintf(log, "stop: %s\n", err.msg);
		return false;
	}
	rc = cvm_qmp_exec(&q, cmd, NULL, NULL, &err);
	cvm_qmp_close(&q);
	if (rc != 0 && log)
		fprintf(log, "stop: %s\n", err.msg);
	return rc == 0;
}

const char *cvm_guest_stop(const char *qmp_socket, int timeout_s, const struct cvm_guest_ops *ops,
			   FILE *log)
{
	if (ops->gone(ops->opaque))
		return "exited";
	/* The power button is an edge: a guest still booting may not be listening
	 * yet, so press it again every 2 s of the grace period. */
	for (int left = timeout_s * 1000; left > 0; left -= 2000) {
		if (!qmp_command(qmp_socket, "system_powerdown", log))
			break;
		if (cvm_guest_wait_gone(ops, left < 2000 ? left : 2000))
			return "powerdown";
	}
	if (log)
		fprintf(log, "stop: guest did not power down in %d s, sending quit\n", timeout_s);
	/* quit may be answered or the socket may close as QEMU exits: either way, wait */
	qmp_command(qmp_socket, "quit", NULL);
	if (cvm_guest_wait_gone(ops, 5000))
		return "quit";
	if (log)
		fprintf(log, "stop: guest ignored quit, killing it\n");
	ops->kill9(ops->opaque);
	cvm_guest_wait_gone(ops, 5000);
	return "kill";
}
