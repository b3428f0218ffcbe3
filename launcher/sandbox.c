/* The sandbox child: every layer of DESIGN §2, in its order, each checked.
 * Once the child starts dropping privileges there is no way back, so any
 * failure writes "step N (name): reason" to the report pipe and _exit(127)s
 * (minijail: "We can't recover from failures if we've dropped privileges
 * partially, so we don't even try"). The parent sees EOF on the CLOEXEC pipe
 * when execve succeeded. */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <selinux/selinux.h>

#include "cgroup.h"
#include "sandbox_int.h"
#include "seccomp_policy.h"

static const char *const step_names[] = {
    [CVM_STEP_FDS] = "fds",
    [CVM_STEP_NAMESPACES] = "namespaces",
    [CVM_STEP_RESOURCES] = "resources",
    [CVM_STEP_EXEC_LABEL] = "exec-label",
    [CVM_STEP_IDS] = "uid-gid",
    [CVM_STEP_CAPS] = "capabilities",
    [CVM_STEP_NNP] = "no-new-privs",
    [CVM_STEP_LANDLOCK] = "landlock",
    [CVM_STEP_SECCOMP] = "seccomp",
    [CVM_STEP_EXECVE] = "execve",
};

const char *cvm_sandbox_step_name(enum cvm_sandbox_step s)
{
	if ((unsigned)s < sizeof(step_names) / sizeof(step_names[0]) && step_names[s])
		return step_names[s];
	return "?";
}

__attribute__((noreturn, format(printf, 3, 4))) static void fail(const struct cvm_sandbox_plan *plan,
                                                                 enum cvm_sandbox_step step, const char *fmt, ...)
{
	char msg[512];
	int n = snprintf(msg, sizeof(msg), "step %d (%s): ", (int)step, cvm_sandbox_step_name(step));
	va_list ap;

	if (n < 0)
		n = 0;
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	if (plan->report_fd >= 0) {
		ssize_t w = write(plan->report_fd, msg, strnlen(msg, sizeof(msg)));
		(void)w; /* nothing else to do: the parent sees EOF and a 127 exit */
	}
	_exit(127);
}

