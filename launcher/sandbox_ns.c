/* Step 2 of the sandbox child: namespaces. The pid namespace was made at
 * fork (cvm_sandbox_fork); here the child leaves the host's mount, ipc and
 * uts namespaces (and network when the spec has none), mounts a /proc that
 * shows only its own pid namespace, and replaces /dev with a small tmpfs
 * holding only the device nodes the guest needs, owned by the tenant. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sandbox_int.h"
#include "svirt_label.h"
#include "svirt_proc.h"

#define ERR(...) (snprintf(why, len, __VA_ARGS__), -1)

struct devnode {
	const char *path; /* under the new /dev */
	unsigned maj, min;
	mode_t mode;
	bool tenant_owned; /* chown to the tenant (device is not world-usable) */
};

/* Character devices with fixed numbers (Documentation/admin-guide/devices.txt). */
static const struct devnode base_nodes[] = {
    {"/dev/null", 1, 3, 0666, false},
    {"/dev/zero", 1, 5, 0666, false},
    {"/dev/urandom", 1, 9, 0666, false},
};

/* Under SELinux each node gets the label of the host's node of the same
 * path (null_device_t, kvm_device_t, ...), read before /dev is covered: the
 * guest domain may use those types, not the tmpfs's. "" = no label. */
static int make_node(const struct cvm_sandbox_plan *plan, const char *path, dev_t rdev, mode_t mode, bool tenant_owned,
                     const char *label, char *why, size_t len)
{
	if (label[0] && cvm_svirt_create_contexts(label, NULL, NULL) < 0)
		return ERR("setfscreatecon %s for %s: %s", label, path, strerror(errno));
	int rc = mknod(path, S_IFCHR | mode, rdev);
	int saved = errno;
	if (label[0])
		cvm_svirt_create_contexts(NULL, NULL, NULL);
	errno = saved;
	if (rc < 0)
		return ERR("mknod %s: %s", path, strerror(errno));
	/* mknod applies the umask; the mode must be exact. */
	if (chmod(path, mode) < 0)
		return ERR("chmod %s: %s", path, strerror(errno));
	if (tenant_owned && chown(path, plan->uid, plan->gid) < 0)
		return ERR("chown %s: %s", path, strerror(errno));
	return 0;
}

/* The host's node numbers for kvm and tun are read before /dev is covered
 * (kvm is a misc device whose minor is fixed, tun too, but a host may differ;
 * copying the host's numbers keeps whatever it has). */
static int host_rdev(const char *path, dev_t *out, char *why, size_t len)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return ERR("%s: %s", path, strerror(errno));
	if (!S_ISCHR(st.st_mode))
		return ERR("%s is not a character device", path);
	*out = st.st_rdev;
	return 0;
}

/* The host node's raw label ("" without SELinux or without a label). */
static void host_label(const struct cvm_sandbox_plan *plan, const char *path, char *buf, size_t len)
{
	buf[0] = '\0';
	if (plan->exec_label && cvm_svirt_get_label(path, buf, len, NULL) < 0)
		buf[0] = '\0';
}

static int private_dev(const struct cvm_sandbox_plan *plan, char *why, size_t len)
{
	dev_t kvm = 0, tun = 0, sev = 0;
	char labels[sizeof(base_nodes) / sizeof(base_nodes[0])][256], kvm_label[256], tun_label[256], sev_label[256];

	for (size_t i = 0; i < sizeof(base_nodes) / sizeof(base_nodes[0]); i++)
		host_label(plan, base_nodes[i].path, labels[i], sizeof(labels[i]));
	host_label(plan, "/dev/kvm", kvm_label, sizeof(kvm_label));
	host_label(plan, "/dev/net/tun", tun_label, sizeof(tun_label));
	host_label(plan, "/dev/sev", sev_label, sizeof(sev_label));

	if (plan->use_kvm && host_rdev("/dev/kvm", &kvm, why, len) < 0)
		return -1;
	if (plan->need_tun && host_rdev("/dev/net/tun", &tun, why, len) < 0)
		return -1;
	if (plan->need_sev && host_rdev("/dev/sev", &sev, why, len) < 0)
		return -1;
	/* nosuid, noexec; not nodev: the nodes below are the point. */
	if (mount("cvm-dev", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k,nr_inodes=64") < 0)
		return ERR("mount tmpfs on /dev: %s", strerror(errno));
	for (size_t i = 0; i < sizeof(base_nodes) / sizeof(base_nodes[0]); i++) {
		const struct devnode *d = &base_nodes[i];
		if (make_node(plan, d->path, makedev(d->maj, d->min), d->mode, d->tenant_owned, labels[i], why, len) < 0)
			return -1;
	}
	if (plan->use_kvm && make_node(plan, "/dev/kvm", kvm, 0600, true, kvm_label, why, len) < 0)
		return -1;
	if (plan->need_sev && make_node(plan, "/dev/sev", sev, 0600, true, sev_label, why, len) < 0)
		return -1;
	if (plan->need_tun) {
		if (mkdir("/dev/net", 0755) < 0)
			return ERR("mkdir /dev/net: %s", strerror(errno));
		if (make_node(plan, "/dev/net/tun", tun, 0600, true, tun_label, why, len) < 0)
			return -1;
	}
	if (symlink("/proc/self/fd", "/dev/fd") < 0)
		return ERR("symlink /dev/fd: %s", strerror(errno));
	/* Nothing more is ever created there. */
	if (mount(NULL, "/dev", NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NOEXEC, NULL) < 0)
		return ERR("remount /dev read-only: %s", strerror(errno));
	return 0;
}

int cvm_sbx_namespaces(const struct cvm_sandbox_plan *plan, char *why, size_t len)
{
	int flags = CLONE_NEWIPC | CLONE_NEWUTS;
	static const char hostname[] = "cvm-guest";

	if (getpid() != 1)
		return ERR("not the first process of a new pid namespace (fork with cvm_sandbox_fork)");
	if (!plan->no_mount_ns)
		flags |= CLONE_NEWNS;
	if (plan->netns)
		flags |= CLONE_NEWNET;
	if (unshare(flags) < 0)
		return ERR("unshare(%s%s): %s", plan->no_mount_ns ? "ipc,uts" : "mnt,ipc,uts",
		           plan->netns ? ",net" : "", strerror(errno));
	if (sethostname(hostname, sizeof(hostname) - 1) < 0)
		return ERR("sethostname: %s", strerror(errno));
	if (plan->no_mount_ns)
		return 0;
	/* Nothing mounted here may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return ERR("making / private: %s", strerror(errno));
	if (private_dev(plan, why, len) < 0)
		return -1;
	/* A /proc for this pid namespace: the guest sees itself, not the host. */
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return ERR("mount /proc: %s", strerror(errno));
	return 0;
}
