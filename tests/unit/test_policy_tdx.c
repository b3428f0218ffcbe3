/* The "tdx" policy section: every key parses, unknown keys and bad values
 * are errors naming tdx.<key>, and each evaluated check passes or fails on
 * the quote's values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "policy_tdx.h"
#include "tdx_collateral.h"

#define H48(c) c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c

static int parse(const char *json, struct cvm_policy_tdx *p, cvm_err *err)
{
	json_object *o = json_tokener_parse(json);
	int rc;

	assert_non_null(o);
	rc = cvm_policy_tdx_parse(o, p, err);
	json_object_put(o);
	return rc;
}

static void expect_bad(const char *json, const char *needle)
{
	struct cvm_policy_tdx p;
	cvm_err err = { 0 };

	if (parse(json, &p, &err) != -1)
		fail_msg("accepted: %s", json);
	assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
	if (!strstr(err.msg, needle))
		fail_msg("error \"%s\" does not name \"%s\"", err.msg, needle);
}

static void defaults(void **state)
{
	(void)state;
	struct cvm_policy_tdx p;
	cvm_err err = { 0 };

	cvm_policy_tdx_default(&p);
	assert_false(p.allow_debug);
	assert_false(p.has_tcb_status);
	assert_true(cvm_policy_tdx_status_ok(&p, CVM_TDX_TCB_UP_TO_DATE));
	assert_false(cvm_policy_tdx_status_ok(&p, CVM_TDX_TCB_SW_HARDENING_NEEDED));
	assert_false(cvm_policy_tdx_status_ok(&p, CVM_TDX_TCB_REVOKED));
	assert_false(cvm_policy_tdx_status_ok(&p, -1));
	assert_int_equal(parse("{}", &p, &err), 0);
	assert_int_equal(p.mrtd.n, 0);
}

static void every_key(void **state)
{
	(void)state;
	struct cvm_policy_tdx p;
	cvm_err err = { 0 };
	const char *json = "{\"mrtd\": [\"" H48("ab") "\", \"" H48("cd") "\"],"
			   "\"rtmr0\": \"" H48("00") "\", \"rtmr3\": \"" H48("33") "\","
			   "\"mrconfigid\": \"" H48("01") "\", \"mrowner\": \"" H48("02") "\","
			   "\"mrownerconfig\": \"" H48("03") "\", \"mrseam\": \"" H48("5e") "\","
			   "\"allow_debug\": true, \"td_attributes\": {\"sept_ve_disable\": true, \"perfmon\": false,"
			   "\"bit5\": false}, \"xfam\": \"0x61ae7\", \"min_tee_tcb_svn\": \"05000200000000000000000000000000\","
			   "\"tcb_status\": [\"UpToDate\", \"SWHardeningNeeded\"], \"require_crl\": true,"
			   "\"report_data\": \"" H48("77") "77777777777777777777777777777777\"}";

	if (parse(json, &p, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(p.mrtd.n, 2);
	assert_int_equal(p.mrtd.v[1][47], 0xcd);
	assert_int_equal(p.rtmr[0].n, 1);
	assert_int_equal(p.rtmr[1].n, 0);
	assert_int_equal(p.rtmr[3].v[0][0], 0x33);
	assert_int_equal(p.mrseam.n, 1);
	assert_true(p.allow_debug);
	assert_int_equal(p.attrs_set, 1ull << 28);
	assert_int_equal(p.attrs_clear, (1ull << 63) | (1ull << 5));
	assert_true(p.has_xfam);
	assert_int_equal(p.xfam, 0x61ae7);
	assert_true(p.has_min_tee_tcb_svn);
	assert_int_equal(p.min_tee_tcb_svn[0], 5);
	assert_true(p.has_tcb_status);
	assert_true(cvm_policy_tdx_status_ok(&p, CVM_TDX_TCB_SW_HARDENING_NEEDED));
	assert_false(cvm_policy_tdx_status_ok(&p, CVM_TDX_TCB_OUT_OF_DATE));
	assert_true(p.require_crl);
	assert_true(p.has_report_data);
}

static void bad_values(void **state)
{
	(void)state;
	expect_bad("{\"mrtdd\": \"00\"}", "tdx.mrtdd: unknown key");
	expect_bad("{\"nonce_binding\": \"raw\"}", "tdx.nonce_binding: unknown key"); /* top-level key */
	expect_bad("{\"mrtd\": \"abcd\"}", "tdx.mrtd");
	expect_bad("{\"mrtd\": []}", "tdx.mrtd");
	expect_bad("{\"mrtd\": [\"" H48("zz") "\"]}", "tdx.mrtd");
	expect_bad("{\"rtmr2\": 5}", "tdx.rtmr2");
	expect_bad("{\"allow_debug\": \"yes\"}", "tdx.allow_debug");
	expect_bad("{\"td_attributes\": {\"debug\": false}}", "tdx.td_attributes.debug: use tdx.allow_debug");
	expect_bad("{\"td_attributes\": {\"turbo\": true}}", "tdx.td_attributes.turbo: unknown attribute");
	expect_bad("{\"td_attributes\": {\"bit64\": true}}", "tdx.td_attributes.bit64");
	expect_bad("{\"td_attributes\": {\"pks\": 1}}", "tdx.td_attributes.pks");
	expect_bad("{\"td_attributes\": []}", "tdx.td_attributes");
	expect_bad("{\"xfam\": 7}", "tdx.xfam");
	expect_bad("{\"xfam\": \"0xzz\"}", "tdx.xfam");
	expect_bad("{\"xfam\": \"-1\"}", "tdx.xfam");
	expect_bad("{\"min_tee_tcb_svn\": \"0500\"}", "tdx.min_tee_tcb_svn");
	expect_bad("{\"tcb_status\": []}", "tdx.tcb_status");
	expect_bad("{\"tcb_status\": [\"uptodate\"]}", "tdx.tcb_status");
	expect_bad("{\"tcb_status\": [\"NotSupported\", \"UpToDate\"]}", "tdx.tcb_status");
	expect_bad("{\"report_data\": \"00\"}", "tdx.report_data");
	expect_bad("{\"require_crl\": null}", "tdx.require_crl");

	struct cvm_policy_tdx p;
	cvm_err err = { 0 };
	json_object *arr = json_object_new_array();
	assert_int_equal(cvm_policy_tdx_parse(arr, &p, &err), -1);
	assert_non_null(strstr(err.msg, "tdx: must be an object"));
	json_object_put(arr);
}

