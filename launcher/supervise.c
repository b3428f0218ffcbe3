#include "supervise.h"

#include <errno.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest_stop.h"
#include "launch.h"

int cvm_supervise_signals(sigset_t *old, int *sigfd)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, old) < 0)
		return -1;
	/* a supervisor started in the background inherits SIGINT ignored: make
	 * sure the signalfd sees it anyway */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	*sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return *sigfd < 0 ? -1 : 0;
}

bool cvm_supervise_guest_gone(struct cvm_supervisor *s)
{
	int status;
	pid_t r;

	if (s->exited)
		return true;
	r = waitpid(s->guest, &status, WNOHANG);
	if (r == s->guest) {
		s->exited = true;
		s->wait_status = status;
	} else if (r < 0 && errno == ECHILD) {
		s->exited = true; /* not ours any more: nothing left to wait for */
		s->wait_status = 0;
	}
	return s->exited;
}

static bool ops_gone(void *opaque)
{
	return cvm_supervise_guest_gone(opaque);
}

static void ops_kill(void *opaque)
{
	struct cvm_supervisor *s = opaque;

	/* our own unreaped child: its pid cannot have been reused */
	if (!s->exited)
		kill(s->guest, SIGKILL);
}

void cvm_supervise(struct cvm_supervisor *s)
{
	struct cvm_guest_ops ops = { .gone = ops_gone, .kill9 = ops_kill, .opaque = s };

	s->how = "exited";
	while (!cvm_supervise_guest_gone(s)) {
		struct pollfd pfd = { .fd = s->sigfd, .events = POLLIN };
		struct signalfd_siginfo si;

		if (poll(&pfd, 1, 1000) <= 0)
			continue; /* the 1 s tick also covers a SIGCHLD coalesced away */
		while (read(s->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			if (si.ssi_signo != SIGINT && si.ssi_signo != SIGTERM)
				continue;
			if (s->log)
				fprintf(s->log, "cvm-launch: %s received, stopping the guest\n",
					si.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM");
			if (s->on_stop)
				s->on_stop(s->opaque);
			s->how = cvm_guest_stop(s->qmp_socket, CVM_STOP_TIMEOUT_S, &ops, s->log);
			break;
		}
	}
}
