/* The seccomp policy, tested as a table (libseccomp tests/NAME.tests style): one
 * row per syscall and arguments with the expected action, evaluated against
 * the filter built from the real policy file. Each row runs in a forked child
 * that loads the filter and makes the syscall, so the kernel itself says
 * "killed", "errno" or "allowed". Plus the parser's error messages. */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "seccomp_policy.h"

enum expect { ALLOW, KILL, DENY_ENOSYS, LOGGED };

struct row {
	const char *what;
	long nr; /* -1: use fn */
	unsigned long a[6];
	long (*fn)(void);
	enum expect want;
};

static long t_thread_fn_ret;
static void *thread_fn(void *arg)
{
	t_thread_fn_ret = 1;
	return arg;
}
/* pthread_create: glibc tries clone3 (ENOSYS by policy), then clone with the
 * exact thread flags (allowed). */
static long f_pthread(void)
{
	pthread_t t;
	if (pthread_create(&t, NULL, thread_fn, NULL) != 0)
		return -1;
	pthread_join(t, NULL);
	return t_thread_fn_ret == 1 ? 0 : -1;
}
static long f_int80(void)
{
	long ret = 20; /* i386 getpid */
	__asm__ volatile("int $0x80" : "+a"(ret) : : "memory");
	return ret;
}
static long f_x32(void)
{
	return syscall(0x40000000 | SYS_getpid);
}

#define R(what, nr, want, ...)                                                                                         \
	{                                                                                                              \
		what, nr, {__VA_ARGS__}, NULL, want                                                                    \
	}
#define F(what, fn, want)                                                                                              \
	{                                                                                                              \
		what, -1, {0}, fn, want                                                                                \
	}
#define THREAD_FLAGS                                                                                                   \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS |             \
	 CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)
#define AFD ((unsigned long)-1) /* an fd that is never open: allowed calls fail with EBADF */

