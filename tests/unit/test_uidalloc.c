/* uid allocation: the pure pick over a used set, the /proc scan (on a fake
 * proc tree and on the real one), and exhaustion. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cvm_fileio.h"
#include "uidalloc.h"

static void test_pick_lowest_free(void **state)
{
	const uid_t used[] = {200002, 200000, 5, 200001, 200001, 400000};
	uid_t u = 0;
	cvm_err err = {0};

	assert_int_equal(cvm_uid_pick(200000, 299999, NULL, 0, &u, &err), 0);
	assert_int_equal(u, 200000);
	assert_int_equal(cvm_uid_pick(200000, 299999, used, 6, &u, &err), 0);
	assert_int_equal(u, 200003);
	assert_int_equal(cvm_uid_pick(200001, 200003, used, 6, &u, &err), 0);
	assert_int_equal(u, 200003);
}

static void test_pick_gap(void **state)
{
	const uid_t used[] = {10, 12, 13};
	uid_t u = 0;

	assert_int_equal(cvm_uid_pick(10, 13, used, 3, &u, NULL), 0);
	assert_int_equal(u, 11);
}

static void test_pick_exhausted(void **state)
{
	const uid_t used[] = {300, 301, 302};
	uid_t u = 77;
	cvm_err err = {0};

	assert_int_equal(cvm_uid_pick(300, 302, used, 3, &u, &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_EXHAUSTED);
	assert_non_null(strstr(err.msg, "no free tenant uid"));
	assert_non_null(strstr(err.msg, "300-302"));
	assert_int_equal(u, 77); /* untouched */
	/* max at the top of uid_t's range must not wrap */
	const uid_t top[] = {0xfffffffeu};
	assert_int_equal(cvm_uid_pick(0xfffffffeu, 0xfffffffeu, top, 1, &u, &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_EXHAUSTED);
}

static void test_pick_bad_range(void **state)
{
	uid_t u;
	cvm_err err = {0};

	assert_int_equal(cvm_uid_pick(0, 10, NULL, 0, &u, &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
	assert_int_equal(cvm_uid_pick(10, 9, NULL, 0, &u, &err), -1);
}

static void write_status(const char *root, const char *pid, const char *uids, const char *gids)
{
	char dir[512], path[600], text[512];
	cvm_err err = {0};

	snprintf(dir, sizeof(dir), "%s/%s", root, pid);
	assert_int_equal(cvm_mkdir_p(dir, 0755, &err), 0);
	snprintf(path, sizeof(path), "%s/status", dir);
	snprintf(text, sizeof(text), "Name:\tx\nUmask:\t0022\nState:\tS\nUid:\t%s\nGid:\t%s\nGroups:\t\n", uids, gids);
	assert_int_equal(cvm_write_atomic(path, text, strlen(text), 0644, &err), 0);
}

/* Every uid and gid field of every process counts, not just the real uid. */
static void test_scan_fake_proc(void **state)
{
	char root[] = "/tmp/cvm-uidalloc-XXXXXX";
	uid_t *ids = NULL, u = 0;
	gid_t g = 0;
	size_t n = 0;
	cvm_err err = {0};
	const uid_t tenants[] = {500};

	assert_non_null(mkdtemp(root));
	write_status(root, "1", "0\t0\t0\t0", "0\t0\t0\t0");
	write_status(root, "42", "1000\t501\t1000\t1000", "100\t100\t100\t100");
	write_status(root, "43", "1000\t1000\t1000\t1000", "1000\t1000\t502\t1000");
	write_status(root, "44", "1000\t1000\t1000\t503", "1000\t1000\t1000\t1000");
	assert_int_equal(mkdir(strcat(strcpy((char[600]){0}, root), "/self"), 0755), 0); /* not a pid */
	assert_int_equal(cvm_uid_scan_processes(root, 500, 600, &ids, &n, &err), 0);
	assert_int_equal(n, 3);
	free(ids);
	assert_int_equal(cvm_uid_alloc(500, 600, tenants, 1, root, &u, &g, &err), 0);
	assert_int_equal(u, 504);
	assert_int_equal(g, 504);
	/* a range with everything taken */
	assert_int_equal(cvm_uid_alloc(500, 503, tenants, 1, root, &u, &g, &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_EXHAUSTED);
	assert_int_equal(cvm_rm_rf(root, &err), 0);
}

/* On the real /proc: the uid running this test is seen. */
static void test_scan_real_proc(void **state)
{
	uid_t *ids = NULL;
	size_t n = 0;
	uid_t me = getuid();
	bool found = false;

	assert_int_equal(cvm_uid_scan_processes("/proc", me, me, &ids, &n, NULL), 0);
	for (size_t i = 0; i < n; i++)
		found |= ids[i] == me;
	free(ids);
	assert_true(found);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pick_lowest_free), cmocka_unit_test(test_pick_gap),
	    cmocka_unit_test(test_pick_exhausted),   cmocka_unit_test(test_pick_bad_range),
	    cmocka_unit_test(test_scan_fake_proc),   cmocka_unit_test(test_scan_real_proc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
