#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cvm_cleanup.h"

static void child_reset_signals(void)
{
	sigset_t all;

	/* The supervisor blocks signals for its signalfd; the emulator must not
	 * inherit that mask or any handler. */
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
}

static void child_stdio(int stdio_fd)
{
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (null >= 0) {
		dup2(null, 0);
		close(null);
	}
	if (stdio_fd >= 0) {
		dup2(stdio_fd, 1);
		dup2(stdio_fd, 2);
	}
}

int cvm_spawn_guest(struct cvm_sandbox_plan *plan, char *const argv[], int stdio_fd, pid_t *pid,
		    cvm_err *err)
{
	int pipefd[2];
	pid_t child;
	int status;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "pipe");
	/* fork + a new pid namespace (it cannot be entered later by the child) */
	child = cvm_sandbox_fork(err);
	if (child < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	if (child == 0) {
		close(pipefd[0]);
		child_reset_signals();
		child_stdio(stdio_fd);
		/* passed fds must survive execve; everything else is CLOEXEC or closed
		 * by the sandbox's first step */
		for (size_t i = 0; i < plan->n_keep_fds; i++)
			fcntl(plan->keep_fds[i], F_SETFD, 0);
		plan->report_fd = pipefd[1];
		cvm_sandbox_exec(plan, argv);
	}
	close(pipefd[1]);
	if (cvm_sandbox_wait_exec(pipefd[0], err) < 0) {
		close(pipefd[0]);
		waitpid(child, &status, 0);
		return -1;
	}
	close(pipefd[0]);
	*pid = child;
	return 0;
}
