/* sVirt context composition (pure core) and the selinux: mode decision. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "cvm_cleanup.h"
#include "svirt_context.h"
#include "svirt_host.h"

/* Debian 12 refpolicy's files, verbatim. */
static const char *const DEB_DOMAIN = "system_u:system_r:svirt_t:s0\n";
static const char *const DEB_IMAGE = "system_u:object_r:svirt_image_t:s0\nsystem_u:object_r:virt_content_t:s0\n";
/* Fedora's: a TCG line, a range on the domain. */
static const char *const FED_DOMAIN = "system_u:system_r:svirt_t:s0\nsystem_u:system_r:svirt_tcg_t:s0\n";

static void test_compose_debian(void **state)
{
	struct cvm_svirt_contexts c;
	struct cvm_mcs_pair p = {.lo = 3, .hi = 17};
	cvm_err err = {0};

	assert_int_equal(cvm_svirt_contexts_compose(DEB_DOMAIN, DEB_IMAGE, &p, &c, &err), 0);
	assert_string_equal(c.process, "system_u:system_r:svirt_t:s0:c3,c17");
	assert_string_equal(c.image, "system_u:object_r:svirt_image_t:s0:c3,c17");
	assert_string_equal(c.content, "system_u:object_r:virt_content_t:s0");
	assert_string_equal(c.shared, "system_u:object_r:svirt_image_t:s0");
	assert_false(c.has_tcg_domain);
	assert_string_equal(c.process_tcg, c.process);
	assert_string_equal(cvm_svirt_process_context(&c, "tcg"), c.process);
	assert_string_equal(cvm_svirt_process_context(&c, "kvm"), c.process);
}

static void test_compose_tcg_and_ranges(void **state)
{
	struct cvm_svirt_contexts c;
	struct cvm_mcs_pair p = {.lo = 0, .hi = 1023};
	cvm_err err = {0};
	/* A base with a full range and whitespace/CRLF: the pair replaces the
	 * range, keeping the low sensitivity. */
	const char *img = "  system_u:object_r:svirt_image_t:s0-s0:c0.c1023 \r\n"
	                  "system_u:object_r:virt_content_t:s0\n";

	assert_int_equal(cvm_svirt_contexts_compose(FED_DOMAIN, img, &p, &c, &err), 0);
	assert_true(c.has_tcg_domain);
	assert_string_equal(c.process_tcg, "system_u:system_r:svirt_tcg_t:s0:c0,c1023");
	assert_string_equal(cvm_svirt_process_context(&c, "tcg"), c.process_tcg);
	assert_string_equal(cvm_svirt_process_context(&c, "kvm"), "system_u:system_r:svirt_t:s0:c0,c1023");
	assert_string_equal(c.image, "system_u:object_r:svirt_image_t:s0:c0,c1023");
	assert_string_equal(c.shared, "system_u:object_r:svirt_image_t:s0");
}

