/* A minimal supervisor around the real sandbox, for integration tests and the
 * benchmark: build a plan, compile the policy, (optionally) allocate a uid
 * under a lock file, fork with cvm_sandbox_fork, run cvm_sandbox_exec in the
 * child, wait for the exec report, verify /proc, wait for the emulator and
 * print what happened as key=value lines:
 *
 *   exec=ok pid=N uid=U
 *   verify=ok tasks=N bpf_sha256=... namespaces=...   (or verify=FAIL reason=...)
 *   status=exited code=N | status=signal sig=N name=SIGSYS
 *
 * Usage: sandbox_driver --run-dir DIR [--uid N|auto] [--state-dir D] [--tenant NAME]
 *          [--uid-range MIN-MAX] [--policy FILE] [--seccomp enforce|log|off]
 *          [--landlock auto|require|off] [--net] [--kvm] [--ram-mib N] [--jit-mib N]
 *          -- EMULATOR [ARGS...]
 * With --uid auto, the uid comes from cvm_uid_alloc under flock(D/lock) over
 * the *.uid files in D (one per live test tenant, removed at exit). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <dirent.h>

#include "cvm_cleanup.h"
#include "cvm_err.h"
#include "sandbox.h"
#include "sandbox_verify.h"
#include "seccomp_policy.h"
#include "uidalloc.h"

struct opts {
	struct cvm_sandbox_plan plan;
	const char *uid_arg, *state_dir, *tenant;
	uid_t uid_min, uid_max;
	const char *reads[16];
	size_t n_reads;
	bool verify;
	long expect_uid; /* -1: the plan's uid (tests of the failure path set another) */
	unsigned verify_delay_ms;
	char **argv;
};

static int usage(void)
{
	fprintf(stderr, "usage: sandbox_driver --run-dir DIR [options] -- EMULATOR [ARGS...]\n");
	return 2;
}

static int parse_mode3(const char *s, enum cvm_mode3 *m)
{
	if (!strcmp(s, "off"))
		*m = CVM_MODE_OFF;
	else if (!strcmp(s, "auto"))
		*m = CVM_MODE_AUTO;
	else if (!strcmp(s, "require"))
		*m = CVM_MODE_REQUIRE;
	else
		return -1;
	return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	o->plan.seccomp = CVM_SECCOMP_ENFORCE;
	o->plan.landlock = CVM_MODE_REQUIRE;
	o->plan.netns = true;
	o->plan.report_fd = -1;
	o->uid_min = 200000;
	o->uid_max = 299999;
	o->tenant = "test";
	o->expect_uid = -1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--")) {
			if (i + 1 >= argc)
				return -1;
			o->argv = &argv[i + 1];
			o->plan.emulator = argv[i + 1];
			return o->plan.run_dir ? 0 : -1;
		}
		if (!strcmp(a, "--net")) {
			o->plan.netns = false;
			continue;
		}
		if (!strcmp(a, "--kvm")) {
			o->plan.use_kvm = true;
			continue;
		}
		if (!strcmp(a, "--verify")) {
			o->verify = true;
			continue;
		}
		if (!strcmp(a, "--no-mount-ns")) {
			o->plan.no_mount_ns = true;
			continue;
		}
		if (!strcmp(a, "--no-caps")) {
			o->plan.no_caps_drop = true;
			continue;
		}
		if (!v)
			return -1;
		i++;
		if (!strcmp(a, "--run-dir"))
			o->plan.run_dir = v;
		else if (!strcmp(a, "--uid"))
			o->uid_arg = v;
		else if (!strcmp(a, "--state-dir"))
			o->state_dir = v;
		else if (!strcmp(a, "--tenant"))
			o->tenant = v;
		else if (!strcmp(a, "--policy"))
			o->plan.policy_file = v;
		else if (!strcmp(a, "--ram-mib"))
			o->plan.guest_ram_bytes = strtoull(v, NULL, 10) << 20;
		else if (!strcmp(a, "--expect-uid"))
			o->expect_uid = atol(v);
		else if (!strcmp(a, "--jit-mib"))
			o->plan.jit_bytes = strtoull(v, NULL, 10) << 20;
		else if (!strcmp(a, "--verify-delay-ms"))
			o->verify_delay_ms = (unsigned)atoi(v);
		else if (!strcmp(a, "--uid-range")) {
			unsigned lo, hi;
			if (sscanf(v, "%u-%u", &lo, &hi) != 2)
				return -1;
			o->uid_min = lo;
			o->uid_max = hi;
		} else if (!strcmp(a, "--read")) {
			if (o->n_reads == 16)
				return -1;
			o->reads[o->n_reads++] = v;
		} else if (!strcmp(a, "--seccomp")) {
			if (!strcmp(v, "off"))
				o->plan.seccomp = CVM_SECCOMP_OFF;
			else if (!strcmp(v, "log"))
				o->plan.seccomp = CVM_SECCOMP_LOG;
			else if (!strcmp(v, "enforce"))
				o->plan.seccomp = CVM_SECCOMP_ENFORCE;
			else
				return -1;
		} else if (!strcmp(a, "--landlock")) {
			if (parse_mode3(v, &o->plan.landlock) < 0)
				return -1;
		} else
			return -1;
	}
	return -1;
}

