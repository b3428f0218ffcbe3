/* A hostile "emulator": what a guest that took over its QEMU process would
 * try. Run as the tenant's emulator under the full sandbox.
 *
 *   hostile_payload RUN_DIR attempt NAME [ARG]   one attempt (see table)
 *   hostile_payload RUN_DIR idle MS THREADS      start THREADS threads, sleep
 *   hostile_payload RUN_DIR true                 exit 0 (benchmark payload)
 *   hostile_payload QEMU-ARGS...                 run as the tenant's emulator by
 *                                                cvm-launch (host config "emulator"):
 *                                                the run dir comes from the QMP chardev,
 *                                                the job from the kernel command line:
 *                                                "hostile=NAME [hostile_arg=X]" makes one
 *                                                attempt and exits 10 (denied) or 11
 *                                                (succeeded); without it the payload is a
 *                                                fake emulator: "hostile_threads=N"
 *                                                threads, a minimal QMP server (greeting,
 *                                                query-status running, exit 0 on
 *                                                system_powerdown or quit)
 *   hostile_payload RUN_DIR inspect              log what the sandbox left it: open
 *                                                fds, environment, hostname, /dev,
 *                                                ids, rlimits, pid
 *
 * Before each attempt it appends "attempt NAME" to RUN_DIR/payload.log (and
 * fsyncs), so the test can prove the attempt was made even when the kernel
 * kills the process on the syscall. If the syscall returns, it logs
 * "NAME: denied errno=E" and exits 0, or "NAME: SUCCEEDED" and exits 1. The
 * seccomp policy kills fork, so every attempt runs in its own launch: a
 * killed attempt shows up as SIGSYS in the supervisor's wait status. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define X32_SYSCALL_BIT 0x40000000

static int logfd = -1;
static int echo_stdout; /* also to stdout (cvm-launch keeps it as emulator.log) */

__attribute__((format(printf, 1, 2))) static void logline(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);

	if (n > 0 && logfd >= 0) {
		if (write(logfd, buf, (size_t)n) != n)
			_exit(3);
		fsync(logfd);
	}
	if (n > 0 && echo_stdout && write(1, buf, (size_t)n) != n)
		_exit(3);
}

static long a_ptrace(const char *arg)
{
	return ptrace(PTRACE_ATTACH, (pid_t)(arg ? atoi(arg) : 1), NULL, NULL);
}

static long a_mount(const char *arg)
{
	return mount("none", arg ? arg : "/tmp", "tmpfs", 0, NULL);
}

static long a_unshare(const char *arg)
{
	return unshare(CLONE_NEWUSER | CLONE_NEWNS);
}

static long a_setns(const char *arg)
{
	int fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	return setns(fd >= 0 ? fd : 0, 0);
}

static long a_setuid(const char *arg)
{
	return setuid(0);
}

static long a_capset(const char *arg)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2] = {{~0u, ~0u, ~0u}, {~0u, ~0u, ~0u}};
	return syscall(SYS_capset, &h, d);
}

static long a_kexec(const char *arg)
{
	return syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0UL);
}

static long a_bpf(const char *arg)
{
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = 1;
	return syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
}

static long a_init_module(const char *arg)
{
	static const char img[64];
	return syscall(SYS_init_module, img, sizeof(img), "");
}

static long a_open_shadow(const char *arg)
{
	return open("/etc/shadow", O_RDONLY | O_CLOEXEC);
}

