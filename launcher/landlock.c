/* Step 8 of the sandbox child: Landlock. The guest process may read what the
 * emulator needs (its binary, the loader and libraries, firmware and data
 * dirs, its own /proc), execute only the emulator and its ELF interpreter,
 * and read-write only its run dir, the device nodes of its private /dev and
 * the images it was given. With ABI >= 6 it also may not signal or reach
 * abstract unix sockets outside its own domain. Every right the kernel knows
 * is handled, so anything not granted here is denied. */
#include "landlock.h"

#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox_int.h"

#define ERR(...) (snprintf(why, len, __VA_ARGS__), -1)

/* Rights newer than the installed uapi header. */
#define LL_FS_TRUNCATE (1ULL << 14)               /* ABI 3 */
#define LL_FS_IOCTL_DEV (1ULL << 15)              /* ABI 5 */
#define LL_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0) /* ABI 6 */
#define LL_SCOPE_SIGNAL (1ULL << 1)               /* ABI 6 */

#define LL_FS_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define LL_FS_WRITE_FILE (LANDLOCK_ACCESS_FS_WRITE_FILE | LL_FS_TRUNCATE)

/* The ruleset attribute as of ABI 6; older kernels get a prefix of it. */
struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

struct ll_path_beneath {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

int cvm_landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

	return abi < 0 ? -errno : (int)abi;
}

static uint64_t fs_rights(int abi)
{
	uint64_t r = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1; /* ABI 1: bits 0..12 */

	if (abi >= 2)
		r |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		r |= LL_FS_TRUNCATE;
	if (abi >= 5)
		r |= LL_FS_IOCTL_DEV;
	return r;
}

struct ll_ctx {
	int ruleset;
	uint64_t handled;
	char *why;
	size_t len;
};

/* Grant @access beneath @path (a file gets only the file rights). A built-in
 * path the host lacks is skipped; a path the plan names must exist. */
static int allow(struct ll_ctx *c, const char *path, uint64_t access, bool must_exist)
{
	char *why = c->why;
	size_t len = c->len;
	int fd = open(path, O_PATH | O_CLOEXEC);
	struct ll_path_beneath pb;
	struct stat st;
	const uint64_t file_rights = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
	                             LANDLOCK_ACCESS_FS_READ_FILE | LL_FS_TRUNCATE | LL_FS_IOCTL_DEV;
	int rc = 0;

	if (fd < 0) {
		if (!must_exist && (errno == ENOENT || errno == ENOTDIR))
			return 0;
		return ERR("%s: %s", path, strerror(errno));
	}
	if (fstat(fd, &st) < 0) {
		close(fd);
		return ERR("fstat %s: %s", path, strerror(errno));
	}
	if (!S_ISDIR(st.st_mode))
		access &= file_rights;
	pb.allowed_access = access & c->handled;
	pb.parent_fd = fd;
	if (pb.allowed_access && syscall(SYS_landlock_add_rule, c->ruleset, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0)
		rc = ERR("landlock_add_rule %s: %s", path, strerror(errno));
	close(fd);
	return rc;
}

/* PT_INTERP of the emulator (the dynamic loader execve opens for it). */
static int elf_interp(const char *exe, char *out, size_t outlen)
{
	int fd = open(exe, O_RDONLY | O_CLOEXEC);
	Elf64_Ehdr eh;
	int rc = -1;

	out[0] = '\0';
	if (fd < 0)
		return -1;
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phentsize != sizeof(Elf64_Phdr))
		goto out;
	rc = 0; /* a static binary has none */
	for (unsigned i = 0; i < eh.e_phnum && i < 64; i++) {
		Elf64_Phdr ph;
		if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) != sizeof(ph)) {
			rc = -1;
			break;
		}
		if (ph.p_type != PT_INTERP)
			continue;
		if (ph.p_filesz == 0 || ph.p_filesz >= outlen ||
		    pread(fd, out, ph.p_filesz, (off_t)ph.p_offset) != (ssize_t)ph.p_filesz) {
			rc = -1;
			break;
		}
		out[ph.p_filesz] = '\0';
		break;
	}