static const struct row rows[] = {
    /* plain allowed calls */
    R("getpid", SYS_getpid, ALLOW, 0),
    R("read bad fd", SYS_read, ALLOW, AFD, 0, 0),
    R("close bad fd", SYS_close, ALLOW, AFD),
    R("execve missing file", SYS_execve, ALLOW, (unsigned long)"/nonexistent", 0, 0),
    F("pthread_create (clone3 ENOSYS -> clone thread flags)", f_pthread, ALLOW),
    /* clone: threads only */
    R("clone fork-like (SIGCHLD)", SYS_clone, KILL, SIGCHLD, 0, 0, 0, 0),
    R("clone thread flags + CLONE_NEWUSER", SYS_clone, KILL, THREAD_FLAGS | CLONE_NEWUSER, 0, 0, 0, 0),
    R("clone vfork", SYS_clone, KILL, CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0),
    R("clone3", SYS_clone3, DENY_ENOSYS, 0, 0),
    R("fork", SYS_fork, KILL, 0),
    R("vfork", SYS_vfork, KILL, 0),
    /* memory: never write+exec */
    R("mmap RW", SYS_mmap, ALLOW, 0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, AFD, 0),
    R("mmap RX", SYS_mmap, ALLOW, 0, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, AFD, 0),
    R("mmap RWX", SYS_mmap, KILL, 0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, AFD, 0),
    R("mmap WX", SYS_mmap, KILL, 0, 4096, PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, AFD, 0),
    R("mprotect RW", SYS_mprotect, ALLOW, 0, 0, PROT_READ | PROT_WRITE),
    R("mprotect RWX", SYS_mprotect, KILL, 0, 0, PROT_READ | PROT_WRITE | PROT_EXEC),
    R("pkey_mprotect", SYS_pkey_mprotect, DENY_ENOSYS, 0, 0, PROT_READ, 0),
    /* ioctl families */
    R("ioctl TCGETS", SYS_ioctl, ALLOW, AFD, 0x5401, 0),
    R("ioctl TUNSETIFF", SYS_ioctl, ALLOW, AFD, 0x400454ca, 0),
    R("ioctl KVM_GET_API_VERSION", SYS_ioctl, ALLOW, AFD, 0xae00, 0),
    R("ioctl KVM_RUN", SYS_ioctl, ALLOW, AFD, 0xae80, 0),
    R("ioctl BLKGETSIZE64", SYS_ioctl, ALLOW, AFD, 0x80081272, 0),
    R("ioctl SEV_ISSUE_CMD", SYS_ioctl, ALLOW, AFD, 0xc0105300, 0),
    R("ioctl SIOCGIFCONF", SYS_ioctl, KILL, AFD, 0x8912, 0),
    R("ioctl VHOST_SET_OWNER", SYS_ioctl, KILL, AFD, 0xaf01, 0),
    R("ioctl FS_IOC_GETFLAGS", SYS_ioctl, KILL, AFD, 0x80086601, 0),
    /* sockets */
    R("socket AF_UNIX", SYS_socket, ALLOW, AF_UNIX, 0x7f, 0),
    R("socket AF_INET6", SYS_socket, ALLOW, AF_INET6, 0x7f, 0),
    R("socket AF_PACKET", SYS_socket, KILL, 17, SOCK_RAW, 0),
    R("socket AF_NETLINK", SYS_socket, KILL, AF_NETLINK, SOCK_RAW, 0),
    R("socketpair AF_INET", SYS_socketpair, KILL, AF_INET, SOCK_STREAM, 0, 0),
    /* prctl */
    R("prctl PR_SET_NAME", SYS_prctl, ALLOW, PR_SET_NAME, (unsigned long)"x", 0, 0, 0),
    R("prctl PR_SET_NO_NEW_PRIVS", SYS_prctl, ALLOW, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0),
    R("prctl PR_SET_DUMPABLE", SYS_prctl, KILL, PR_SET_DUMPABLE, 1, 0, 0, 0),
    R("prctl PR_SET_SECUREBITS", SYS_prctl, KILL, PR_SET_SECUREBITS, 0, 0, 0, 0),
    R("prctl PR_CAP_AMBIENT", SYS_prctl, KILL, PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, 0, 0, 0),
    R("prctl PR_SET_PTRACER", SYS_prctl, KILL, PR_SET_PTRACER, 0, 0, 0, 0),
    /* probed by glibc/QEMU: ENOSYS, not a kill */
    R("io_uring_setup", SYS_io_uring_setup, DENY_ENOSYS, 1, 0),
    R("userfaultfd", SYS_userfaultfd, DENY_ENOSYS, 0),
    R("perf_event_open", SYS_perf_event_open, DENY_ENOSYS, 0, 0, 0, AFD, 0),
    /* escapes: killed */
    R("ptrace", SYS_ptrace, KILL, 16 /* PTRACE_ATTACH */, 1, 0, 0),
    R("process_vm_readv", SYS_process_vm_readv, KILL, 1, 0, 0, 0, 0, 0),
    R("mount", SYS_mount, KILL, 0, 0, 0, 0, 0),
    R("umount2", SYS_umount2, KILL, 0, 0),
    R("pivot_root", SYS_pivot_root, KILL, 0, 0),
    R("chroot", SYS_chroot, KILL, 0),
    R("unshare", SYS_unshare, KILL, CLONE_NEWUSER),
    R("setns", SYS_setns, KILL, AFD, 0),
    R("setuid", SYS_setuid, KILL, 0),
    R("setresuid", SYS_setresuid, KILL, 0, 0, 0),
    R("setgroups", SYS_setgroups, KILL, 0, 0),
    R("capset", SYS_capset, KILL, 0, 0),
    R("kexec_load", SYS_kexec_load, KILL, 0, 0, 0, 0),
    R("kexec_file_load", SYS_kexec_file_load, KILL, AFD, AFD, 0, 0, 0),
    R("bpf", SYS_bpf, KILL, 0, 0, 0),
    R("init_module", SYS_init_module, KILL, 0, 0, 0),
    R("finit_module", SYS_finit_module, KILL, AFD, 0, 0),
    R("delete_module", SYS_delete_module, KILL, 0, 0),
    R("keyctl", SYS_keyctl, KILL, 0, 0, 0, 0, 0),
    R("add_key", SYS_add_key, KILL, 0, 0, 0, 0, 0),
    R("open_by_handle_at", SYS_open_by_handle_at, KILL, AFD, 0, 0),
    R("personality", SYS_personality, KILL, 0xffffffff),
    R("reboot", SYS_reboot, KILL, 0, 0, 0, 0),
    R("swapon", SYS_swapon, KILL, 0, 0),
    R("acct", SYS_acct, KILL, 0),
    R("settimeofday", SYS_settimeofday, KILL, 0, 0),
    R("fanotify_init", SYS_fanotify_init, KILL, 0, 0),
    R("fsopen", SYS_fsopen, KILL, 0, 0),
    R("mknodat", SYS_mknodat, KILL, AFD, 0, 0, 0),
    /* other ABIs */
    F("i386 int 0x80", f_int80, KILL),
    F("x32 getpid", f_x32, KILL),
};