/* ARG: another tenant's run dir; try to list it and to read a file in it. */
static long a_other_tenant(const char *arg)
{
	char p[512];
	long fd = open(arg, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	snprintf(p, sizeof(p), "%s/secret", arg);
	return open(p, O_RDONLY | O_CLOEXEC);
}

/* An i386 syscall through int 0x80 (getpid = 20): a different audit arch. */
static long a_int80(const char *arg)
{
	long ret = 20;
	__asm__ volatile("int $0x80" : "+a"(ret) : : "memory");
	return ret < 0 ? (errno = (int)-ret, -1) : ret;
}

/* An x32 syscall: x86_64 arch, but the __X32_SYSCALL_BIT ABI. */
static long a_x32(const char *arg)
{
	return syscall(X32_SYSCALL_BIT | SYS_getpid);
}

static long a_exec_sh(const char *arg)
{
	char *const argv[] = {"sh", "-c", "echo pwned", NULL};
	char *const envp[] = {NULL};
	return execve("/bin/sh", argv, envp);
}

/* ARG: a path outside the run dir in a world-writable place. */
static long a_write_outside(const char *arg)
{
	return open(arg ? arg : "/tmp/cvm-hostile-escape", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
}

static long a_fork(const char *arg)
{
	pid_t p = fork();
	if (p == 0)
		_exit(0);
	return p;
}

static long a_wx_mmap(const char *arg)
{
	void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return m == MAP_FAILED ? -1 : 0;
}

static long a_io_uring(const char *arg)
{
	char params[120] = {0};
	return syscall(SYS_io_uring_setup, 8, params);
}

static long a_clone3(const char *arg)
{
	char args[88] = {0};
	return syscall(SYS_clone3, args, sizeof(args));
}

static long a_raw_socket(const char *arg)
{
	return socket(17 /* AF_PACKET */, SOCK_RAW, 0);
}

static const struct attempt {
	const char *name;
	long (*fn)(const char *arg);
} attempts[] = {
    {"ptrace", a_ptrace},
    {"mount", a_mount},
    {"unshare", a_unshare},
    {"setns", a_setns},
    {"setuid0", a_setuid},
    {"capset", a_capset},
    {"kexec_load", a_kexec},
    {"bpf", a_bpf},
    {"init_module", a_init_module},
    {"open_shadow", a_open_shadow},
    {"open_other_tenant", a_other_tenant},
    {"int80", a_int80},
    {"x32", a_x32},
    {"exec_sh", a_exec_sh},
    {"write_outside", a_write_outside},
    {"fork", a_fork},
    {"wx_mmap", a_wx_mmap},
    {"io_uring", a_io_uring},
    {"clone3", a_clone3},
    {"raw_socket", a_raw_socket},
};

/* (pause() is not in QEMU's policy; nanosleep is.) */
static void *forever(void *arg)
{
	for (;;) {
		struct timespec ts = {3600, 0};
		nanosleep(&ts, NULL);
	}
	return arg;
}

static void *sleeper(void *arg)
{
	unsigned ms = *(unsigned *)arg;
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
	return NULL;
}

static int idle(unsigned ms, unsigned nthreads)
{
	pthread_t t[16];

	if (nthreads > 16)
		nthreads = 16;
	for (unsigned i = 0; i < nthreads; i++)
		if (pthread_create(&t[i], NULL, sleeper, &ms) != 0)
			return 4;
	logline("idle: %u threads started\n", nthreads);
	sleeper(&ms);
	for (unsigned i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
	return 0;
}

/* ---- invoked with QEMU's argv by cvm-launch ---------------------------- */

struct qemu_job {
	char run_dir[256], qmp[300], attempt[64], arg[256];
	unsigned threads;
};

static void parse_qemu_argv(int argc, char **argv, struct qemu_job *j)
{
	memset(j, 0, sizeof(*j));
	for (int i = 1; i + 1 < argc; i++) {
		const char *v = argv[i + 1], *p;
		if (!strcmp(argv[i], "-chardev") && (p = strstr(v, "id=qmp,path="))) {
			snprintf(j->qmp, sizeof(j->qmp), "%.*s", (int)strcspn(p + 12, ","), p + 12);
			snprintf(j->run_dir, sizeof(j->run_dir), "%s", j->qmp);
			char *slash = strrchr(j->run_dir, '/');
			if (slash)
				*slash = '\0';
		}
		if (!strcmp(argv[i], "-append")) {
			if ((p = strstr(v, "hostile=")))
				snprintf(j->attempt, sizeof(j->attempt), "%.*s", (int)strcspn(p + 8, " "), p + 8);
			if ((p = strstr(v, "hostile_arg=")))
				snprintf(j->arg, sizeof(j->arg), "%.*s", (int)strcspn(p + 12, " "), p + 12);
			if ((p = strstr(v, "hostile_threads=")))
				j->threads = (unsigned)atoi(p + 16);
		}
	}
}

static void qmp_send(int fd, const char *msg)
{
	size_t n = strlen(msg);
	if (write(fd, msg, n) != (ssize_t)n)
		return; /* the client went away */
}

/* Serve one QMP client until it disconnects; 1 = asked to quit. */
static int qmp_client(int fd)
{
	char buf[4096];
	size_t len = 0;

	qmp_send(fd, "{\"QMP\": {\"version\": {\"qemu\": {\"major\": 7, \"minor\": 2, \"micro\": 0}}, "
	             "\"capabilities\": []}}\r\n");
	for (;;) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			return 0;
		len += (size_t)n;
		buf[len] = '\0';
		char *nl;
		while ((nl = strchr(buf, '\n'))) {
			*nl = '\0';
			if (strstr(buf, "query-status"))
				qmp_send(fd, "{\"return\": {\"status\": \"running\", \"singlestep\": false, "
				             "\"running\": true}}\r\n");
			else
				qmp_send(fd, "{\"return\": {}}\r\n");
			if (strstr(buf, "system_powerdown") || strstr(buf, "\"quit\""))
				return 1;
			len -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, len + 1);
		}
		if (len == sizeof(buf) - 1)
			return 0;
	}
}

static int fake_emulator(const struct qemu_job *j)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	pthread_t t;
	int lfd;

	for (unsigned i = 0; i < j->threads && i < 16; i++)
		if (pthread_create(&t, NULL, forever, NULL) != 0)
			return 4;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", j->qmp);
	unlink(j->qmp);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 4) < 0)
		return 5;
	logline("fake emulator: %u threads, QMP on %s\n", j->threads, j->qmp);
	for (;;) {
		int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0)
			continue;
		int quit = qmp_client(c);
		close(c);
		if (quit) {
			logline("fake emulator: powerdown%s\n", "");
			return 0;
		}
	}
}

