/* cgroup v2: find the unified hierarchy and our place in it, decide whether
 * tenant cgroups with memory/pids/cpu limits can be made there, and make
 * them. Hybrid hosts (controllers bound to v1, as on this project's CI) get a
 * clear "not delegated" with the reason. */
#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cvm_cleanup.h"
#include "sandbox.h"

static const char *const needed[] = {"memory", "pids", "cpu"};

static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

static int read_small(const char *path, char *buf, size_t len)
{
	cvm_autoclose int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

static int write_small(const char *path, const char *val)
{
	cvm_autoclose int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t n = strlen(val);

	if (fd < 0)
		return -errno;
	if (write(fd, val, n) != (ssize_t)n)
		return -errno;
	return 0;
}

/* mountinfo field 5 is the mount point, the fs type follows " - ". */
static void find_mount(const char *proc_root, struct cvm_cgroup_probe *out)
{
	char path[512], line[1024];
	cvm_autofclose FILE *f = NULL;

	snprintf(path, sizeof(path), "%s/self/mountinfo", proc_root);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char mnt[256];
		const char *sep = strstr(line, " - ");
		if (!sep || strncmp(sep + 3, "cgroup2 ", 8) != 0)
			continue;
		if (sscanf(line, "%*s %*s %*s %*s %255s", mnt) != 1)
			continue;
		out->v2_mounted = true;
		snprintf(out->mount, sizeof(out->mount), "%s", mnt);
		return;
	}
}

void cvm_cgroup_probe(const char *proc_root, struct cvm_cgroup_probe *out)
{
	char path[600], line[1024], self[512] = "";
	cvm_autofclose FILE *f = NULL;

	memset(out, 0, sizeof(*out));
	find_mount(proc_root, out);
	if (!out->v2_mounted) {
		snprintf(out->reason, sizeof(out->reason), "no cgroup2 file system is mounted");
		return;
	}
	snprintf(path, sizeof(path), "%s/self/cgroup", proc_root);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "0::", 3) == 0 && sscanf(line + 3, "%511s", self) == 1)
			break;
	snprintf(out->parent, sizeof(out->parent), "%.255s%.255s", out->mount, strcmp(self, "/") ? self : "");
	snprintf(path, sizeof(path), "%s/cgroup.controllers", out->parent);
	if (read_small(path, out->controllers, sizeof(out->controllers)) < 0) {
		snprintf(out->reason, sizeof(out->reason), "cannot read %s", path);
		return;
	}
	out->controllers[strcspn(out->controllers, "\n")] = '\0';
	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
		if (!has_word(out->controllers, needed[i])) {
			snprintf(out->reason, sizeof(out->reason),
			         "controller %s is not available in %s (bound to cgroup v1 or not delegated)",
			         needed[i], out->parent);
			return;
		}
	}
	if (access(out->parent, W_OK) < 0) {
		snprintf(out->reason, sizeof(out->reason), "%s is not writable", out->parent);
		return;
	}
	out->delegated = true;
}

int cvm_cgroup_cpu_max(unsigned percent, char *buf, size_t len)
{
	const unsigned period = 100000;

	if (percent == 0) {
		snprintf(buf, len, "max %u", period);
		return 0;
	}
	if (percent > 100000)
		return -1;
	snprintf(buf, len, "%llu %u", (unsigned long long)percent * period / 100, period);
	return 0;
}

static int set_limit(const char *dir, const char *file, const char *val, cvm_err *err)
{
	char path[1024];
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	rc = write_small(path, val);
	if (rc < 0)
		return cvm_err_set(err, CVM_EXIT_FAILURE, -rc, "writing '%s' to %s: %s", val, path, strerror(-rc));
	return 0;
}

int cvm_cgroup_create(const char *parent, const char *name, const struct cvm_limits *l, char *dir, size_t dirlen,
                      cvm_err *err)
{
	char path[1024], val[64], cur[256] = "";
	int rc;

	if ((size_t)snprintf(dir, dirlen, "%s/cvm-%s", parent, name) >= dirlen)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "cgroup path too long");
	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", parent);
	if (read_small(path, cur, sizeof(cur)) < 0)
		cur[0] = '\0';
	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
		if (has_word(cur, needed[i]))
			continue;
		snprintf(val, sizeof(val), "+%s", needed[i]);
		if ((rc = write_small(path, val)) < 0)
			return cvm_err_set(err, CVM_EXIT_FAILURE, -rc, "enabling %s in %s: %s", needed[i], path,
			                   strerror(-rc));
	}
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "mkdir %s", dir);
	if (l->memory_mib) {
		snprintf(val, sizeof(val), "%llu", l->memory_mib << 20);
		if (set_limit(dir, "memory.max", val, err) < 0 || set_limit(dir, "memory.swap.max", "0", err) < 0)
			goto fail;
	}
	if (l->pids) {
		snprintf(val, sizeof(val), "%u", l->pids);
		if (set_limit(dir, "pids.max", val, err) < 0)
			goto fail;
	}
	if (l->cpu_percent) {
		if (cvm_cgroup_cpu_max(l->cpu_percent, val, sizeof(val)) < 0) {
			cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "cpu_percent %u out of range", l->cpu_percent);
			goto fail;
		}
		if (set_limit(dir, "cpu.max", val, err) < 0)
			goto fail;
	}
	return 0;
fail:
	rmdir(dir);
	return -1;
}

int cvm_cgroup_enter(const char *dir)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	return write_small(path, "0");
}

int cvm_cgroup_remove(const char *dir, cvm_err *err)
{
	if (rmdir(dir) < 0 && errno != ENOENT)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "removing cgroup %s", dir);
	return 0;
}