/* uid allocation the way the launcher does it: lock, gather, pick, record. */
static int alloc_uid(struct opts *o, char *uidfile, size_t len, cvm_err *err)
{
	char lockpath[512];
	cvm_autoclose int lock = -1;
	uid_t used[1024];
	size_t n = 0;
	uid_t uid;
	gid_t gid;
	DIR *d;
	struct dirent *de;

	snprintf(lockpath, sizeof(lockpath), "%s/lock", o->state_dir);
	lock = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock < 0 || flock(lock, LOCK_EX) < 0)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "lock %s", lockpath);
	d = opendir(o->state_dir);
	while (d && (de = readdir(d)) && n < 1024) {
		char p[1024];
		const char *dot = strrchr(de->d_name, '.');
		if (!dot || strcmp(dot, ".uid"))
			continue;
		snprintf(p, sizeof(p), "%s/%s", o->state_dir, de->d_name);
		FILE *f = fopen(p, "re");
		unsigned u;
		if (f && fscanf(f, "%u", &u) == 1)
			used[n++] = u;
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	if (cvm_uid_alloc(o->uid_min, o->uid_max, used, n, "/proc", &uid, &gid, err) < 0)
		return -1;
	snprintf(uidfile, len, "%s/%s.uid", o->state_dir, o->tenant);
	FILE *f = fopen(uidfile, "we");
	if (!f || fprintf(f, "%u\n", (unsigned)uid) < 0 || fclose(f) != 0)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "writing %s", uidfile);
	o->plan.uid = uid;
	o->plan.gid = gid;
	return 0;
}

static void report_status(int status)
{
	if (WIFEXITED(status))
		printf("status=exited code=%d\n", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		printf("status=signal sig=%d name=%s\n", WTERMSIG(status),
		       WTERMSIG(status) == SIGSYS ? "SIGSYS" : sigabbrev_np(WTERMSIG(status)));
	fflush(stdout);
}

static int run(struct opts *o, cvm_err *err)
{
	struct cvm_seccomp_bpf bpf = {0};
	int pipefd[2];
	pid_t pid;
	int status = 0, rc = -1;

	if (o->plan.seccomp != CVM_SECCOMP_OFF) {
		if (!o->plan.policy_file)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "--policy is required unless --seccomp off");
		if (cvm_scp_compile_file(o->plan.policy_file,
		                         o->plan.seccomp == CVM_SECCOMP_LOG ? CVM_SCP_MODE_LOG : CVM_SCP_MODE_ENFORCE,
		                         &bpf, err) < 0)
			return -1;
		o->plan.bpf = &bpf;
	}
	o->plan.read_paths = o->reads;
	o->plan.n_read_paths = o->n_reads;
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		cvm_seccomp_bpf_free(&bpf);
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "pipe2");
	}
	o->plan.report_fd = pipefd[1];
	fflush(stdout);
	pid = cvm_sandbox_fork(err);
	if (pid == 0)
		cvm_sandbox_exec(&o->plan, o->argv);
	close(pipefd[1]);
	if (pid < 0)
		goto out;
	if (cvm_sandbox_wait_exec(pipefd[0], err) < 0) {
		waitpid(pid, &status, 0);
		goto out;
	}
	printf("exec=ok pid=%d uid=%u\n", (int)pid, (unsigned)o->plan.uid);
	fflush(stdout);
	if (o->verify) {
		struct cvm_sandbox_verdict v;
		struct cvm_sandbox_expect exp = {
		    .uid = o->expect_uid >= 0 ? (uid_t)o->expect_uid : o->plan.uid,
		    .gid = o->plan.gid,
		    .seccomp = o->plan.seccomp != CVM_SECCOMP_OFF,
		    .namespaces = o->plan.no_mount_ns ? "pid,ipc,uts" : "mnt,pid,ipc,uts",
		};
		if (o->verify_delay_ms) {
			struct timespec ts = {o->verify_delay_ms / 1000, (long)(o->verify_delay_ms % 1000) * 1000000L};
			nanosleep(&ts, NULL);
		}
		if (cvm_sandbox_verify("/proc", pid, &exp, o->plan.bpf, &v, err) < 0) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			goto out;
		}
		if (v.ok)
			printf("verify=ok tasks=%u seccomp=%d filters=%d bpf_sha256=%s namespaces=%s\n", v.n_tasks,
			       v.seccomp_mode, v.seccomp_filters, v.bpf_sha256, v.namespaces);
		else
			printf("verify=FAIL reason=%s\n", v.failure);
		fflush(stdout);
		if (!v.ok) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			cvm_err_set(err, CVM_EXIT_SANDBOX, 0, "guest process not confined: %s", v.failure);
			goto out;
		}
	}
	if (waitpid(pid, &status, 0) < 0) {
		cvm_err_sys(err, CVM_EXIT_FAILURE, "waitpid");
		goto out;
	}
	report_status(status);
	rc = 0;
out:
	close(pipefd[0]);
	cvm_seccomp_bpf_free(&bpf);
	return rc;
}

int main(int argc, char **argv)
{
	struct opts o = {0};
	cvm_err err = {0};
	char uidfile[600] = "";
	int rc;

	if (parse_args(argc, argv, &o) < 0)
		return usage();
	if (o.uid_arg && !strcmp(o.uid_arg, "auto")) {
		if (!o.state_dir)
			return usage();
		if (alloc_uid(&o, uidfile, sizeof(uidfile), &err) < 0) {
			cvm_err_print(&err, "sandbox_driver");
			return err.exit_code ? err.exit_code : 1;
		}
	} else if (o.uid_arg) {
		o.plan.uid = (uid_t)strtoul(o.uid_arg, NULL, 10);
		o.plan.gid = o.plan.uid;
	}
	rc = run(&o, &err);
	if (uidfile[0])
		unlink(uidfile); /* the uid is free again (a real launcher removes the state) */
	if (rc < 0) {
		cvm_err_print(&err, "sandbox_driver");
		return err.exit_code ? err.exit_code : 1;
	}
	return 0;
}
