/* Supervisor-side check of a running guest process (DESIGN §2): every task
 * in /proc/PID/task/ must run as the tenant uid/gid with every capability set
 * empty, no_new_privs and a seccomp filter; the process must be in its own
 * namespaces. The verdict goes into the launch record. */
#ifndef CVM_SANDBOX_VERIFY_H
#define CVM_SANDBOX_VERIFY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cvm_err.h"
#include "sandbox.h"

struct json_object;
struct cvm_seccomp_bpf;

/* The fields of /proc/PID/task/TID/status that matter here. */
struct cvm_task_status {
	unsigned long uid[4], gid[4]; /* real, effective, saved, fs */
	uint64_t cap_inh, cap_prm, cap_eff, cap_bnd, cap_amb;
	int no_new_privs;    /* -1 = field absent */
	int seccomp;         /* 0 off, 1 strict, 2 filter; -1 absent */
	int seccomp_filters; /* -1 absent (kernels < 5.9) */
	unsigned seen;       /* bit per field found (all required ones must be) */
};

/* Pure: parse a status file's text. -1 when a required field is missing or
 * malformed. */
int cvm_task_status_parse(const char *text, struct cvm_task_status *out);

struct cvm_sandbox_expect {
	uid_t uid;
	gid_t gid;
	bool seccomp;           /* a filter must be loaded (seccomp enforce or log) */
	const char *namespaces; /* comma list of namespaces that must differ from ours, e.g. "mnt,pid,ipc,uts" */
	const char *label;      /* SELinux context every task must run in (attr/current), NULL = not checked */
};

#define CVM_VERIFY_MAX_NS 8

struct cvm_sandbox_verdict {
	bool ok;
	unsigned n_tasks;
	char failure[512]; /* first check that failed: "task 1234: CapEff 0000...20" */
	unsigned long uid, gid;
	int seccomp_mode;    /* Seccomp: of the main task */
	int seccomp_filters; /* Seccomp_filters: of the main task */
	bool no_new_privs;
	char namespaces[64]; /* the namespaces found to be the guest's own */
	char bpf_sha256[65]; /* from the compiled filter, "" if none */
	char policy_name[64];
	const char *seccomp_action; /* "kill-process" or "log" */
};

/* Check @pid under @proc_root ("/proc" normally). Returns 0 when the checks
 * ran (look at out->ok), -1 only when they could not run at all. @bpf (may be
 * NULL) is the filter the child loaded, for the hash in the verdict. */
int cvm_sandbox_verify(const char *proc_root, pid_t pid, const struct cvm_sandbox_expect *exp,
                       const struct cvm_seccomp_bpf *bpf, struct cvm_sandbox_verdict *out, cvm_err *err);

/* What the launch applied, for the record (with the verdict of what was
 * found on the running process). */
struct cvm_sandbox_record_in {
	const struct cvm_sandbox_verdict *verdict;
	enum cvm_seccomp_mode seccomp;
	const char *policy_path; /* "" or NULL when seccomp is off */
	enum cvm_mode3 landlock;
	int landlock_abi;        /* cvm_landlock_abi() at launch: <= 0 unavailable */
	const char *cgroup;      /* the tenant cgroup dir, or NULL */
	const char *cgroup_note; /* why there is none (probe reason), or NULL */
};

/* Add the launch-record keys (DESIGN §5) to @record: "sandbox_verified",
 * "seccomp" {mode, policy, policy_path, bpf_sha256, default_action,
 * filters}, "landlock" {state: enforced|unavailable|off, mode, abi},
 * "namespaces" [..], "no_new_privs", "capabilities" ("none" when verified
 * empty), "sandbox" {tasks_verified, uid, gid, failure, cgroup}. */
void cvm_sandbox_record_json(const struct cvm_sandbox_record_in *in, struct json_object *record);

#endif