struct outcome {
	bool killed_sigsys;
	int signal;
	long ret;
	int err;
};

/* In log mode a "kill" row really runs: only rows whose syscall is harmless
 * with the row's arguments (bad pointers, an unprivileged uid) run there. */
static bool unsafe_in_log(const struct row *r)
{
	static const long unsafe[] = {
	    SYS_fork,       SYS_vfork,  SYS_clone,        SYS_ptrace,           SYS_kexec_load, SYS_kexec_file_load,
	    SYS_acct,       SYS_reboot, SYS_settimeofday, SYS_process_vm_readv, SYS_swapon,     SYS_unshare,
	    SYS_personality};
	for (size_t i = 0; i < sizeof(unsafe) / sizeof(unsafe[0]); i++)
		if (r->nr == unsafe[i])
			return true;
	return false;
}

static void child(const struct cvm_seccomp_bpf *bpf, const struct row *r, int wfd, bool log_mode)
{
	long res[2];
	int rc;

	/* Log mode lets the call through: make sure it cannot do harm. */
	if (log_mode && (setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0))
		_exit(89);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		_exit(90);
	rc = cvm_seccomp_bpf_load(bpf);
	if (rc < 0)
		_exit(91);
	errno = 0;
	res[0] = r->fn ? r->fn() : syscall(r->nr, r->a[0], r->a[1], r->a[2], r->a[3], r->a[4], r->a[5]);
	res[1] = errno;
	if (write(wfd, res, sizeof(res)) != sizeof(res))
		_exit(92);
	_exit(0);
}

static struct outcome run_row(const struct cvm_seccomp_bpf *bpf, const struct row *r, bool log_mode)
{
	struct outcome o = {0};
	int p[2], status = 0;
	long res[2] = {0, 0};
	pid_t pid;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		child(bpf, r, p[1], log_mode);
	}
	close(p[1]);
	ssize_t n = read(p[0], res, sizeof(res));
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status)) {
		o.signal = WTERMSIG(status);
		o.killed_sigsys = o.signal == SIGSYS;
		return o;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || n != sizeof(res))
		fail_msg("%s: child failed to run the row (status 0x%x)", r->what, status);
	o.ret = res[0];
	o.err = (int)res[1];
	return o;
}