out:
	close(fd);
	return rc;
}

/* Read-only places the emulator needs on Debian-like hosts; missing ones are
 * skipped. Firmware and data dirs are where QEMU looks (<bindir>/../share). */
static const char *const builtin_read[] = {
    "/usr/lib",
    "/lib",
    "/lib64",
    "/usr/lib64",
    "/usr/share/qemu",
    "/usr/share/seabios",
    "/usr/share/ovmf",
    "/usr/share/OVMF",
    "/usr/share/ipxe",
    "/usr/lib/ipxe",
    "/etc/ld.so.cache",
    "/etc/localtime",
    "/proc",
    "/sys/devices/system/cpu",
    "/sys/devices/system/node",
    "/sys/bus/nd/devices",
};
static const char *const builtin_dev[] = {"/dev/null", "/dev/zero", "/dev/urandom"};

static int add_rules(struct ll_ctx *c, const struct cvm_sandbox_plan *plan)
{
	const uint64_t rw = LL_FS_READ | LL_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |
	                    LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
	                    LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO;
	const uint64_t dev = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE | LL_FS_IOCTL_DEV;
	char interp[256];
	char *why = c->why;
	size_t len = c->len;

	if (elf_interp(plan->emulator, interp, sizeof(interp)) < 0)
		return ERR("cannot read the ELF headers of %s", plan->emulator);
	if (allow(c, plan->emulator, LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_EXECUTE, true) < 0)
		return -1;
	if (interp[0] && allow(c, interp, LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_EXECUTE, true) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(builtin_read) / sizeof(builtin_read[0]); i++)
		if (allow(c, builtin_read[i], LL_FS_READ, false) < 0)
			return -1;
	for (size_t i = 0; i < plan->n_read_paths; i++)
		if (allow(c, plan->read_paths[i], LL_FS_READ, true) < 0)
			return -1;
	for (size_t i = 0; i < plan->n_rw_paths; i++)
		if (allow(c, plan->rw_paths[i], LL_FS_READ | LL_FS_WRITE_FILE, true) < 0)
			return -1;
	for (size_t i = 0; i < sizeof(builtin_dev) / sizeof(builtin_dev[0]); i++)
		if (allow(c, builtin_dev[i], dev, false) < 0)
			return -1;
	if (plan->use_kvm && allow(c, "/dev/kvm", dev, true) < 0)
		return -1;
	if (plan->need_tun && allow(c, "/dev/net/tun", dev, true) < 0)
		return -1;
	if (plan->need_sev && allow(c, "/dev/sev", dev, true) < 0)
		return -1;
	return allow(c, plan->run_dir, rw, true);
}

int cvm_sbx_landlock(const struct cvm_sandbox_plan *plan, char *why, size_t len)
{
	struct ll_ruleset_attr attr = {0};
	size_t attr_size = sizeof(attr.handled_access_fs);
	int abi, rc;

	if (plan->landlock == CVM_MODE_OFF)
		return 0;
	abi = cvm_landlock_abi();
	if (abi < 0) {
		if (plan->landlock == CVM_MODE_REQUIRE)
			return ERR("required but unavailable: %s", strerror(-abi));
		return 0; /* auto: the supervisor records it as unavailable */
	}
	attr.handled_access_fs = fs_rights(abi);
	if (abi >= 6) {
		attr.scoped = LL_SCOPE_ABSTRACT_UNIX_SOCKET | LL_SCOPE_SIGNAL;
		attr_size = sizeof(attr);
	}
	struct ll_ctx c = {.handled = attr.handled_access_fs, .why = why, .len = len};
	c.ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, attr_size, 0);
	if (c.ruleset < 0)
		return ERR("landlock_create_ruleset (ABI %d): %s", abi, strerror(errno));
	rc = add_rules(&c, plan);
	if (rc == 0 && syscall(SYS_landlock_restrict_self, c.ruleset, 0) < 0)
		rc = ERR("landlock_restrict_self: %s", strerror(errno));
	close(c.ruleset);
	return rc;
}
