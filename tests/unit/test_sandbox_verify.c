/* The supervisor's /proc checks: status parsing, each claim failing on its
 * own with a message naming it (fake proc trees), the JSON in the launch
 * record; and the cgroup probe on fake trees. */
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
#include <json-c/json.h>

#include "cgroup.h"
#include "cvm_fileio.h"
#include "sandbox.h"
#include "sandbox_verify.h"
#include "seccomp_policy.h"

#define GOOD_STATUS                                                                                                    \
	"Name:\tqemu\nUid:\t200001\t200001\t200001\t200001\nGid:\t200001\t200001\t200001\t200001\n"                    \
	"CapInh:\t0000000000000000\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\n"                            \
	"CapBnd:\t0000000000000000\nCapAmb:\t0000000000000000\nNoNewPrivs:\t1\nSeccomp:\t2\n"                          \
	"Seccomp_filters:\t2\n"

static void test_parse_status(void **state)
{
	struct cvm_task_status s;

	assert_int_equal(cvm_task_status_parse(GOOD_STATUS, &s), 0);
	assert_int_equal(s.uid[3], 200001);
	assert_int_equal(s.seccomp, 2);
	assert_int_equal(s.seccomp_filters, 2);
	assert_int_equal(s.no_new_privs, 1);
	assert_int_equal(cvm_task_status_parse("Uid:\t1\t1\t1\t1\n", &s), -1);
	assert_int_equal(cvm_task_status_parse("Uid:\tx\n", &s), -1);
	assert_int_equal(cvm_task_status_parse("", &s), -1);
}

static void write_task(const char *root, const char *tid, const char *text)
{
	char dir[512], path[600];
	cvm_err err = {0};

	snprintf(dir, sizeof(dir), "%s/77/task/%s", root, tid);
	assert_int_equal(cvm_mkdir_p(dir, 0755, &err), 0);
	snprintf(path, sizeof(path), "%s/status", dir);
	assert_int_equal(cvm_write_atomic(path, text, strlen(text), 0644, &err), 0);
}

/* One good task and one task with @bad_line replacing @good_line: the verdict
 * fails and names the second task and the claim. */
static void expect_failure(const char *good_line, const char *bad_line, const char *msg)
{
	char root[] = "/tmp/cvm-verify-XXXXXX", text[1024];
	struct cvm_sandbox_expect exp = {.uid = 200001, .gid = 200001, .seccomp = true};
	struct cvm_sandbox_verdict v;
	cvm_err err = {0};
	const char *at = strstr(GOOD_STATUS, good_line);

	assert_non_null(at);
	assert_non_null(mkdtemp(root));
	snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - GOOD_STATUS), GOOD_STATUS, bad_line,
	         at + strlen(good_line));
	write_task(root, "77", GOOD_STATUS);
	write_task(root, "78", text);
	assert_int_equal(cvm_sandbox_verify(root, 77, &exp, NULL, &v, &err), 0);
	assert_false(v.ok);
	if (!strstr(v.failure, msg) || !strstr(v.failure, "task 78"))
		fail_msg("failure '%s' lacks '%s'", v.failure, msg);
	cvm_rm_rf(root, &err);
}

static void test_each_claim(void **state)
{
	expect_failure("Uid:\t200001\t200001\t200001\t200001", "Uid:\t200001\t0\t200001\t200001", "effective uid 0");
	expect_failure("Uid:\t200001\t200001\t200001\t200001", "Uid:\t200001\t200001\t200001\t0", "fs uid 0");
	expect_failure("Gid:\t200001\t200001\t200001\t200001", "Gid:\t200001\t200001\t5\t200001", "saved gid 5");
	expect_failure("CapEff:\t0000000000000000", "CapEff:\t0000000000200000", "capabilities remain");
	expect_failure("CapPrm:\t0000000000000000", "CapPrm:\t0000000000000001", "capabilities remain");
	expect_failure("CapBnd:\t0000000000000000", "CapBnd:\t000001ffffffffff", "capabilities remain");
	expect_failure("CapAmb:\t0000000000000000", "CapAmb:\t0000000000000400", "capabilities remain");
	expect_failure("CapInh:\t0000000000000000", "CapInh:\t0000000000000400", "capabilities remain");
	expect_failure("NoNewPrivs:\t1", "NoNewPrivs:\t0", "NoNewPrivs 0");
	expect_failure("Seccomp:\t2", "Seccomp:\t0", "Seccomp 0");
	expect_failure("Seccomp_filters:\t2", "Seccomp_filters:\t0", "Seccomp_filters 0");
	expect_failure("NoNewPrivs:\t1\n", "", "lacks a required field");
}