static void check_rows(const struct cvm_seccomp_bpf *bpf, bool log_mode)
{
	unsigned bad = 0;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		enum expect want = r->want;
		bool is_arch = r->fn == f_int80 || r->fn == f_x32;
		bool ok;

		if (log_mode && want == KILL && !is_arch && unsafe_in_log(r))
			continue;
		struct outcome o = run_row(bpf, r, log_mode);

		/* In log mode, what enforce kills is let through (and logged),
		 * except a foreign ABI, which is still killed. The call itself may
		 * fail on its own (e.g. ENOSYS from a kernel without modules). */
		if (log_mode && want == KILL && !is_arch)
			want = LOGGED;
		switch (want) {
		case KILL:
			ok = o.killed_sigsys;
			break;
		case DENY_ENOSYS:
			ok = !o.signal && o.ret == -1 && o.err == ENOSYS;
			break;
		case LOGGED:
			ok = !o.signal;
			break;
		default:
			ok = !o.signal && !(o.ret == -1 && o.err == ENOSYS);
			break;
		}
		if (!ok) {
			print_error("row '%s': expected %s, got %s (ret %ld errno %d)\n", r->what,
			            want == KILL     ? "kill"
			            : want == ALLOW  ? "allow"
			            : want == LOGGED ? "logged"
			                             : "ENOSYS",
			            o.signal ? strsignal(o.signal) : "return", o.ret, o.err);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void policy_path(char *buf, size_t len)
{
	const char *src = getenv("CVM_SOURCE_DIR");
	snprintf(buf, len, "%s/policy/seccomp/qemu-system-x86_64.policy", src ? src : CVM_POLICY_DIR "/..");
}

static void test_real_policy_enforce(void **state)
{
	struct cvm_seccomp_bpf bpf;
	cvm_err err = {0};
	char path[1024];

	policy_path(path, sizeof(path));
	if (cvm_scp_compile_file(path, CVM_SCP_MODE_ENFORCE, &bpf, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(strlen(bpf.sha256), 64);
	assert_string_equal(bpf.policy_name, "qemu-system-x86_64.policy");
	check_rows(&bpf, false);
	cvm_seccomp_bpf_free(&bpf);
}

static void test_real_policy_log(void **state)
{
	struct cvm_seccomp_bpf bpf, bpf2;
	cvm_err err = {0};
	char path[1024];

	policy_path(path, sizeof(path));
	if (cvm_scp_compile_file(path, CVM_SCP_MODE_LOG, &bpf, &err) < 0)
		fail_msg("%s", err.msg);
	check_rows(&bpf, true);
	/* Deterministic: the same policy gives the same program and hash; the
	 * other mode gives a different one. */
	assert_int_equal(cvm_scp_compile_file(path, CVM_SCP_MODE_ENFORCE, &bpf2, &err), 0);
	assert_string_not_equal(bpf.sha256, bpf2.sha256);
	cvm_seccomp_bpf_free(&bpf2);
	assert_int_equal(cvm_scp_compile_file(path, CVM_SCP_MODE_LOG, &bpf2, &err), 0);
	assert_string_equal(bpf.sha256, bpf2.sha256);
	cvm_seccomp_bpf_free(&bpf2);
	cvm_seccomp_bpf_free(&bpf);
}

/* Parser: good texts and the rules they give. */
static void test_parse_good(void **state)
{
	static const char text[] = "# comment\n"
	                           "\n"
	                           "read   # trailing comment\n"
	                           "write: allow\n"
	                           "clone3: errno ENOSYS\n"
	                           "io_uring_setup: errno 95\n"
	                           "ptrace: kill\n"
	                           "mmap: arg2 & PROT_WRITE|PROT_EXEC == PROT_WRITE || arg2 < 2\n"
	                           "socket: arg0 == AF_UNIX && arg1 != 3 && arg2 >= 0x0\r\n";
	struct cvm_scp_policy p;
	cvm_err err = {0};

	if (cvm_scp_parse(text, sizeof(text) - 1, "t", &p, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(p.n, 8);
	assert_string_equal(p.rules[0].name, "read");
	assert_int_equal(p.rules[0].nr, SYS_read);
	assert_int_equal(p.rules[2].action, CVM_SCP_ERRNO);
	assert_int_equal(p.rules[2].errnum, ENOSYS);
	assert_int_equal(p.rules[3].errnum, 95);
	assert_int_equal(p.rules[4].action, CVM_SCP_KILL);
	assert_int_equal(p.rules[5].n_cmp, 1);
	assert_int_equal(p.rules[5].cmp[0].op, CVM_SCP_MASKED_EQ);
	assert_int_equal(p.rules[5].cmp[0].mask, PROT_WRITE | PROT_EXEC);
	assert_int_equal(p.rules[5].cmp[0].value, PROT_WRITE);
	assert_int_equal(p.rules[6].cmp[0].op, CVM_SCP_LT);
	assert_int_equal(p.rules[6].line, 8);
	assert_int_equal(p.rules[7].n_cmp, 3);
	assert_int_equal(p.rules[7].cmp[1].op, CVM_SCP_NE);
	assert_int_equal(p.rules[7].cmp[2].op, CVM_SCP_GE);
	cvm_scp_policy_free(&p);
}

/* Parser: each bad text fails with a message naming the line and problem. */
static void test_parse_bad(void **state)
{
	static const struct {
		const char *text;
		const char *msg;
	} bad[] = {
	    {"read\nnosuchcall\n", "t:2: unknown syscall 'nosuchcall'"},
	    {"read: bogus\n", "t:1: expected arg0..arg5"},
	    {"read: arg6 == 1\n", "t:1: expected arg0..arg5"},
	    {"read: arg0 =! 1\n", "t:1: expected a comparison operator"},
	    {"read: arg0 == NOPE\n", "t:1: unknown constant 'NOPE'"},
	    {"read: arg0 == 1 && arg0 == 2\n", "t:1: argument compared twice"},
	    {"read: arg0 & 1 == 2\n", "t:1: masked value has bits outside the mask"},
	    {"read: arg0 & 1\n", "t:1: expected '==' after mask"},
	    {"read: errno EWHAT\n", "t:1: unknown errno name 'EWHAT'"},
	    {"read: errno 0\n", "t:1: errno out of range"},
	    {"read: errno 5000\n", "t:1: errno out of range"},
	    {"read: arg0 == 99999999999999999999999\n", "t:1: bad number"},
	    {"read: arg0 == 12abc\n", "t:1: bad number"},
	    {"read allow\n", "t:1: expected ':' or end of line"},
	    {"read: allow extra\n", "t:1: trailing text"},
	    {"read\nread: errno EPERM\n", "t:2: read already has a rule on line 1"},
	    {"read: arg0 == 1\nread\n", "t:2: read is allowed unconditionally on line 2 and conditionally on line 1"},
	    {"read: arg0 == 1 ||\n", "t:1: expected arg0..arg5"},
	    {": allow\n", "t:1: expected a syscall name"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cvm_scp_policy p;
		cvm_err err = {0};
		int rc = cvm_scp_parse(bad[i].text, strlen(bad[i].text), "t", &p, &err);
		if (rc == 0 || strncmp(err.msg, bad[i].msg, strlen(bad[i].msg)) != 0)
			fail_msg("text %zu: rc %d, message '%s', expected '%s'", i, rc, err.msg, bad[i].msg);
		assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
		assert_null(p.rules);
	}
}

static void test_parse_nul_and_long(void **state)
{
	char big[2100];
	struct cvm_scp_policy p;
	cvm_err err = {0};

	assert_int_equal(cvm_scp_parse("read\0x\n", 7, "t", &p, &err), -1);
	assert_non_null(strstr(err.msg, "NUL byte"));
	memset(big, ' ', sizeof(big));
	memcpy(big, "read", 4);
	assert_int_equal(cvm_scp_parse(big, sizeof(big), "t", &p, &err), -1);
	assert_non_null(strstr(err.msg, "line too long"));
}

/* A policy libseccomp cannot express in one rule is reported, not rewritten. */
static void test_compile_reports_file_line(void **state)
{
	static const char text[] = "read\nwrite: arg0 == 1\n";
	struct cvm_scp_policy p;
	struct cvm_seccomp_bpf bpf;
	cvm_err err = {0};

	assert_int_equal(cvm_scp_parse(text, sizeof(text) - 1, "mini.policy", &p, &err), 0);
	assert_int_equal(cvm_scp_compile(&p, CVM_SCP_MODE_ENFORCE, "mini.policy", &bpf, &err), 0);
	assert_true(bpf.len > 0 && bpf.len % 8 == 0);
	cvm_seccomp_bpf_free(&bpf);
	cvm_scp_policy_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_good),          cmocka_unit_test(test_parse_bad),
	    cmocka_unit_test(test_parse_nul_and_long),  cmocka_unit_test(test_compile_reports_file_line),
	    cmocka_unit_test(test_real_policy_enforce), cmocka_unit_test(test_real_policy_log),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