static int attempt(const char *name, const char *arg);

static int qemu_mode(int argc, char **argv)
{
	struct qemu_job j;
	char path[300];

	parse_qemu_argv(argc, argv, &j);
	if (!j.run_dir[0])
		return 2;
	snprintf(path, sizeof(path), "%s/payload.log", j.run_dir);
	logfd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (logfd < 0)
		return 3;
	echo_stdout = 1;
	if (!j.attempt[0])
		return fake_emulator(&j);
	int rc = attempt(j.attempt, j.arg[0] ? j.arg : NULL);
	return rc == 0 ? 10 : rc == 1 ? 11 : rc;
}

extern char **environ;

static int inspect(void)
{
	char host[64] = "", line[256] = "";
	struct rlimit rl;
	size_t n = 0, env = 0;
	DIR *d;
	struct dirent *de;

	for (char **e = environ; e && *e; e++)
		env++;
	logline("env %zu\n", env);
	d = opendir("/proc/self/fd");
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.' && n + strlen(de->d_name) + 2 < sizeof(line))
			n += (size_t)snprintf(line + n, sizeof(line) - n, "%s ", de->d_name);
	if (d)
		closedir(d);
	logline("fds %s\n", line);
	n = 0;
	line[0] = '\0';
	d = opendir("/dev");
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.' && n + strlen(de->d_name) + 2 < sizeof(line))
			n += (size_t)snprintf(line + n, sizeof(line) - n, "%s ", de->d_name);
	if (d)
		closedir(d);
	logline("dev %s\n", line);
	gethostname(host, sizeof(host) - 1);
	logline("hostname %s\n", host);
	logline("pid %d uid %u gid %u\n", (int)getpid(), (unsigned)getuid(), (unsigned)getgid());
	getrlimit(RLIMIT_CORE, &rl);
	logline("rlimit core %llu\n", (unsigned long long)rl.rlim_cur);
	getrlimit(RLIMIT_NOFILE, &rl);
	logline("rlimit nofile %llu\n", (unsigned long long)rl.rlim_cur);
	getrlimit(RLIMIT_FSIZE, &rl);
	logline("rlimit fsize %llu\n", (unsigned long long)rl.rlim_cur);
	return 0;
}

/* The payload runs under the production policy, which kills the fork+ptrace
 * that LeakSanitizer's exit-time check does in sanitizer builds: leave with
 * _exit so what is tested is the attempt, not the sanitizer runtime. */
static int run(int argc, char **argv);

int main(int argc, char **argv)
{
	_exit(run(argc, argv));
}

static int run(int argc, char **argv)
{
	char path[512];

	if (argc > 1 && argv[1][0] == '-')
		return qemu_mode(argc, argv);
	if (argc < 3)
		return 2;
	if (!strcmp(argv[2], "true"))
		return 0;
	snprintf(path, sizeof(path), "%s/payload.log", argv[1]);
	logfd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (logfd < 0)
		return 3;
	if (!strcmp(argv[2], "inspect"))
		return inspect();
	if (!strcmp(argv[2], "idle") && argc >= 5)
		return idle((unsigned)atoi(argv[3]), (unsigned)atoi(argv[4]));
	if (strcmp(argv[2], "attempt") || argc < 4)
		return 2;
	return attempt(argv[3], argc > 4 ? argv[4] : NULL);
}

/* 0 = denied (logged), 1 = succeeded (logged), 2 = no such attempt; a
 * killed attempt does not return. */
static int attempt(const char *name, const char *arg)
{
	for (size_t i = 0; i < sizeof(attempts) / sizeof(attempts[0]); i++) {
		if (strcmp(attempts[i].name, name))
			continue;
		logline("attempt %s\n", name);
		errno = 0;
		long r = attempts[i].fn(arg);
		if (r < 0) {
			char e[64];
			snprintf(e, sizeof(e), "%d (%s)", errno, strerrorname_np(errno));
			logline("%s: denied errno=%s\n", name, e);
			return 0;
		}
		logline("%s: SUCCEEDED\n", name);
		return 1;
	}
	return 2;
}
