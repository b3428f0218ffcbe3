/* Seccomp policy files (policy/seccomp/NAME.policy) and their compilation with
 * libseccomp (DESIGN §2, STYLE 11).
 *
 * Format, one rule per line ('#' starts a comment, blank lines ignored):
 *
 *   NAME                          allow the syscall unconditionally
 *   NAME: allow
 *   NAME: errno ENOSYS            deny with an errno (name or number)
 *   NAME: kill                    kill the process (same as not listing it,
 *                                 but says so on purpose)
 *   NAME: COND [&& COND]... [|| COND [&& COND]...]...
 *                                 allow when the condition holds
 *
 * COND is `argN OP VALUE` with OP one of == != < <= > >=, or the masked form
 * `argN & MASK == VALUE`. VALUE and MASK are numbers (decimal or 0x hex) or
 * symbolic names from a fixed table (CLONE_*, PROT_*, ...) joined with '|'.
 * Within one conjunction an argument appears at most once (libseccomp
 * compares each argument once per rule). A syscall may appear on several
 * lines; the union of its allow conditions applies, but it may not be both
 * allowed and denied.
 *
 * Parsing is pure (no I/O) so the fuzzer reaches all of it; compiling turns
 * the parsed rules into one BPF program for x86_64 only: other ABIs (i386,
 * x32) hit the bad-arch action (kill process), unmatched syscalls hit the
 * default action (kill process, or log in `seccomp: log` mode). */
#ifndef CVM_SECCOMP_POLICY_H
#define CVM_SECCOMP_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "cvm_err.h"

#define CVM_SCP_MAX_CMP 6 /* syscall arguments */
#define CVM_SCP_MAX_RULES 4096

enum cvm_scp_action { CVM_SCP_ALLOW = 0, CVM_SCP_ERRNO, CVM_SCP_KILL };

enum cvm_scp_op {
	CVM_SCP_EQ = 0,
	CVM_SCP_NE,
	CVM_SCP_LT,
	CVM_SCP_LE,
	CVM_SCP_GT,
	CVM_SCP_GE,
	CVM_SCP_MASKED_EQ,
};

struct cvm_scp_cmp {
	unsigned arg; /* 0..5 */
	enum cvm_scp_op op;
	uint64_t mask; /* MASKED_EQ only */
	uint64_t value;
};

/* One libseccomp rule: a syscall, an action, and a conjunction of
 * comparisons (none = unconditional). A line with '||' yields several. */
struct cvm_scp_rule {
	int nr; /* x86_64 syscall number */
	char name[40];
	enum cvm_scp_action action;
	int errnum; /* CVM_SCP_ERRNO only */
	unsigned n_cmp;
	struct cvm_scp_cmp cmp[CVM_SCP_MAX_CMP];
	unsigned line;
};

struct cvm_scp_policy {
	struct cvm_scp_rule *rules; /* malloc'd, owned */
	size_t n, cap;
};

enum cvm_scp_mode { CVM_SCP_MODE_ENFORCE = 0, CVM_SCP_MODE_LOG };

/* A compiled filter: the exact BPF program that the child loads, and its
 * SHA-256 for the launch record. */
struct cvm_seccomp_bpf {
	void *insns;          /* struct sock_filter[], malloc'd, owned */
	size_t len;           /* bytes */
	char sha256[65];      /* lower-case hex of insns[0..len) */
	char policy_name[64]; /* file name of the policy, e.g. qemu-system-x86_64.policy */
	enum cvm_scp_mode mode;
};

/* Parse @text (@len bytes, need not be NUL-terminated). @origin names the
 * source in messages ("file.policy:12: ..."). On error *out is left empty. */
int cvm_scp_parse(const char *text, size_t len, const char *origin, struct cvm_scp_policy *out, cvm_err *err);
void cvm_scp_policy_free(struct cvm_scp_policy *p);

/* Build the BPF program for @p (libseccomp; no I/O other than a memfd used
 * to export the program). */
int cvm_scp_compile(const struct cvm_scp_policy *p, enum cvm_scp_mode mode, const char *policy_name,
                    struct cvm_seccomp_bpf *out, cvm_err *err);
/* Read, parse and compile a policy file (errors name the file and line). */
int cvm_scp_compile_file(const char *path, enum cvm_scp_mode mode, struct cvm_seccomp_bpf *out, cvm_err *err);
void cvm_seccomp_bpf_free(struct cvm_seccomp_bpf *b);

/* Load @b into the calling thread with TSYNC (every thread of the process).
 * Needs no_new_privs or CAP_SYS_ADMIN. Returns -errno. Async-signal-safe. */
int cvm_seccomp_bpf_load(const struct cvm_seccomp_bpf *b);

#endif
