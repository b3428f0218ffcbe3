#include "launch_prepare.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cvm_cleanup.h"
#include "cvm_fileio.h"
#include "kvm_probe_cache.h"
#include "tap.h"

int cvm_resolve_emulator(const char *name, char *out, size_t len, cvm_err *err)
{
	const char *path = getenv("PATH");
	cvm_autofree char *copy = NULL;
	char *save = NULL;

	if (strchr(name, '/')) {
		if (name[0] != '/')
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "emulator %s: must be an absolute path or a name on PATH", name);
		if (access(name, X_OK) < 0)
			return cvm_err_sys(err, CVM_EXIT_BADINPUT, "emulator %s", name);
		snprintf(out, len, "%s", name);
		return 0;
	}
	copy = strdup(path && *path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	if (!copy)
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		struct stat st;
		if (dir[0] != '/')
			continue; /* never resolve the emulator relative to the working directory */
		snprintf(out, len, "%s/%s", dir, name);
		if (stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0)
			return 0;
	}
	return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "emulator %s: not found on PATH", name);
}

/* The guest process opens kernel/initrd/firmware itself (QEMU has no fd
 * interface for them), so they must exist and be regular files now. */
static int check_boot_file(const char *key, const char *path, cvm_err *err)
{
	struct stat st;

	if (!path[0])
		return 0;
	if (stat(path, &st) < 0)
		return cvm_err_sys(err, CVM_EXIT_BADINPUT, "%s %s", key, path);
	if (!S_ISREG(st.st_mode))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s %s: not a regular file", key, path);
	if (access(path, R_OK) < 0)
		return cvm_err_sys(err, CVM_EXIT_BADINPUT, "%s %s", key, path);
	return 0;
}

static int open_disks(struct cvm_prepared *p, cvm_err *err)
{
	for (size_t i = 0; i < p->spec.n_disks; i++) {
		const struct cvm_disk *d = &p->spec.disks[i];
		struct stat st;
		int fd = open(d->path, (d->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			return cvm_err_sys(err, CVM_EXIT_BADINPUT, "disks[%zu] %s", i, d->path);
		p->disk_fds[i] = fd;
		if (fstat(fd, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)))
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "disks[%zu] %s: not a regular file or block device",
					   i, d->path);
	}
	return 0;
}

static int resolve_accel(struct cvm_prepared *p, const struct cvm_hostcfg *cfg, int timeout_ms, cvm_err *err)
{
	if (p->spec.accel == CVM_ACCEL_TCG) {
		p->accel = CVM_ACCEL_TCG;
		snprintf(p->kvm.detail, sizeof(p->kvm.detail), "not probed (spec asks for tcg)");
		return 0;
	}
	cvm_kvm_probe_cached(cfg, p->emulator, p->emulator_sha256, timeout_ms, false, &p->kvm);
	if (p->kvm.usable) {
		p->accel = CVM_ACCEL_KVM;
		return 0;
	}
	if (p->spec.accel == CVM_ACCEL_KVM)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "accel kvm: KVM is not usable: %s", p->kvm.detail);
	p->accel = CVM_ACCEL_TCG;
	snprintf(p->accel_note, sizeof(p->accel_note), "KVM unusable (%s); using TCG as accel auto allows",
		 p->kvm.detail);
	return 0;
}

/* Memory encryption: the host and the emulator must have what the spec asks
 * (refused with exit 2 naming what is missing), and it needs KVM. */
static int prepare_confidential(struct cvm_prepared *p, const struct cvm_hostcfg *cfg, cvm_err *err)
{
	char cache[PATH_MAX];
	const struct cvm_spec *s = &p->spec;

	if (s->conf.type == CVM_CONF_NONE)
		return 0;
	snprintf(cache, sizeof(cache), "%s/cache", cfg->state_dir);
	if (cvm_mkdir_p(cache, 0700, err) < 0)
		return -1;
	if (cvm_conf_prepare(&s->conf, cfg->host_root, p->emulator, cache, s->memory_mib, &p->conf, &p->conf_args,
			     p->machine_props, sizeof(p->machine_props), err) < 0)
		return -1;
	if (p->accel != CVM_ACCEL_KVM)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "confidential.type %s needs KVM, which is not usable: %s",
				   cvm_conf_type_name(s->conf.type), p->kvm.detail);
	return cvm_conf_expected_measurement(&p->conf, s->firmware, s->kernel, s->initrd, s->cmdline, s->vcpus,
					     p->expected_measurement, sizeof(p->expected_measurement), err);
}

void cvm_prepared_close(struct cvm_prepared *p)
{
	cvm_argv_free(&p->conf_args);
	for (size_t i = 0; i < CVM_SPEC_MAX_DISKS; i++) {
		if (p->disk_fds[i] >= 0)
			close(p->disk_fds[i]);
		p->disk_fds[i] = -1;
	}
	if (p->tap_fd >= 0)
		close(p->tap_fd);
	p->tap_fd = -1;
}

int cvm_prepare(const struct cvm_hostcfg *cfg, const char *spec_path, int kvm_timeout_ms,
		struct cvm_prepared *p, cvm_err *err)
{
	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < CVM_SPEC_MAX_DISKS; i++)
		p->disk_fds[i] = -1;
	p->tap_fd = -1;
	if (cvm_spec_load(spec_path, &p->spec, err) < 0)
		return -1;
	if (cvm_resolve_emulator(cfg->emulator, p->emulator, sizeof(p->emulator), err) < 0 ||
	    cvm_sha256_file_hex(p->emulator, p->emulator_sha256, err) < 0)
		return -1;
	if (check_boot_file("kernel", p->spec.kernel, err) < 0 ||
	    check_boot_file("initrd", p->spec.initrd, err) < 0 ||
	    check_boot_file("firmware", p->spec.firmware, err) < 0)
		return -1;
	p->conf = p->spec.conf;
	if (resolve_accel(p, cfg, kvm_timeout_ms, err) < 0 || prepare_confidential(p, cfg, err) < 0)
		goto fail;
	if (open_disks(p, err) < 0)
		goto fail;
	if (p->spec.net == CVM_NET_TAP && cvm_tap_open(p->spec.tap, &p->tap_fd, err) < 0)
		goto fail;
	return 0;
fail:
	cvm_prepared_close(p);
	return -1;
}
