/* File labeling with saved originals, on real files. Without an SELinux
 * kernel, root can still store security.selinux xattrs on ext4/tmpfs, so
 * record/label/restore order is exercised here; the enforcing behaviour is
 * the selinux-vm test's job. Skips where the xattr cannot be stored. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <selinux/selinux.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cvm_fileio.h"
#include "svirt_label.h"

#define ORIG "system_u:object_r:virt_image_t:s0"
#define NEW_A "system_u:object_r:svirt_image_t:s0:c1,c2"

struct rec_log {
	struct cvm_svirt_saved saved[8];
	size_t n;
	bool fail;
};

/* The contract: the record callback sees the file still unchanged. */
static int record(void *opaque, const struct cvm_svirt_saved *s, cvm_err *err)
{
	struct rec_log *log = opaque;
	char now[256];

	if (log->fail)
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "disk full");
	assert_int_equal(cvm_svirt_get_label(s->path, now, sizeof(now), err), 0);
	assert_string_equal(now, s->context);
	log->saved[log->n++] = *s;
	return 0;
}

static char dir[] = "/tmp/cvm-label-XXXXXX";

static void mkfile(char *out, const char *name, const char *label)
{
	cvm_err err = {0};

	snprintf(out, PATH_MAX, "%s/%s", dir, name);
	assert_int_equal(cvm_write_atomic(out, "disk", 4, 0600, &err), 0);
	if (label)
		assert_int_equal(setfilecon_raw(out, label), 0);
}

static void label_is(const char *path, const char *want)
{
	char now[256];
	cvm_err err = {0};

	assert_int_equal(cvm_svirt_get_label(path, now, sizeof(now), &err), 0);
	assert_string_equal(now, want);
}

static void test_label_restore(void **state)
{
	char a[PATH_MAX], b[PATH_MAX], link[PATH_MAX];
	struct rec_log log = {0};
	cvm_err err = {0};

	mkfile(a, "a.img", ORIG);
	mkfile(b, "b.img", NULL); /* no label at all */
	snprintf(link, sizeof(link), "%s/link.img", dir);
	assert_int_equal(symlink(a, link), 0);

	assert_int_equal(cvm_svirt_label(link, NEW_A, NULL, 0, record, &log, &err), 0);
	assert_int_equal(cvm_svirt_label(b, NEW_A, NULL, 0, record, &log, &err), 0);
	/* Same file again (listed twice): recorded with the new label; reverse
	 * restore still ends at the true original. */
	assert_int_equal(cvm_svirt_label(a, "system_u:object_r:virt_content_t:s0", NULL, 0, record, &log, &err), 0);
	assert_int_equal(log.n, 3);
	assert_string_equal(log.saved[0].path, a); /* canonical, not the symlink */
	assert_string_equal(log.saved[0].context, ORIG);
	assert_string_equal(log.saved[1].context, "");
	label_is(a, "system_u:object_r:virt_content_t:s0");
	label_is(b, NEW_A);

	assert_int_equal(cvm_svirt_restore_all(log.saved, log.n, &err), 0);
	label_is(a, ORIG);
	label_is(b, "");
	/* Restoring twice (recovery after a stop that crashed midway) is fine. */
	assert_int_equal(cvm_svirt_restore_all(log.saved, log.n, &err), 0);
	/* A removed file has nothing to restore. */
	unlink(b);
	assert_int_equal(cvm_svirt_restore_all(log.saved, log.n, &err), 0);
}

static void test_refuse_live_tenant(void **state)
{
	char a[PATH_MAX];
	struct rec_log log = {0};
	cvm_err err = {0};
	struct cvm_svirt_owner live[] = {{"web", {5, 6}}, {"db", {1, 2}}};

	mkfile(a, "taken.img", NEW_A);
	assert_int_equal(cvm_svirt_owner_of(NEW_A, live, 2), 1);
	assert_int_equal(cvm_svirt_owner_of(ORIG, live, 2), -1);
	assert_int_equal(cvm_svirt_label(a, "system_u:object_r:svirt_image_t:s0:c5,c6", live, 2, record, &log, &err),
	                 -1);
	assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
	assert_non_null(strstr(err.msg, "\"db\""));
	assert_int_equal(log.n, 0); /* nothing recorded, nothing changed */
	label_is(a, NEW_A);
	/* Once "db" is gone the stale label is no obstacle. */
	assert_int_equal(cvm_svirt_label(a, ORIG, live, 1, record, &log, &err), 0);
}

static void test_record_failure_changes_nothing(void **state)
{
	char a[PATH_MAX];
	struct rec_log log = {.fail = true};
	cvm_err err = {0};

	mkfile(a, "c.img", ORIG);
	assert_int_equal(cvm_svirt_label(a, NEW_A, NULL, 0, record, &log, &err), -1);
	assert_non_null(strstr(err.msg, "disk full"));
	label_is(a, ORIG);
	assert_int_equal(cvm_svirt_label("/nonexistent/x.img", NEW_A, NULL, 0, record, &log, &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_label_restore),
	    cmocka_unit_test(test_refuse_live_tenant),
	    cmocka_unit_test(test_record_failure_changes_nothing),
	};
	cvm_err err = {0};

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	char probe[PATH_MAX];
	snprintf(probe, sizeof(probe), "%s/probe", dir);
	if (cvm_write_atomic(probe, "", 0, 0600, &err) < 0 || setfilecon_raw(probe, ORIG) < 0) {
		printf("SKIP: cannot store security.selinux xattrs here (%s); needs root\n", strerror(errno));
		cvm_rm_rf(dir, &err);
		return 77;
	}
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	cvm_rm_rf(dir, &err);
	return rc;
}
