/* File labeling with a saved original. Only raw calls: the stored context is
 * exactly what the kernel holds, so restore writes back the same bytes
 * whatever mcstrans would print. */
#include "svirt_label.h"

#include <errno.h>
#include <selinux/selinux.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

#define XATTR_SELINUX "security.selinux"

int cvm_svirt_get_label(const char *path, char *buf, size_t len, cvm_err *err)
{
	char *con = NULL;

	if (getfilecon_raw(path, &con) < 0) {
		/* No label at all (ENODATA) is a valid original state. */
		if (errno == ENODATA || errno == ENOTSUP) {
			buf[0] = '\0';
			return 0;
		}
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "read SELinux label of %s", path);
	}
	size_t n = strlen(con);
	if (n >= len) {
		freecon(con);
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "label of %s is too long", path);
	}
	memcpy(buf, con, n + 1);
	freecon(con);
	return 0;
}

int cvm_svirt_owner_of(const char *context, const struct cvm_svirt_owner *live, size_t n_live)
{
	struct cvm_mcs_pair p;

	if (!context || cvm_mcs_from_context(context, &p) < 0)
		return -1;
	for (size_t i = 0; i < n_live; i++)
		if (live[i].pair.lo == p.lo && live[i].pair.hi == p.hi)
			return (int)i;
	return -1;
}

int cvm_svirt_label(const char *path, const char *context, const struct cvm_svirt_owner *live, size_t n_live,
                    cvm_svirt_record_fn record, void *opaque, cvm_err *err)
{
	struct cvm_svirt_saved saved = {0};

	/* The canonical path is what gets recorded, so restore reaches the
	 * same file even when the spec named it through a symlink. */
	if (!realpath(path, saved.path))
		return cvm_err_sys(err, CVM_EXIT_BADINPUT, "%s", path);
	if (cvm_svirt_get_label(saved.path, saved.context, sizeof(saved.context), err) < 0)
		return -1;
	int owner = cvm_svirt_owner_of(saved.context, live, n_live);
	if (owner >= 0)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
		                   "%s is labeled for running tenant \"%s\" (%s); refusing to share it", path,
		                   live[owner].tenant, saved.context);
	if (record && record(opaque, &saved, err) < 0)
		return cvm_err_prefix(err, "record label of %s: ", saved.path);
	if (setfilecon_raw(saved.path, context) < 0)
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "label %s as %s", saved.path, context);
	return 0;
}

int cvm_svirt_restore(const struct cvm_svirt_saved *saved, cvm_err *err)
{
	int rc;

	/* The recorded path is canonical: do not follow a symlink that
	 * appeared there since. */
	if (saved->context[0])
		rc = lsetfilecon_raw(saved->path, saved->context);
	else
		rc = lremovexattr(saved->path, XATTR_SELINUX);
	if (rc < 0 && errno != ENOENT && !(errno == ENODATA && !saved->context[0]))
		return cvm_err_sys(err, CVM_EXIT_FAILURE, "restore label of %s to %s", saved->path,
		                   saved->context[0] ? saved->context : "(none)");
	return 0;
}

int cvm_svirt_restore_all(const struct cvm_svirt_saved *saved, size_t n, cvm_err *err)
{
	int rc = 0;

	for (size_t i = n; i-- > 0;) {
		cvm_err e = {0};
		if (cvm_svirt_restore(&saved[i], &e) < 0 && rc == 0) {
			rc = -1;
			if (err)
				*err = e;
		}
	}
	return rc;
}
