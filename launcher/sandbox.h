/* The guest process sandbox (DESIGN §2). The supervisor forks; the child calls
 * cvm_sandbox_exec(), which applies every layer in the documented order and
 * execs the emulator, or reports the failed step on plan->report_fd and exits.
 * After exec the supervisor calls cvm_sandbox_verify() on the live process. */
#ifndef CVM_SANDBOX_H
#define CVM_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cvm_err.h"

enum cvm_mode3 { CVM_MODE_OFF = 0, CVM_MODE_AUTO, CVM_MODE_REQUIRE };
enum cvm_seccomp_mode { CVM_SECCOMP_OFF = 0, CVM_SECCOMP_LOG, CVM_SECCOMP_ENFORCE };

struct cvm_limits {
	unsigned long long memory_mib; /* cgroup memory.max (0 = none) */
	unsigned pids;                 /* cgroup pids.max and RLIMIT_NPROC (0 = default) */
	unsigned cpu_percent;          /* cgroup cpu.max (0 = none) */
	unsigned nofile;               /* RLIMIT_NOFILE (0 = default 4096) */
};

struct cvm_sandbox_plan {
	const char *emulator;      /* absolute path of the binary to exec */
	const char *run_dir;       /* the tenant's run dir: the only writable place */
	const char *policy_file;   /* seccomp policy file */
	const char *exec_label;    /* SELinux exec context or NULL (selinux off/unavailable) */
	uid_t uid;                 /* tenant uid/gid; 0 = no drop (never in production) */
	gid_t gid;
	bool use_kvm;              /* expose /dev/kvm in the private /dev */
	bool need_tun;             /* expose /dev/net/tun */
	bool netns;                /* new net namespace (spec has no network) */
	enum cvm_seccomp_mode seccomp;
	enum cvm_mode3 landlock;
	unsigned long long guest_ram_bytes; /* RLIMIT_FSIZE must cover memfd-backed RAM */
	struct cvm_limits limits;
	const int *keep_fds;       /* fds passed to the emulator (-add-fd), kept open */
	size_t n_keep_fds;
	int report_fd;             /* CLOEXEC pipe: failures are written here, EOF = exec'd */
};

/* In the forked child only: never returns. */
__attribute__((noreturn)) void cvm_sandbox_exec(const struct cvm_sandbox_plan *plan,
						char *const argv[]);

/* In the supervisor: read the child's report pipe until EOF. 0 = the child
 * reached execve; -1 with the child's failure ("step N (name): reason"). */
int cvm_sandbox_wait_exec(int report_fd, cvm_err *err);

#endif