static void test_compose_errors(void **state)
{
	struct cvm_svirt_contexts c;
	struct cvm_mcs_pair p = {.lo = 3, .hi = 4}, same = {.lo = 4, .hi = 4};
	cvm_err err = {0};

	assert_int_equal(cvm_svirt_contexts_compose("", DEB_IMAGE, &p, &c, &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
	assert_non_null(strstr(err.msg, "virtual_domain_context"));
	/* No line 2: nowhere to put readonly disks and kernels. */
	assert_int_equal(cvm_svirt_contexts_compose(DEB_DOMAIN, "system_u:object_r:svirt_image_t:s0\n", &p, &c, &err),
	                 -1);
	assert_non_null(strstr(err.msg, "line 2"));
	/* Targeted (non-MLS) policy: no range to put the pair in. */
	assert_int_equal(cvm_svirt_contexts_compose("system_u:system_r:svirt_t\n", DEB_IMAGE, &p, &c, &err), -1);
	assert_non_null(strstr(err.msg, "MCS"));
	assert_int_equal(cvm_svirt_contexts_compose("garbage\n", DEB_IMAGE, &p, &c, &err), -1);
	assert_int_equal(cvm_svirt_contexts_compose(DEB_DOMAIN, DEB_IMAGE, &same, &c, &err), -1);
}

static struct cvm_svirt_host host(bool enabled, bool enforcing, bool mls, bool contexts)
{
	struct cvm_svirt_host h = {.enabled = enabled, .enforcing = enforcing, .mls = mls};

	if (contexts)
		cvm_svirt_host_set_contexts(&h, DEB_DOMAIN, DEB_IMAGE);
	else
		cvm_svirt_host_set_contexts(&h, NULL, NULL);
	return h;
}

static void test_decide(void **state)
{
	enum cvm_svirt_decision d;
	cvm_err err = {0};
	struct cvm_svirt_host none = host(false, false, false, false);
	struct cvm_svirt_host enf = host(true, true, true, true);
	struct cvm_svirt_host perm = host(true, false, true, true);
	struct cvm_svirt_host targeted = host(true, true, false, true);

	assert_true(enf.contexts_present);
	assert_false(none.contexts_present);

	assert_int_equal(cvm_svirt_decide(CVM_SVIRT_MODE_REQUIRE, &none, true, &d, &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
	assert_non_null(strstr(err.msg, "require"));
	assert_int_equal(cvm_svirt_decide(CVM_SVIRT_MODE_REQUIRE, &perm, false, &d, &err), -1);
	assert_non_null(strstr(err.msg, "permissive"));
	assert_int_equal(cvm_svirt_decide(CVM_SVIRT_MODE_REQUIRE, &perm, true, &d, &err), 0);
	assert_int_equal(d, CVM_SVIRT_USE);
	assert_int_equal(cvm_svirt_decide(CVM_SVIRT_MODE_REQUIRE, &enf, false, &d, &err), 0);
	assert_int_equal(d, CVM_SVIRT_USE);
	assert_int_equal(cvm_svirt_decide(CVM_SVIRT_MODE_REQUIRE, &targeted, true, &d, &err), -1);

	assert_int_equal(cvm_svirt_decide(CVM_SVIRT_MODE_AUTO, &none, false, &d, &err), 0);
	assert_int_equal(d, CVM_SVIRT_UNAVAILABLE);
	assert_string_equal(cvm_svirt_decision_name(d), "unavailable");
	assert_int_equal(cvm_svirt_decide(CVM_SVIRT_MODE_AUTO, &perm, false, &d, &err), 0);
	assert_int_equal(d, CVM_SVIRT_USE);
	assert_int_equal(cvm_svirt_decide(CVM_SVIRT_MODE_OFF, &enf, false, &d, &err), 0);
	assert_int_equal(d, CVM_SVIRT_DISABLED);

	enum cvm_svirt_mode m;
	assert_int_equal(cvm_svirt_mode_parse("require", &m), 0);
	assert_int_equal(m, CVM_SVIRT_MODE_REQUIRE);
	assert_int_equal(cvm_svirt_mode_parse("enforce", &m), -1);
	assert_string_equal(cvm_svirt_mode_name(CVM_SVIRT_MODE_OFF), "off");
}

static void test_probe_json(void **state)
{
	struct cvm_svirt_host h = host(true, true, true, true);
	cvm_autojson struct json_object *o = cvm_svirt_host_json(&h);
	struct json_object *v;

	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "mode", &v));
	assert_string_equal(json_object_get_string(v), "enforcing");
	assert_true(json_object_object_get_ex(o, "content_context", &v));
	assert_string_equal(json_object_get_string(v), "system_u:object_r:virt_content_t:s0");
	assert_true(json_object_object_get_ex(o, "svirt_usable", &v));
	assert_true(json_object_get_boolean(v));

	/* The real host: probe never fails; without SELinux it says why. */
	struct cvm_svirt_host real;
	cvm_svirt_host_probe(&real);
	if (!real.enabled)
		assert_non_null(strstr(real.why, "not enabled"));
	char buf[2048] = {0};
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");
	assert_non_null(f);
	cvm_svirt_host_print(f, &real);
	fclose(f);
	assert_non_null(strstr(buf, "selinux: "));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_compose_debian), cmocka_unit_test(test_compose_tcg_and_ranges),
	    cmocka_unit_test(test_compose_errors), cmocka_unit_test(test_decide),
	    cmocka_unit_test(test_probe_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