pid_t cvm_sandbox_fork(cvm_err *err)
{
	/* A raw clone with a NULL stack behaves like fork(), plus CLONE_NEWPID:
	 * glibc's fork() has no way to ask for a namespace. */
	long pid = syscall(SYS_clone, (unsigned long)(CLONE_NEWPID | SIGCHLD), NULL, NULL, NULL, 0UL);

	if (pid < 0)
		return cvm_err_sys(err, CVM_EXIT_SANDBOX, "clone(CLONE_NEWPID)");
	return (pid_t)pid;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* Step 1: close every fd above 2 except the passed ones and the report pipe. */
static int close_fds(const struct cvm_sandbox_plan *plan, char *why, size_t len)
{
	int keep[66];
	size_t n = 0;
	unsigned next = 3;

	if (plan->n_keep_fds > 64) {
		snprintf(why, len, "too many fds to pass (%zu > 64)", plan->n_keep_fds);
		return -1;
	}
	for (size_t i = 0; i < plan->n_keep_fds; i++)
		keep[n++] = plan->keep_fds[i];
	if (plan->report_fd >= 0)
		keep[n++] = plan->report_fd;
	qsort(keep, n, sizeof(keep[0]), cmp_int);
	for (size_t i = 0; i < n; i++) {
		if (keep[i] < 0 || (unsigned)keep[i] < next)
			continue; /* stdio, duplicates */
		if ((unsigned)keep[i] > next && syscall(SYS_close_range, next, (unsigned)keep[i] - 1, 0) < 0)
			goto fail;
		/* a passed fd must survive execve */
		if (keep[i] != plan->report_fd && fcntl(keep[i], F_SETFD, 0) < 0) {
			snprintf(why, len, "fd %d to pass is not open: %s", keep[i], strerror(errno));
			return -1;
		}
		next = (unsigned)keep[i] + 1;
	}
	if (syscall(SYS_close_range, next, ~0U, 0) < 0)
		goto fail;
	if (clearenv() != 0) {
		snprintf(why, len, "clearenv failed");
		return -1;
	}
	return 0;
fail:
	snprintf(why, len, "close_range: %s", strerror(errno));
	return -1;
}

static int set_rlimit(int res, rlim_t v, const char *name, char *why, size_t len)
{
	struct rlimit rl = {v, v};

	if (setrlimit(res, &rl) < 0) {
		snprintf(why, len, "setrlimit(%s, %llu): %s", name, (unsigned long long)v, strerror(errno));
		return -1;
	}
	return 0;
}

/* Step 3: rlimits, then join the tenant's cgroup if one was made. */
static int resources(const struct cvm_sandbox_plan *plan, char *why, size_t len)
{
	unsigned long long big = plan->guest_ram_bytes;
	rlim_t nofile = plan->limits.nofile ? plan->limits.nofile : 4096;
	rlim_t nproc = plan->limits.pids ? plan->limits.pids : 1024;
	int rc;

	if (plan->max_file_bytes > big)
		big = plan->max_file_bytes;
	if (plan->jit_bytes > big)
		big = plan->jit_bytes;
	for (size_t i = 0; i < plan->n_keep_fds; i++)
		if ((rlim_t)plan->keep_fds[i] >= nofile) {
			snprintf(why, len, "passed fd %d is above RLIMIT_NOFILE %llu", plan->keep_fds[i],
			         (unsigned long long)nofile);
			return -1;
		}
	/* FSIZE bounds every file the guest writes, memfd-backed RAM included:
	 * RAM, the TCG code buffer or the largest writable image, plus
	 * room for logs. */
	if (set_rlimit(RLIMIT_NOFILE, nofile, "NOFILE", why, len) < 0 ||
	    set_rlimit(RLIMIT_NPROC, nproc, "NPROC", why, len) < 0 ||
	    set_rlimit(RLIMIT_CORE, 0, "CORE", why, len) < 0 ||
	    set_rlimit(RLIMIT_FSIZE, (rlim_t)(big + (64ULL << 20)), "FSIZE", why, len) < 0 ||
	    set_rlimit(RLIMIT_RTPRIO, 0, "RTPRIO", why, len) < 0 ||
	    set_rlimit(RLIMIT_MSGQUEUE, 0, "MSGQUEUE", why, len) < 0)
		return -1;
	if (plan->cgroup_dir && (rc = cvm_cgroup_enter(plan->cgroup_dir)) < 0) {
		snprintf(why, len, "joining cgroup %s: %s", plan->cgroup_dir, strerror(-rc));
		return -1;
	}
	return 0;
}

static int check_plan(const struct cvm_sandbox_plan *plan, char *why, size_t len)
{
	if (!plan->emulator || plan->emulator[0] != '/' || !plan->run_dir || plan->run_dir[0] != '/') {
		snprintf(why, len, "emulator and run dir must be absolute paths");
		return -1;
	}
	if (plan->seccomp != CVM_SECCOMP_OFF &&
	    (!plan->bpf || (plan->bpf->mode == CVM_SCP_MODE_LOG) != (plan->seccomp == CVM_SECCOMP_LOG))) {
		snprintf(why, len, "no compiled seccomp filter for the requested mode");
		return -1;
	}
	if (plan->uid == 0 && plan->gid != 0) {
		snprintf(why, len, "gid without uid");
		return -1;
	}
	return 0;
}

void cvm_sandbox_exec(const struct cvm_sandbox_plan *plan, char *const argv[])
{
	static char *const empty_env[] = {NULL};
	char why[CVM_WHY_LEN] = "";
	int rc;

	if (check_plan(plan, why, sizeof(why)) < 0)
		fail(plan, CVM_STEP_FDS, "%s", why);
	if (close_fds(plan, why, sizeof(why)) < 0)
		fail(plan, CVM_STEP_FDS, "%s", why);
	umask(077);
	if (cvm_sbx_namespaces(plan, why, sizeof(why)) < 0)
		fail(plan, CVM_STEP_NAMESPACES, "%s", why);
	if (resources(plan, why, sizeof(why)) < 0)
		fail(plan, CVM_STEP_RESOURCES, "%s", why);
	/* Same thread as execve (libselinux: the exec context is per thread). */
	if (plan->exec_label && setexeccon_raw(plan->exec_label) < 0)
		fail(plan, CVM_STEP_EXEC_LABEL, "setexeccon_raw(%s): %s", plan->exec_label, strerror(errno));
	if (cvm_sbx_set_ids(plan, why, sizeof(why)) < 0)
		fail(plan, CVM_STEP_IDS, "%s", why);
	if (cvm_sbx_drop_caps(plan, why, sizeof(why)) < 0)
		fail(plan, CVM_STEP_CAPS, "%s", why);
	/* Die with the supervisor rather than run unsupervised. Set after the
	 * uid change, which clears it. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		fail(plan, CVM_STEP_CAPS, "PR_SET_PDEATHSIG: %s", strerror(errno));
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		fail(plan, CVM_STEP_NNP, "PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
	if (cvm_sbx_landlock(plan, why, sizeof(why)) < 0)
		fail(plan, CVM_STEP_LANDLOCK, "%s", why);
	/* Last before execve (bubblewrap: so the filter need not allow anything
	 * the set-up above does). */
	if (plan->seccomp != CVM_SECCOMP_OFF && (rc = cvm_seccomp_bpf_load(plan->bpf)) < 0)
		fail(plan, CVM_STEP_SECCOMP, "loading %s: %s", plan->bpf->policy_name, strerror(-rc));
	execve(plan->emulator, argv, empty_env);
	fail(plan, CVM_STEP_EXECVE, "%s: %s", plan->emulator, strerror(errno));
}

int cvm_sandbox_wait_exec(int report_fd, cvm_err *err)
{
	char msg[600];
	size_t n = 0;

	for (;;) {
		ssize_t r = read(report_fd, msg + n, sizeof(msg) - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return cvm_err_sys(err, CVM_EXIT_SANDBOX, "reading the sandbox report pipe");
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == sizeof(msg) - 1)
			break;
	}
	if (n == 0)
		return 0;
	msg[n] = '\0';
	return cvm_err_set(err, CVM_EXIT_SANDBOX, 0, "guest sandbox failed at %s", msg);
}
