/* Turn parsed seccomp rules into one BPF program with libseccomp, export it,
 * and hash exactly the bytes the child will load (the kernel cannot hand a
 * filter back without CAP_SYS_ADMIN and ptrace, so the hash of what we load is
 * the record). Loading is a raw seccomp(2) so the child does no allocation
 * after dropping privileges. */
#include "seccomp_policy.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <seccomp.h>

#include "cvm_cleanup.h"
#include "cvm_fileio.h"

static void seccomp_releasep(scmp_filter_ctx *c)
{
	if (*c)
		seccomp_release(*c);
}
#define cvm_autoseccomp __attribute__((cleanup(seccomp_releasep)))

static enum scmp_compare cmp_op(enum cvm_scp_op op)
{
	switch (op) {
	case CVM_SCP_EQ:
		return SCMP_CMP_EQ;
	case CVM_SCP_NE:
		return SCMP_CMP_NE;
	case CVM_SCP_LT:
		return SCMP_CMP_LT;
	case CVM_SCP_LE:
		return SCMP_CMP_LE;
	case CVM_SCP_GT:
		return SCMP_CMP_GT;
	case CVM_SCP_GE:
		return SCMP_CMP_GE;
	case CVM_SCP_MASKED_EQ:
		return SCMP_CMP_MASKED_EQ;
	default:
		return _SCMP_CMP_MIN; /* rejected by libseccomp */
	}
}

static int add_rule(scmp_filter_ctx ctx, const struct cvm_scp_rule *r, uint32_t def_action, const char *name,
                    cvm_err *err)
{
	struct scmp_arg_cmp cmps[CVM_SCP_MAX_CMP];
	uint32_t action;
	int rc;

	switch (r->action) {
	case CVM_SCP_ALLOW:
		action = SCMP_ACT_ALLOW;
		break;
	case CVM_SCP_ERRNO:
		action = SCMP_ACT_ERRNO((uint32_t)r->errnum);
		break;
	default:
		action = SCMP_ACT_KILL_PROCESS;
		break;
	}
	if (action == def_action)
		return 0; /* an explicit "kill" under a kill default: already so */
	for (unsigned i = 0; i < r->n_cmp; i++) {
		cmps[i].arg = r->cmp[i].arg;
		cmps[i].op = cmp_op(r->cmp[i].op);
		cmps[i].datum_a = r->cmp[i].op == CVM_SCP_MASKED_EQ ? r->cmp[i].mask : r->cmp[i].value;
		cmps[i].datum_b = r->cmp[i].op == CVM_SCP_MASKED_EQ ? r->cmp[i].value : 0;
	}
	/* _exact: libseccomp must not silently rewrite a rule it cannot express. */
	rc = seccomp_rule_add_exact_array(ctx, action, r->nr, r->n_cmp, cmps);
	if (rc < 0)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, -rc, "%s:%u: libseccomp rejects the rule for %s: %s", name,
		                   r->line, r->name, strerror(-rc));
	return 0;
}

static int export_bpf(scmp_filter_ctx ctx, struct cvm_seccomp_bpf *out, cvm_err *err)
{
	cvm_autoclose int fd = memfd_create("cvm-seccomp-bpf", MFD_CLOEXEC);
	struct stat st;
	int rc;

	if (fd < 0)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "memfd_create");
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0)
		return cvm_err_set(err, CVM_EXIT_FAILURE, -rc, "seccomp_export_bpf: %s", strerror(-rc));
	if (fstat(fd, &st) < 0)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "fstat of exported BPF");
	if (st.st_size <= 0 || st.st_size % (off_t)sizeof(struct sock_filter) != 0 ||
	    st.st_size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS)
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "exported BPF has a bad size (%lld bytes)",
		                   (long long)st.st_size);
	out->insns = malloc((size_t)st.st_size);
	if (!out->insns)
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	out->len = (size_t)st.st_size;
	if (pread(fd, out->insns, out->len, 0) != (ssize_t)out->len)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "reading exported BPF");
	cvm_sha256_hex(out->insns, out->len, out->sha256);
	return 0;
}

int cvm_scp_compile(const struct cvm_scp_policy *p, enum cvm_scp_mode mode, const char *policy_name,
                    struct cvm_seccomp_bpf *out, cvm_err *err)
{
	uint32_t def = mode == CVM_SCP_MODE_LOG ? SCMP_ACT_LOG : SCMP_ACT_KILL_PROCESS;
	cvm_autoseccomp scmp_filter_ctx ctx = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	ctx = seccomp_init(def);
	if (!ctx)
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "seccomp_init failed");
	/* The filter holds only the native x86_64 ABI: an i386 (int 0x80) or
	 * x32 (__X32_SYSCALL_BIT) syscall is a bad arch and kills the process,
	 * in log mode too. */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (rc == 0 && seccomp_arch_native() != SCMP_ARCH_X86_64)
		rc = -EOPNOTSUPP;
	if (rc < 0)
		return cvm_err_set(err, CVM_EXIT_FAILURE, -rc, "seccomp arch set-up: %s", strerror(-rc));
	for (size_t i = 0; i < p->n; i++)
		if (add_rule(ctx, &p->rules[i], def, policy_name, err) < 0)
			return -1;
	if (export_bpf(ctx, out, err) < 0) {
		cvm_seccomp_bpf_free(out);
		return -1;
	}
	snprintf(out->policy_name, sizeof(out->policy_name), "%s", policy_name);
	out->mode = mode;
	return 0;
}

int cvm_scp_compile_file(const char *path, enum cvm_scp_mode mode, struct cvm_seccomp_bpf *out, cvm_err *err)
{
	cvm_autofree uint8_t *text = NULL;
	struct cvm_scp_policy p = {0};
	const char *base = strrchr(path, '/');
	size_t len = 0;
	int rc;

	if (cvm_read_file(path, 1u << 20, &text, &len, err) < 0)
		return -1;
	if (cvm_scp_parse((const char *)text, len, path, &p, err) < 0)
		return -1;
	rc = cvm_scp_compile(&p, mode, base ? base + 1 : path, out, err);
	cvm_scp_policy_free(&p);
	return rc;
}

void cvm_seccomp_bpf_free(struct cvm_seccomp_bpf *b)
{
	free(b->insns);
	memset(b, 0, sizeof(*b));
}

int cvm_seccomp_bpf_load(const struct cvm_seccomp_bpf *b)
{
	struct sock_fprog prog = {
	    .len = (unsigned short)(b->len / sizeof(struct sock_filter)),
	    .filter = b->insns,
	};
	long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog);

	if (rc < 0)
		return -errno;
	if (rc > 0)
		return -EAGAIN; /* TSYNC: thread @rc could not be synchronised */
	return 0;
}
