#include "kvm_probe.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cvm_cleanup.h"

#define TEST_PORT 0x10
#define TEST_VALUE 0x42

/* Child: run the test guest; exit 0 when it wrote TEST_VALUE and halted,
 * 10+n for each distinct failure (reported by the parent). */
static int run_test_guest(int kvm)
{
	/* mov al, 0x42; out 0x10, al; hlt */
	static const uint8_t code[] = { 0xb0, TEST_VALUE, 0xe6, TEST_PORT, 0xf4 };
	struct kvm_userspace_memory_region region = { 0 };
	struct kvm_sregs sregs;
	struct kvm_regs regs = { 0 };
	struct kvm_run *run;
	bool wrote = false;
	uint8_t *mem;
	int vm, vcpu, run_size;

	/* a VM belongs to the mm that created it: the child makes its own */
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		return 19;

	mem = mmap(NULL, 0x1000, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return 11;
	memcpy(mem, code, sizeof(code));
	region.slot = 0;
	region.guest_phys_addr = 0x1000;
	region.memory_size = 0x1000;
	region.userspace_addr = (uintptr_t)mem;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return 12;
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		return 13;
	run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size <= 0)
		return 14;
	run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		return 14;
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		return 15;
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		return 15;
	regs.rip = 0x1000;
	regs.rflags = 0x2;
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		return 15;
	for (int i = 0; i < 4; i++) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0)
			return 16;
		if (run->exit_reason == KVM_EXIT_IO && run->io.port == TEST_PORT &&
		    *((uint8_t *)run + run->io.data_offset) == TEST_VALUE)
			wrote = true;
		else if (run->exit_reason == KVM_EXIT_HLT)
			return wrote ? 0 : 17;
		else
			return 18;
	}
	return 18;
}

static const char *child_failure(int code)
{
	switch (code) {
	case 11: return "mmap of guest memory failed";
	case 12: return "KVM_SET_USER_MEMORY_REGION failed";
	case 13: return "KVM_CREATE_VCPU failed";
	case 14: return "mapping kvm_run failed";
	case 15: return "setting vCPU registers failed";
	case 16: return "KVM_RUN failed";
	case 17: return "the test guest halted without its port write";
	case 18: return "the test guest exited unexpectedly";
	case 19: return "KVM_CREATE_VM failed in the test process";
	default: return "the test process failed";
	}
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait up to @timeout_ms for @pid; SIGKILL it when late. Returns wait status or -1 on timeout. */
static int wait_deadline(pid_t pid, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	int status;

	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return status;
		if (r < 0 && errno != EINTR)
			return -1;
		if (now_ms() >= deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		struct timespec ts = { 0, 5 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
}

/* Stage 2: the emulator's own firmware under KVM, debug console on stdout. */
static bool firmware_posts(const char *emulator, int timeout_ms, char *why, size_t len)
{
	static const char marker[] = "No bootable device";
	char buf[16384];
	size_t got = 0;
	int pipefd[2];
	long long deadline;
	bool ok = false;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		snprintf(why, len, "pipe: %s", strerror(errno));
		return false;
	}
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 2);
		dup2(pipefd[1], 1);
		execl(emulator, emulator, "-nodefaults", "-no-user-config", "-display", "none", "-machine",
		      "q35,accel=kvm", "-m", "32", "-chardev", "stdio,id=dbg,signal=off", "-device",
		      "isa-debugcon,iobase=0x402,chardev=dbg", "-sandbox",
		      "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny", (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	if (pid < 0) {
		close(pipefd[0]);
		snprintf(why, len, "fork: %s", strerror(errno));
		return false;
	}
	deadline = now_ms() + timeout_ms;
	while (!ok && got < sizeof(buf) - 1) {
		long long left = deadline - now_ms();
		struct pollfd pfd = { .fd = pipefd[0], .events = POLLIN };
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			break;
		ssize_t n = read(pipefd[0], buf + got, sizeof(buf) - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
		buf[got] = '\0';
		ok = strstr(buf, marker) != NULL;
	}
	close(pipefd[0]);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	if (!ok)
		snprintf(why, len, "%s's firmware did not finish POST under KVM within %d ms (%zu bytes of debug output)",
			 emulator, timeout_ms, got);
	return ok;
}

void cvm_kvm_probe(const char *host_root, const char *emulator, int timeout_ms, struct cvm_kvm_probe *out)
{
	char why[sizeof(out->detail)];

	char path[4096];
	cvm_autoclose int kvm = -1;
	cvm_autoclose int vm = -1;
	pid_t pid;
	int status;

	memset(out, 0, sizeof(*out));
	snprintf(path, sizeof(path), "%s/dev/kvm", host_root ? host_root : "");
	kvm = open(path, O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		snprintf(out->detail, sizeof(out->detail), "cannot open %s: %s", path, strerror(errno));
		return;
	}
	out->device = true;
	out->api_version = ioctl(kvm, KVM_GET_API_VERSION, 0);
	if (out->api_version != KVM_API_VERSION) {
		snprintf(out->detail, sizeof(out->detail), "%s: KVM API version %d, need %d", path,
			 out->api_version, KVM_API_VERSION);
		return;
	}
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0) {
		snprintf(out->detail, sizeof(out->detail), "KVM_CREATE_VM failed: %s", strerror(errno));
		return;
	}
	out->create_vm = true;
	pid = fork();
	if (pid < 0) {
		snprintf(out->detail, sizeof(out->detail), "KVM_CREATE_VM ok; fork for the test guest failed");
		return;
	}
	if (pid == 0)
		_exit(run_test_guest(kvm));
	status = wait_deadline(pid, timeout_ms);
	if (status < 0) {
		snprintf(out->detail, sizeof(out->detail),
			 "KVM_CREATE_VM ok, but a test vCPU did not finish 3 instructions within %d ms: "
			 "guests cannot run here", timeout_ms);
		return;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(out->detail, sizeof(out->detail), "KVM_CREATE_VM ok, but %s",
			 WIFEXITED(status) ? child_failure(WEXITSTATUS(status)) : "the test process crashed");
		return;
	}
	out->runs = true;
	if (emulator && !firmware_posts(emulator, timeout_ms, why, sizeof(why))) {
		snprintf(out->detail, sizeof(out->detail), "KVM_CREATE_VM ok and a test vCPU ran, but %s", why);
		return;
	}
	out->firmware = emulator != NULL;
	out->usable = true;
	snprintf(out->detail, sizeof(out->detail), "KVM_CREATE_VM ok, a test vCPU ran (port write + hlt)%s within %d ms",
		 emulator ? " and the emulator's firmware finished POST under KVM" : "", timeout_ms);
}
