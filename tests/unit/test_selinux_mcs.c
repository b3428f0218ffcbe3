/* MCS pairs: parsing, picking (uniqueness, exhaustion, range), and the scan
 * of live process labels over a fake /proc tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cvm_fileio.h"
#include "mcs.h"
#include "svirt_proc.h"

/* Deterministic xorshift so failures reproduce. */
static uint32_t xs_rand(void *opaque, uint32_t bound)
{
	uint64_t *s = opaque;
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s % bound);
}

/* Always 0: forces the collision path (lo == hi every try). */
static uint32_t zero_rand(void *opaque, uint32_t bound)
{
	(void)opaque;
	(void)bound;
	return 0;
}

static void test_parse_format(void **state)
{
	struct cvm_mcs_pair p;
	char buf[32];

	assert_int_equal(cvm_mcs_parse("c3,c17", &p), 0);
	assert_int_equal(p.lo, 3);
	assert_int_equal(p.hi, 17);
	assert_int_equal(cvm_mcs_format(&p, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "c3,c17");
	assert_int_equal(cvm_mcs_format(&p, buf, 5), -1);
	const char *bad[] = {"c3,c3",  "c17,c3",   "c3",     "c3,c4,c5", "c3.c4",  "3,4",
	                     "c03,c4", "c3,c1024", "c-1,c4", "",         "c3,c4 ", "c99999999999,c1"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(cvm_mcs_parse(bad[i], &p), -1);
	assert_int_equal(cvm_mcs_parse("c0,c1023", &p), 0);
}

static void test_from_context(void **state)
{
	struct cvm_mcs_pair p;

	assert_int_equal(cvm_mcs_from_context("system_u:system_r:svirt_t:s0:c1,c2", &p), 0);
	assert_true(p.lo == 1 && p.hi == 2);
	assert_int_equal(cvm_mcs_from_context("system_u:system_r:svirt_t:s0:c5,c9-s0:c5,c9", &p), 0);
	assert_true(p.lo == 5 && p.hi == 9);
	assert_int_equal(cvm_mcs_from_context("system_u:system_r:svirt_t:s0:c5,c9\n", &p), 0);
	const char *no[] = {"system_u:system_r:init_t:s0",
	                    "system_u:system_r:init_t:s0-s0:c0.c1023",
	                    "u:r:t:s0:c1,c2,c3",
	                    "u:r:t:s0:c1.c2",
	                    "u:r:t:s0:c1,c2-s0:c1,c3",
	                    "u:r:t",
	                    "kernel",
	                    "u:r:t:x0:c1,c2",
	                    "unconfined"};
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_int_equal(cvm_mcs_from_context(no[i], &p), -1);
}

static void test_pick_basic(void **state)
{
	uint64_t seed = 0x1234567;
	struct cvm_mcs_pair p;
	cvm_err err = {0};

	for (int i = 0; i < 1000; i++) {
		assert_int_equal(cvm_mcs_pick(10, 20, NULL, 0, xs_rand, &seed, &p, &err), 0);
		assert_true(p.lo < p.hi);
		assert_true(p.lo >= 10 && p.hi <= 20);
	}
	assert_int_equal(cvm_mcs_pick(5, 5, NULL, 0, xs_rand, &seed, &p, &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
	assert_int_equal(cvm_mcs_pick(0, 1024, NULL, 0, xs_rand, &seed, &p, &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
}

/* Take every pair of a small range one by one: all distinct, then a clear
 * exhaustion error. The allocator feeds back what it handed out. */
static void test_pick_until_exhausted(void **state)
{
	uint64_t seed = 42;
	const unsigned min = 100, max = 109; /* 10 categories = 45 pairs */
	struct cvm_mcs_pair used[45];
	cvm_err err = {0};

	for (size_t i = 0; i < 45; i++) {
		assert_int_equal(cvm_mcs_pick(min, max, used, i, xs_rand, &seed, &used[i], &err), 0);
		for (size_t j = 0; j < i; j++)
			assert_false(used[j].lo == used[i].lo && used[j].hi == used[i].hi);
	}
	struct cvm_mcs_pair p;
	assert_int_equal(cvm_mcs_pick(min, max, used, 45, xs_rand, &seed, &p, &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_EXHAUSTED);
	assert_non_null(strstr(err.msg, "no free MCS category pair"));
}

/* A degenerate random source never yields lo != hi; the exact walk must
 * still find the single free pair. Out-of-range and duplicate used entries
 * must not be counted as taking space. */
static void test_pick_last_free(void **state)
{
	struct cvm_mcs_pair used[] = {{0, 1}, {0, 2}, {0, 1}, {500, 900}, {7, 3}};
	struct cvm_mcs_pair p;
	cvm_err err = {0};

	assert_int_equal(cvm_mcs_pick(0, 2, used, 5, zero_rand, NULL, &p, &err), 0);
	assert_true(p.lo == 1 && p.hi == 2);
}

/* Rough uniformity: over 3 categories each of the 3 pairs gets ~1/3. */
static void test_pick_uniform(void **state)
{
	uint64_t seed = 7;
	unsigned hits[3] = {0};
	struct cvm_mcs_pair p;
	cvm_err err = {0};

	for (int i = 0; i < 30000; i++) {
		assert_int_equal(cvm_mcs_pick(0, 2, NULL, 0, xs_rand, &seed, &p, &err), 0);
		hits[p.lo + p.hi - 1]++; /* (0,1)->0 (0,2)->1 (1,2)->2 */
	}
	for (int i = 0; i < 3; i++)
		assert_true(hits[i] > 9000 && hits[i] < 11000);
}

static void put(const char *root, const char *rel, const char *content)
{
	char path[4096], dir[4096];
	cvm_err err = {0};

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	assert_int_equal(cvm_mkdir_p(dir, 0755, &err), 0);
	assert_int_equal(cvm_write_atomic(path, content, strlen(content) + 1, 0644, &err), 0);
}

/* Live processes: a pair held only by a process label (a guest of another
 * launcher, or one whose state was lost) must count as used. */
static void test_scan_processes(void **state)
{
	char root[] = "/tmp/cvm-mcs-proc-XXXXXX";
	struct cvm_mcs_pair *v = NULL;
	size_t n = 0;
	cvm_err err = {0};

	assert_non_null(mkdtemp(root));
	put(root, "1/attr/current", "system_u:system_r:init_t:s0");
	put(root, "200/attr/current", "system_u:system_r:svirt_t:s0:c3,c4");
	put(root, "200/task/200/attr/current", "system_u:system_r:svirt_t:s0:c3,c4");
	put(root, "200/task/201/attr/current", "system_u:system_r:svirt_t:s0:c8,c9");
	put(root, "300/attr/current", "system_u:system_r:svirt_t:s0:c3,c4\n");
	put(root, "400/attr/current", "unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023");
	put(root, "self/attr/current", "system_u:system_r:svirt_t:s0:c5,c6");
	put(root, "notapid/attr/current", "system_u:system_r:svirt_t:s0:c5,c6");
	assert_int_equal(mkdir(strcat(strcpy((char[4096]){0}, root), "/500"), 0755), 0); /* vanished */

	assert_int_equal(cvm_mcs_scan_processes(root, &v, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_true(v[0].lo == 3 && v[0].hi == 4);
	assert_true(v[1].lo == 8 && v[1].hi == 9);

	/* The pick never returns a pair a live process holds. */
	uint64_t seed = 99;
	struct cvm_mcs_pair p;
	for (int i = 0; i < 2000; i++) {
		assert_int_equal(cvm_mcs_pick(3, 9, v, n, xs_rand, &seed, &p, &err), 0);
		assert_false(p.lo == 3 && p.hi == 4);
		assert_false(p.lo == 8 && p.hi == 9);
	}
	free(v);
	assert_int_equal(cvm_rm_rf(root, &err), 0);

	assert_int_equal(cvm_mcs_scan_processes("/nonexistent-proc", &v, &n, &err), -1);
	/* The real /proc on a host without SELinux: works, finds nothing odd. */
	assert_int_equal(cvm_mcs_scan_processes("/proc", &v, &n, &err), 0);
	free(v);
}

/* Post-exec verification: every thread must carry the exact label. */
static void test_verify_process(void **state)
{
	char root[] = "/tmp/cvm-verify-proc-XXXXXX";
	const char *want = "system_u:system_r:svirt_t:s0:c1,c2";
	char seen[256] = "";
	cvm_err err = {0};

	assert_non_null(mkdtemp(root));
	put(root, "10/task/10/attr/current", want);
	put(root, "10/task/11/attr/current", "system_u:system_r:svirt_t:s0:c1,c2\n");
	assert_int_equal(cvm_svirt_verify_process(root, 10, want, seen, sizeof(seen), &err), 0);
	assert_string_equal(seen, want);
	/* one thread that kept the launcher's label is enough to refuse */
	put(root, "10/task/12/attr/current", "system_u:system_r:cvm_launcher_t:s0");
	assert_int_equal(cvm_svirt_verify_process(root, 10, want, NULL, 0, &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_SANDBOX);
	assert_non_null(strstr(err.msg, "guest thread 12 runs as system_u:system_r:cvm_launcher_t:s0"));
	/* a pair that merely overlaps is a mismatch too */
	assert_int_equal(cvm_svirt_verify_process(root, 10, "system_u:system_r:svirt_t:s0:c1,c3", NULL, 0, &err), -1);
	/* no such process, or no threads to look at: refuse, never pass */
	assert_int_equal(cvm_svirt_verify_process(root, 99, want, NULL, 0, &err), -1);
	put(root, "20/attr/current", want);
	char task[4096];
	snprintf(task, sizeof(task), "%s/20/task", root);
	assert_int_equal(mkdir(task, 0755), 0);
	assert_int_equal(cvm_svirt_verify_process(root, 20, want, NULL, 0, &err), -1);
	assert_non_null(strstr(err.msg, "no threads"));
	assert_int_equal(cvm_rm_rf(root, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_format),   cmocka_unit_test(test_from_context),
	    cmocka_unit_test(test_pick_basic),     cmocka_unit_test(test_pick_until_exhausted),
	    cmocka_unit_test(test_pick_last_free), cmocka_unit_test(test_pick_uniform),
	    cmocka_unit_test(test_scan_processes), cmocka_unit_test(test_verify_process),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
