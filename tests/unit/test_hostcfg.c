/* Host configuration: defaults, every key, and a table of bad inputs with
 * their exact errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "hostcfg.h"

static void test_defaults(void **state)
{
	struct cvm_hostcfg c;

	(void)state;
	cvm_hostcfg_defaults(&c);
	assert_string_equal(c.state_dir, "/var/lib/cvm-launch");
	assert_string_equal(c.run_dir, "/run/cvm-launch");
	assert_string_equal(c.emulator, "qemu-system-x86_64");
	assert_int_equal(c.uid_min, 200000);
	assert_int_equal(c.uid_max, 299999);
	assert_int_equal(c.mcs_min, 0);
	assert_int_equal(c.mcs_max, 1023);
	assert_int_equal(c.tpm_pcr, 23);
}

static void test_all_keys(void **state)
{
	struct cvm_hostcfg c;
	cvm_err err = { 0 };

	(void)state;
	cvm_hostcfg_defaults(&c);
	assert_int_equal(cvm_hostcfg_parse("{\"state_dir\":\"/s\",\"run_dir\":\"/r\",\"emulator\":\"/q\","
					   "\"host_root\":\"/h\",\"uid_range\":[100000,100009],\"mcs_range\":[10,20],"
					   "\"selinux_allow_permissive\":true,\"tpm_tcti\":\"swtpm:port=1\",\"tpm_pcr\":16,"
					   "\"roots_dir\":\"/roots\",\"seccomp_policy_dir\":\"/p\",\"tpm_ak\":\"/ak\"}",
					   "h", &c, &err),
			 0);
	assert_string_equal(c.state_dir, "/s");
	assert_string_equal(c.emulator, "/q");
	assert_int_equal(c.uid_min, 100000);
	assert_int_equal(c.uid_max, 100009);
	assert_int_equal(c.mcs_min, 10);
	assert_int_equal(c.mcs_max, 20);
	assert_true(c.selinux_allow_permissive);
	assert_int_equal(c.tpm_pcr, 16);
	assert_string_equal(c.tpm_tcti, "swtpm:port=1");
}

static const struct {
	const char *json;
	const char *msg;
} bad[] = {
	{ "{\"state_dir\":\"rel\"}", "h: state_dir: must be an absolute path" },
	{ "{\"state_dir\":\"/a,b\"}", "h: state_dir: must not contain ','" },
	{ "{\"run_dir\":5}", "h: run_dir: must be a string" },
	{ "{\"emulator\":\"\"}", "h: emulator: must not be empty" },
	{ "{\"uid_range\":[1,2]}", "h: uid_range: values must be integers in 65536..2147483646" },
	{ "{\"uid_range\":[300000,200000]}", "h: uid_range: first (300000) is above last (200000)" },
	{ "{\"uid_range\":300000}", "h: uid_range: must be [first, last]" },
	{ "{\"mcs_range\":[0,2000]}", "h: mcs_range: values must be integers in 0..1023" },
	{ "{\"mcs_range\":[5,5]}", "h: mcs_range: needs at least two categories" },
	{ "{\"tpm_pcr\":24}", "h: tpm_pcr: must be an integer in 0..23" },
	{ "{\"selinux_allow_permissive\":\"yes\"}", "h: selinux_allow_permissive: must be true or false" },
	{ "{\"qemu\":\"/x\"}", "h: qemu: unknown key" },
	{ "{", "h: invalid JSON at byte 1: unexpected end of input" },
};

static void test_bad_inputs(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cvm_hostcfg c;
		cvm_err err = { 0 };
		cvm_hostcfg_defaults(&c);
		if (cvm_hostcfg_parse(bad[i].json, "h", &c, &err) != -1)
			fail_msg("row %zu accepted: %s", i, bad[i].json);
		assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
		if (strcmp(err.msg, bad[i].msg) != 0)
			fail_msg("row %zu: got '%s', want '%s'", i, err.msg, bad[i].msg);
	}
}

static void test_missing_explicit_file(void **state)
{
	struct cvm_hostcfg c;
	cvm_err err = { 0 };

	(void)state;
	assert_int_equal(cvm_hostcfg_load("/nonexistent/host.json", &c, &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
	assert_string_equal(err.msg, "host config: /nonexistent/host.json: No such file or directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_all_keys),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_missing_explicit_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
