/* Fork the guest process: the child resets signals, keeps exactly the fds it
 * is meant to pass, and enters the sandbox (cvm_sandbox_exec); the parent
 * waits until the child has exec'd or reported the step that failed. */
#ifndef CVM_SPAWN_H
#define CVM_SPAWN_H

#include <sys/types.h>

#include "sandbox.h"

/* @plan->report_fd is set here. @stdio_fd becomes the child's stdout/stderr
 * (its stdin is /dev/null). On success *pid is the emulator's pid. */
int cvm_spawn_guest(struct cvm_sandbox_plan *plan, char *const argv[], int stdio_fd, pid_t *pid,
		    cvm_err *err);

#endif