static struct cvm_tdx_quote sample(void)
{
	struct cvm_tdx_quote q;

	memset(&q, 0, sizeof(q));
	q.version = 4;
	memset(q.body.mrtd, 0xab, 48);
	memset(q.body.rtmr[3], 0x33, 48);
	memset(q.body.mrseam, 0x5e, 48);
	q.body.td_attributes = 1ull << 28;
	q.body.xfam = 0x61ae7;
	q.body.tee_tcb_svn[0] = 5;
	q.body.tee_tcb_svn[2] = 2;
	return q;
}

static void expect(const struct cvm_verdict *v, const char *name, int r)
{
	int got = cvm_verdict_result(v, name);
	if (got != r) {
		cvm_verdict_print(v, stderr, false);
		fail_msg("check %s: got %d, want %d", name, got, r);
	}
}

static void evaluate(void **state)
{
	(void)state;
	struct cvm_tdx_quote q = sample();
	struct cvm_policy_tdx p;
	struct cvm_verdict v;
	cvm_err err = { 0 };

	assert_int_equal(parse("{\"mrtd\": [\"" H48("cd") "\", \"" H48("ab") "\"], \"rtmr3\": \"" H48("33") "\","
			       "\"mrseam\": \"" H48("5e") "\", \"td_attributes\": {\"sept_ve_disable\": true},"
			       "\"xfam\": \"61ae7\", \"min_tee_tcb_svn\": \"05000200000000000000000000000000\"}",
			       &p, &err),
			 0);
	cvm_verdict_init(&v);
	cvm_policy_tdx_evaluate(&p, &q, NULL, 0, &v);
	expect(&v, "tdx.debug", CVM_CHECK_PASS);
	expect(&v, "tdx.td_attributes", CVM_CHECK_PASS);
	expect(&v, "tdx.mrtd", CVM_CHECK_PASS);
	expect(&v, "tdx.rtmr3", CVM_CHECK_PASS);
	expect(&v, "tdx.rtmr0", -1); /* not pinned: no check */
	expect(&v, "tdx.mrseam", CVM_CHECK_PASS);
	expect(&v, "tdx.xfam", CVM_CHECK_PASS);
	expect(&v, "tdx.tee_tcb_svn", CVM_CHECK_PASS);
	expect(&v, "tdx.report_data", CVM_CHECK_INFO);
	assert_true(cvm_verdict_accepted(&v));
	cvm_verdict_free(&v);

	/* each value off by a little */
	q.body.mrtd[47] ^= 1;
	q.body.rtmr[3][0] ^= 1;
	q.body.mrseam[0] ^= 1;
	q.body.td_attributes = 1; /* debug on, sept_ve_disable off */
	q.body.xfam ^= 2;
	q.body.tee_tcb_svn[2] = 1;
	cvm_verdict_init(&v);
	cvm_policy_tdx_evaluate(&p, &q, NULL, 0, &v);
	expect(&v, "tdx.debug", CVM_CHECK_FAIL);
	expect(&v, "tdx.td_attributes", CVM_CHECK_FAIL);
	expect(&v, "tdx.mrtd", CVM_CHECK_FAIL);
	expect(&v, "tdx.rtmr3", CVM_CHECK_FAIL);
	expect(&v, "tdx.mrseam", CVM_CHECK_FAIL);
	expect(&v, "tdx.xfam", CVM_CHECK_FAIL);
	expect(&v, "tdx.tee_tcb_svn", CVM_CHECK_FAIL);
	cvm_verdict_free(&v);
}

