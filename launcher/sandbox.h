/* The guest process sandbox (DESIGN §2). The supervisor compiles the seccomp
 * policy (cvm_scp_compile_file) and creates the cgroup before it forks with
 * cvm_sandbox_fork() (which creates the pid namespace); the child calls
 * cvm_sandbox_exec(), which applies every layer in the documented order and
 * execs the emulator, or reports the failed step on plan->report_fd and exits
 * 127. After exec the supervisor calls cvm_sandbox_verify() (sandbox_verify.h)
 * on the live process. */
#ifndef CVM_SANDBOX_H
#define CVM_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cvm_err.h"

struct cvm_seccomp_bpf;

enum cvm_mode3 { CVM_MODE_OFF = 0, CVM_MODE_AUTO, CVM_MODE_REQUIRE };
enum cvm_seccomp_mode { CVM_SECCOMP_OFF = 0, CVM_SECCOMP_LOG, CVM_SECCOMP_ENFORCE };

struct cvm_limits {
	unsigned long long memory_mib; /* cgroup memory.max (0 = none) */
	unsigned pids;                 /* cgroup pids.max and RLIMIT_NPROC (0 = default 1024) */
	unsigned cpu_percent;          /* cgroup cpu.max (0 = none) */
	unsigned nofile;               /* RLIMIT_NOFILE (0 = default 4096) */
};

/* The steps of cvm_sandbox_exec, numbered as in DESIGN §2 and the failure
 * reports ("step 8 (landlock): ..."). */
enum cvm_sandbox_step {
	CVM_STEP_FDS = 1,    /* close stray fds, clear the environment */
	CVM_STEP_NAMESPACES, /* mount (private /dev, own /proc), ipc, uts, net; pid at fork */
	CVM_STEP_RESOURCES,  /* rlimits, cgroup */
	CVM_STEP_EXEC_LABEL, /* setexeccon_raw */
	CVM_STEP_IDS,        /* setgroups/setresgid/setresuid */
	CVM_STEP_CAPS,       /* empty every capability set, lock securebits */
	CVM_STEP_NNP,        /* PR_SET_NO_NEW_PRIVS */
	CVM_STEP_LANDLOCK,
	CVM_STEP_SECCOMP,
	CVM_STEP_EXECVE,
};
const char *cvm_sandbox_step_name(enum cvm_sandbox_step s);

struct cvm_sandbox_plan {
	const char *emulator;              /* absolute path of the binary to exec */
	const char *run_dir;               /* the tenant's run dir: the only writable place */
	const char *policy_file;           /* seccomp policy file (for the record; bpf is what loads) */
	const struct cvm_seccomp_bpf *bpf; /* compiled before fork; required unless seccomp OFF */
	const char *exec_label;            /* SELinux exec context or NULL (selinux off/unavailable) */
	uid_t uid;                         /* tenant uid/gid; 0 = no drop (tests only, never production) */
	gid_t gid;
	bool use_kvm;      /* expose /dev/kvm in the private /dev */
	bool need_tun;     /* expose /dev/net/tun */
	bool need_sev;     /* expose /dev/sev (SEV, SEV-ES, SEV-SNP guests) */
	bool netns;        /* new net namespace (spec has no network) */
	bool no_mount_ns;  /* skip the mount namespace (benchmark layers only) */
	bool no_caps_drop; /* skip step 6 (benchmark layers only; uid must be 0) */
	enum cvm_seccomp_mode seccomp;
	enum cvm_mode3 landlock;
	const char *const *read_paths; /* extra read-only paths for Landlock (kernel, initrd, */
	size_t n_read_paths;           /* firmware, read-only images); the loader/libs are built in */
	const char *const *rw_paths;   /* extra read-write paths (writable images) */
	size_t n_rw_paths;
	unsigned long long guest_ram_bytes; /* RLIMIT_FSIZE must cover memfd-backed RAM */
	unsigned long long max_file_bytes;  /* largest writable image; FSIZE covers it too */
	unsigned long long jit_bytes;       /* TCG split-wx code buffer (memfd of tb-size), 0 under KVM */
	struct cvm_limits limits;
	const char *cgroup_dir; /* cgroup v2 dir made by cvm_cgroup_create, or NULL */
	const int *keep_fds;    /* fds passed to the emulator (-add-fd), kept open */
	size_t n_keep_fds;
	int report_fd; /* CLOEXEC pipe: failures are written here, EOF = exec'd */
};

/* fork() that also puts the child in a new pid namespace (the pid namespace
 * of a process is fixed at creation, so it cannot be a step in the child).
 * Returns the child's pid in the parent, 0 in the child, -1 with @err. The
 * child is pid 1 of its namespace: when it exits, the kernel kills anything
 * else left inside. Call from a single-threaded process. */
pid_t cvm_sandbox_fork(cvm_err *err);

/* In the forked child only: never returns. */
__attribute__((noreturn)) void cvm_sandbox_exec(const struct cvm_sandbox_plan *plan, char *const argv[]);

/* In the supervisor: read the child's report pipe until EOF. 0 = the child
 * reached execve; -1 with the child's failure ("step N (name): reason"),
 * exit code CVM_EXIT_SANDBOX. */
int cvm_sandbox_wait_exec(int report_fd, cvm_err *err);

/* For `cvm-launch probe`: seccomp actions, Landlock ABI, cgroup v2
 * delegation, namespaces. Adds keys "seccomp", "landlock", "cgroup",
 * "namespaces" to @out (a JSON object). */
struct json_object;
void cvm_sandbox_probe_json(struct json_object *out);

#endif
