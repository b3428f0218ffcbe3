/* The supervisor's wait: until the guest exits on its own, or a SIGINT/
 * SIGTERM asks for a clean stop (powerdown, quit, kill). */
#ifndef CVM_SUPERVISE_H
#define CVM_SUPERVISE_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

struct cvm_supervisor {
	pid_t guest;
	int sigfd;            /* signalfd for SIGINT, SIGTERM, SIGCHLD, SIGHUP */
	const char *qmp_socket;
	FILE *log;
	bool exited;
	int wait_status;      /* valid once exited */
	const char *how;      /* "exited", "powerdown", "quit", "kill" */
	/* called when a stop begins (to mark the state "stopping"); may be NULL */
	void (*on_stop)(void *opaque);
	void *opaque;
};

/* Block the supervisor's signals and open the signalfd. Call before forking
 * the guest so no signal is lost in between. */
int cvm_supervise_signals(sigset_t *old, int *sigfd);
/* Non-blocking check whether the guest ended (reaps it). */
bool cvm_supervise_guest_gone(struct cvm_supervisor *s);
/* Runs until the guest is gone. */
void cvm_supervise(struct cvm_supervisor *s);

#endif
