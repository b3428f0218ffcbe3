/* The guest process sandbox: the child side. Only the layers the foundation
 * needs are here (fd hygiene, clean environment, exec); the privilege drop,
 * namespaces, Landlock and seccomp follow DESIGN §2 in the same function. */
#include "sandbox.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static __attribute__((noreturn, format(printf, 3, 4))) void fail(const struct cvm_sandbox_plan *plan,
								 int step, const char *fmt, ...)
{
	char msg[512];
	int saved = errno;
	va_list ap;
	int n = snprintf(msg, sizeof(msg), "step %d: ", step);

	va_start(ap, fmt);
	n += vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	if (saved && n < (int)sizeof(msg))
		snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s", strerror(saved));
	if (write(plan->report_fd, msg, strlen(msg)) < 0) {
		/* nothing else can be done: the parent sees exit 127 without a reason */
	}
	_exit(127);
}

static bool kept(const struct cvm_sandbox_plan *plan, int fd)
{
	if (fd == plan->report_fd || fd <= 2)
		return true;
	for (size_t i = 0; i < plan->n_keep_fds; i++)
		if (plan->keep_fds[i] == fd)
			return true;
	return false;
}

/* Step 1: close every fd not meant for the emulator. close_range over the
 * gaps between kept fds (kept fds are few). */
static void close_fds(const struct cvm_sandbox_plan *plan)
{
	int hi = 1024;

	for (size_t i = 0; i < plan->n_keep_fds; i++)
		if (plan->keep_fds[i] >= hi)
			hi = plan->keep_fds[i] + 1;
	if (plan->report_fd >= hi)
		hi = plan->report_fd + 1;
	for (int fd = 3; fd < hi; fd++)
		if (!kept(plan, fd))
			close(fd);
	if (syscall(SYS_close_range, (unsigned)hi, ~0U, 0) < 0)
		fail(plan, 1, "close_range");
}

void cvm_sandbox_exec(const struct cvm_sandbox_plan *plan, char *const argv[])
{
	static char *const empty_env[] = { NULL };

	close_fds(plan);
	execve(plan->emulator, argv, empty_env);
	fail(plan, 10, "execve %s", plan->emulator);
}

int cvm_sandbox_wait_exec(int report_fd, cvm_err *err)
{
	char msg[512];
	size_t len = 0;

	for (;;) {
		ssize_t n = read(report_fd, msg + len, sizeof(msg) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == sizeof(msg) - 1)
			break;
	}
	if (len == 0)
		return 0;
	msg[len] = '\0';
	return cvm_err_set(err, CVM_EXIT_SANDBOX, 0, "guest process set-up failed at %s", msg);
}
