/* Tenant spec parsing: a good spec, defaults, and a table of bad inputs with
 * the exact one-line error each must produce. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "spec.h"

static void test_good_spec(void **state)
{
	struct cvm_spec s;
	cvm_err err = { 0 };
	const char *json = "{\"name\":\"web-1\",\"vcpus\":2,\"memory_mib\":512,\"kernel\":\"/k\",\"initrd\":\"/i\","
			   "\"cmdline\":\"console=ttyS0\",\"disks\":[{\"path\":\"/d1\"},{\"path\":\"/d2\",\"readonly\":true,"
			   "\"shared\":true,\"format\":\"qcow2\"}],\"network\":{\"mode\":\"user\"},\"accel\":\"tcg\","
			   "\"selinux\":\"require\",\"seccomp\":\"log\",\"landlock\":\"off\",\"limits\":{\"pids\":64,"
			   "\"nofile\":1024,\"memory_mib\":1024,\"cpu_percent\":150},\"confidential\":{\"type\":\"none\"}}";

	(void)state;
	assert_int_equal(cvm_spec_parse(json, "t", &s, &err), 0);
	assert_string_equal(s.name, "web-1");
	assert_int_equal(s.vcpus, 2);
	assert_int_equal(s.memory_mib, 512);
	assert_string_equal(s.kernel, "/k");
	assert_int_equal(s.n_disks, 2);
	assert_true(s.disks[1].readonly && s.disks[1].shared);
	assert_int_equal(s.disks[1].format, CVM_DISK_QCOW2);
	assert_int_equal(s.net, CVM_NET_USER);
	assert_int_equal(s.accel, CVM_ACCEL_TCG);
	assert_int_equal(s.selinux, CVM_MODE_REQUIRE);
	assert_int_equal(s.seccomp, CVM_SECCOMP_LOG);
	assert_int_equal(s.landlock, CVM_MODE_OFF);
	assert_int_equal(s.limits.pids, 64);
	assert_int_equal(s.limits.cpu_percent, 150);
	assert_int_equal(s.conf.type, CVM_CONF_NONE);
}

static void test_defaults(void **state)
{
	struct cvm_spec s;
	cvm_err err = { 0 };

	(void)state;
	assert_int_equal(cvm_spec_parse("{\"name\":\"a\",\"firmware\":\"/fw\"}", "t", &s, &err), 0);
	assert_int_equal(s.vcpus, 1);
	assert_int_equal(s.memory_mib, 256);
	assert_int_equal(s.accel, CVM_ACCEL_AUTO);
	assert_int_equal(s.selinux, CVM_MODE_AUTO);
	assert_int_equal(s.seccomp, CVM_SECCOMP_ENFORCE);
	assert_int_equal(s.landlock, CVM_MODE_AUTO);
	assert_int_equal(s.net, CVM_NET_NONE);
}

static const struct {
	const char *json;
	const char *msg;
} bad[] = {
	{ "", "t: invalid JSON at byte 0: unexpected end of input" },
	{ "[1]", "t: must be a JSON object" },
	{ "{\"name\":\"a\",\"kernel\":\"/k\"} x", "t: trailing data at byte 27" },
	{ "{\"kernel\":\"/k\"}", "t: name: required" },
	{ "{\"name\":\"a\",\"kernel\":\"/k\",\"seccomp\":\"enforce\",\"seccomp\":\"off\"}", "t: key \"seccomp\" appears twice in one object" },
	{ "{\"name\":\"a\"}", "t: kernel: a kernel or a firmware is required" },
	{ "{\"name\":\"A\",\"kernel\":\"/k\"}", "t: name: must match [a-z0-9][a-z0-9_.-]{0,47}" },
	{ "{\"name\":\"a..b\",\"kernel\":\"/k\"}", "t: name: must match [a-z0-9][a-z0-9_.-]{0,47}" },
	{ "{\"name\":7,\"kernel\":\"/k\"}", "t: name: must be a string" },
	{ "{\"name\":\"a\",\"kernel\":\"/k\",\"bogus\":1}", "t: bogus: unknown key" },
	{ "{\"name\":\"a\",\"kernel\":\"k\"}", "t: kernel: must be an absolute path" },
	{ "{\"name\":\"a\",\"kernel\":\"/k,x\"}", "t: kernel: path must not contain ','" },
	{ "{\"name\":\"a\",\"kernel\":\"/k\",\"vcpus\":0}", "t: vcpus: must be an integer in 1..255" },
	{ "{\"name\":\"a\",\"kernel\":\"/k\",\"vcpus\":\"2\"}", "t: vcpus: must be an integer in 1..255" },
	{ "{\"name\":\"a\",\"kernel\":\"/k\",\"vcpus\":1.5}", "t: vcpus: must be an integer in 1..255" },
	{ "{\"name\":\"a\",\"kernel\":\"/k\",\"memory_mib\":8}", "t: memory_mib: must be an integer in 16..16777216" },
	{ "{\"name\":\"a\",\"kernel\":\"/k\",\"memory_mib\":99999999999999999999}",
	  "t: memory_mib: must be an integer in 16..16777216" },
	{ "{\"name\":\"a\",\"initrd\":\"/i\",\"firmware\":\"/f\"}", "t: initrd: needs a kernel" },
	{ "{\"name\":\"a\",\"cmdline\":\"x\",\"firmware\":\"/f\"}", "t: cmdline: needs a kernel" },
	{ "{\"name\":\"a\",\"kernel\":\"/k\",\"accel\":\"hvf\"}", "t: accel: must be one of auto, kvm, tcg" },
	{ "{\"name\":\"a\",\"kernel\":\"/k\",\"selinux\":true}", "t: selinux: must be one of off, auto, require" },
	{ "{\"name\":\"a\",\"kernel\":\"/k\",\"seccomp\":\"on\"}", "t: seccomp: must be one of off, log, enforce" },
	{ "{\"name\":\"a\",\"kernel\":\"/k\",\"landlock\":\"yes\"}", "t: landlock: must be one of off, auto, require" },
	{ "{\"name\":\"a\",\"kernel\":\"/k\",\"disks\":{}}", "t: disks: must be an array" },
	{ "{\"name\":\"a\",\"kernel\":\"/k\",\"disks\":[1]}", "t: disks[0]: must be an object" },
	{ "{\"name\":\"a\",\"kernel\":\"/k\",\"disks\":[{}]}", "t: disks[0].path: required" },
	{ "{\"name\":\"a\",\"kernel\":\"/k\",\"disks\":[{\"path\":\"/d\",\"ro\":true}]}", "t: disks[0].ro: unknown key" },
	{ "{\"name\":\"a\",\"kernel\":\"/k\",\"disks\":[{\"path\":\"/d\",\"readonly\":1}]}",
	  "t: disks[0].readonly: must be true or false" },
	{ "{\"name\":\"a\",\"kernel\":\"/k\",\"disks\":[{\"path\":\"/d\",\"format\":\"vmdk\"}]}",
	  "t: disks[0].format: must be one of raw, qcow2" },
	{ "{\"name\":\"a\",\"kernel\":\"/k\",\"disks\":[{\"path\":\"/d\",\"shared\":true}]}",
	  "t: disks[0].shared: a shared disk must also be readonly" },
	{ "{\"name\":\"a\",\"kernel\":\"/k\",\"network\":{\"mode\":\"bridge\"}}",
	  "t: network.mode: must be one of none, user, tap" },
	{ "{\"name\":\"a\",\"kernel\":\"/k\",\"network\":{\"mode\":\"tap\"}}",
	  "t: network.tap: required when network.mode is tap" },
	{ "{\"name\":\"a\",\"kernel\":\"/k\",\"network\":{\"mode\":\"user\",\"tap\":\"t0\"}}",
	  "t: network.tap: only valid with network.mode tap" },
	{ "{\"name\":\"a\",\"kernel\":\"/k\",\"network\":{\"mac\":\"x\"}}", "t: network.mac: unknown key" },
	{ "{\"name\":\"a\",\"kernel\":\"/k\",\"limits\":{\"pids\":1}}", "t: limits.pids: must be an integer in 16..65536" },
	{ "{\"name\":\"a\",\"kernel\":\"/k\",\"limits\":{\"cpu\":1}}", "t: limits.cpu: unknown key" },
	{ "{\"name\":\"a\",\"kernel\":\"/k\",\"memory_mib\":512,\"limits\":{\"memory_mib\":256}}",
	  "t: limits.memory_mib: must be at least memory_mib (guest RAM)" },
	{ "{\"name\":\"a\",\"kernel\":\"/k\",\"confidential\":[]}", "t: confidential: must be an object" },
};

static void test_bad_inputs(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cvm_spec s;
		cvm_err err = { 0 };
		if (cvm_spec_parse(bad[i].json, "t", &s, &err) != -1)
			fail_msg("row %zu accepted: %s", i, bad[i].json);
		assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
		if (strcmp(err.msg, bad[i].msg) != 0)
			fail_msg("row %zu: got '%s', want '%s'", i, err.msg, bad[i].msg);
		assert_null(strchr(err.msg, '\n'));
	}
}

static void test_load_missing(void **state)
{
	struct cvm_spec s;
	cvm_err err = { 0 };

	(void)state;
	assert_int_equal(cvm_spec_load("/nonexistent/spec.json", &s, &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
	assert_string_equal(err.msg, "spec: /nonexistent/spec.json: No such file or directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_spec),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_load_missing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