static void report_data_bindings(void **state)
{
	(void)state;
	struct cvm_tdx_quote q = sample();
	struct cvm_policy_tdx p;
	struct cvm_verdict v;
	uint8_t nonce[70];

	memset(nonce, 0x4e, sizeof(nonce));
	memcpy(q.body.report_data, nonce, 16);
	cvm_policy_tdx_default(&p);
	cvm_verdict_init(&v);
	cvm_policy_tdx_evaluate(&p, &q, nonce, 16, &v);
	expect(&v, "tdx.report_data", CVM_CHECK_PASS);
	cvm_verdict_free(&v);
	/* a raw nonce is compared with zero padding: a prefix is not enough */
	cvm_verdict_init(&v);
	cvm_policy_tdx_evaluate(&p, &q, nonce, 15, &v);
	expect(&v, "tdx.report_data", CVM_CHECK_FAIL);
	cvm_verdict_free(&v);
	cvm_verdict_init(&v);
	cvm_policy_tdx_evaluate(&p, &q, nonce, 70, &v);
	expect(&v, "tdx.report_data", CVM_CHECK_ERROR);
	cvm_verdict_free(&v);
	p.binding = CVM_NONCE_SHA256;
	cvm_verdict_init(&v);
	cvm_policy_tdx_evaluate(&p, &q, nonce, 16, &v);
	expect(&v, "tdx.report_data", CVM_CHECK_FAIL);
	cvm_verdict_free(&v);
	/* exact REPORTDATA from the policy when no nonce is given */
	p.has_report_data = true;
	memcpy(p.report_data, q.body.report_data, 64);
	cvm_verdict_init(&v);
	cvm_policy_tdx_evaluate(&p, &q, NULL, 0, &v);
	expect(&v, "tdx.report_data", CVM_CHECK_PASS);
	cvm_verdict_free(&v);
	p.report_data[63] = 1;
	cvm_verdict_init(&v);
	cvm_policy_tdx_evaluate(&p, &q, NULL, 0, &v);
	expect(&v, "tdx.report_data", CVM_CHECK_FAIL);
	cvm_verdict_free(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults), cmocka_unit_test(every_key), cmocka_unit_test(bad_values),
		cmocka_unit_test(evaluate), cmocka_unit_test(report_data_bindings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