static void test_good_tree_and_json(void **state)
{
	char root[] = "/tmp/cvm-verify-XXXXXX";
	struct cvm_sandbox_expect exp = {.uid = 200001, .gid = 200001, .seccomp = true};
	struct cvm_sandbox_verdict v;
	struct cvm_seccomp_bpf bpf = {.mode = CVM_SCP_MODE_ENFORCE};
	cvm_err err = {0};

	memset(bpf.sha256, 'a', 64);
	snprintf(bpf.policy_name, sizeof(bpf.policy_name), "p.policy");
	assert_non_null(mkdtemp(root));
	write_task(root, "77", GOOD_STATUS);
	write_task(root, "79", GOOD_STATUS);
	assert_int_equal(cvm_sandbox_verify(root, 77, &exp, &bpf, &v, &err), 0);
	assert_true(v.ok);
	assert_int_equal(v.n_tasks, 2);
	struct json_object *rec = json_object_new_object(), *sc = NULL, *x = NULL;
	struct cvm_sandbox_record_in in = {.verdict = &v,
	                                   .seccomp = CVM_SECCOMP_ENFORCE,
	                                   .policy_path = "/p/p.policy",
	                                   .landlock = CVM_MODE_AUTO,
	                                   .landlock_abi = 0,
	                                   .cgroup_note = "not delegated"};
	cvm_sandbox_record_json(&in, rec);
	assert_true(json_object_object_get_ex(rec, "seccomp", &sc));
	assert_true(json_object_object_get_ex(sc, "bpf_sha256", &x));
	assert_int_equal(strlen(json_object_get_string(x)), 64);
	assert_true(json_object_object_get_ex(sc, "mode", &x));
	assert_string_equal(json_object_get_string(x), "enforce");
	assert_true(json_object_object_get_ex(sc, "default_action", &x));
	assert_string_equal(json_object_get_string(x), "kill-process");
	assert_true(json_object_object_get_ex(rec, "sandbox_verified", &x));
	assert_true(json_object_get_boolean(x));
	assert_true(json_object_object_get_ex(rec, "capabilities", &x));
	assert_string_equal(json_object_get_string(x), "none");
	assert_true(json_object_object_get_ex(rec, "landlock", &sc));
	assert_true(json_object_object_get_ex(sc, "state", &x));
	assert_string_equal(json_object_get_string(x), "unavailable"); /* auto on a kernel without it */
	assert_true(json_object_object_get_ex(rec, "namespaces", &x));
	assert_true(json_object_is_type(x, json_type_array));
	json_object_put(rec);
	/* the SELinux context of every task, when one is expected */
	char lp[600];
	snprintf(lp, sizeof(lp), "%s/77/task/77/attr/current", root);
	assert_int_equal(cvm_mkdir_p(strcat(strcpy((char[600]){0}, root), "/77/task/77/attr"), 0755, &err), 0);
	assert_int_equal(cvm_write_atomic(lp, "system_u:system_r:svirt_t:s0:c1,c2", 35, 0644, &err), 0);
	snprintf(lp, sizeof(lp), "%s/79/task/79/attr/current", root);
	assert_int_equal(cvm_mkdir_p(strcat(strcpy((char[600]){0}, root), "/77/task/79/attr"), 0755, &err), 0);
	snprintf(lp, sizeof(lp), "%s/77/task/79/attr/current", root);
	assert_int_equal(cvm_write_atomic(lp, "system_u:system_r:svirt_t:s0:c1,c3\n", 36, 0644, &err), 0);
	exp.label = "system_u:system_r:svirt_t:s0:c1,c2";
	assert_int_equal(cvm_sandbox_verify(root, 77, &exp, &bpf, &v, &err), 0);
	assert_false(v.ok);
	if (!strstr(v.failure, "task 79: SELinux context system_u:system_r:svirt_t:s0:c1,c3, expected"))
		fail_msg("%s", v.failure);
	exp.label = NULL;
	/* namespaces: the fake tree has no ns links, so a required one fails */
	exp.namespaces = "pid";
	assert_int_equal(cvm_sandbox_verify(root, 77, &exp, &bpf, &v, &err), 0);
	assert_false(v.ok);
	assert_non_null(strstr(v.failure, "namespace"));
	/* a process that is gone */
	assert_int_equal(cvm_sandbox_verify(root, 12345, &exp, NULL, &v, &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_SANDBOX);
	cvm_rm_rf(root, &err);
}

static void put(const char *root, const char *rel, const char *text)
{
	char path[700], dir[700];
	cvm_err err = {0};

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	assert_int_equal(cvm_mkdir_p(dir, 0755, &err), 0);
	assert_int_equal(cvm_write_atomic(path, text, strlen(text), 0644, &err), 0);
}

/* A fake host: proc/self/{mountinfo,cgroup} point into a fake cgroup2 tree. */
static void test_cgroup_probe(void **state)
{
	char root[] = "/tmp/cvm-cgroup-XXXXXX", mi[1024], rel[1200];
	struct cvm_cgroup_probe p;

	assert_non_null(mkdtemp(root));
	cvm_cgroup_probe(root, &p); /* nothing at all */
	assert_false(p.v2_mounted);
	assert_false(p.delegated);
	snprintf(mi, sizeof(mi), "30 20 0:26 / %s/cg rw,relatime shared:4 - cgroup2 cgroup2 rw\n", root);
	put(root, "self/mountinfo", mi);
	put(root, "self/cgroup", "0::/svc/cvm\n");
	snprintf(rel, sizeof(rel), "cg/svc/cvm/cgroup.controllers");
	put(root, rel, "cpuset io\n");
	cvm_cgroup_probe(root, &p);
	assert_true(p.v2_mounted);
	assert_false(p.delegated);
	assert_non_null(strstr(p.reason, "controller memory is not available"));
	put(root, rel, "cpuset cpu io memory pids\n");
	cvm_cgroup_probe(root, &p);
	assert_true(p.delegated);
	assert_non_null(strstr(p.parent, "/cg/svc/cvm"));
	/* create writes the limits */
	struct cvm_limits l = {.memory_mib = 512, .pids = 64, .cpu_percent = 150};
	char dir[1024], buf[64] = "";
	cvm_err err = {0};
	put(root, "cg/svc/cvm/cgroup.subtree_control", "");
	snprintf(rel, sizeof(rel), "cg/svc/cvm/cvm-t1/memory.max"); /* a fake fs has no files yet */
	put(root, rel, "");
	put(root, "cg/svc/cvm/cvm-t1/memory.swap.max", "");
	put(root, "cg/svc/cvm/cvm-t1/pids.max", "");
	put(root, "cg/svc/cvm/cvm-t1/cpu.max", "");
	assert_int_equal(cvm_cgroup_create(p.parent, "t1", &l, dir, sizeof(dir), &err), 0);
	uint8_t *t = NULL;
	size_t n = 0;
	snprintf(rel, sizeof(rel), "%s/memory.max", dir);
	assert_int_equal(cvm_read_file(rel, 64, &t, &n, &err), 0);
	assert_string_equal((char *)t, "536870912");
	free(t);
	snprintf(rel, sizeof(rel), "%s/cpu.max", dir);
	assert_int_equal(cvm_read_file(rel, 64, &t, &n, &err), 0);
	assert_string_equal((char *)t, "150000 100000");
	free(t);
	assert_int_equal(cvm_cgroup_cpu_max(0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "max 100000");
	cvm_rm_rf(root, &err);
}

/* The probe JSON has the four sections, measured on this host. */
static void test_probe_json(void **state)
{
	struct json_object *o = json_object_new_object(), *x = NULL, *y = NULL;

	cvm_sandbox_probe_json(o);
	assert_true(json_object_object_get_ex(o, "seccomp", &x));
	assert_true(json_object_object_get_ex(x, "actions", &y));
	assert_true(json_object_object_get_ex(o, "landlock", &x));
	assert_true(json_object_object_get_ex(x, "abi", &y));
	assert_true(json_object_object_get_ex(o, "cgroup", &x));
	assert_true(json_object_object_get_ex(x, "delegated", &y));
	assert_true(json_object_object_get_ex(o, "namespaces", &x));
	assert_true(json_object_object_get_ex(x, "pid", &y));
	json_object_put(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_status),       cmocka_unit_test(test_each_claim),
	    cmocka_unit_test(test_good_tree_and_json), cmocka_unit_test(test_cgroup_probe),
	    cmocka_unit_test(test_probe_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
