/* A TDX quote inside a cvm-evidence/1 bundle: quotes and PCS collateral
 * signed with the throwaway PKI of tdx_testsign.c, carried in a bundle
 * whose TPM part is signed here (bundle_testbuild.c), verified through the
 * bundle's TDX hook by the real TDX verifier (cvm_bundle_tdx_verify): a
 * valid quote is accepted; a tampered quote or TCB info, a quote for
 * another nonce, and a quote next to a non-TDX launch record are rejected
 * with the named check; the "tdx" member's parser is strict. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "bundle.h"
#include "bundle_tdx.h"
#include "bundle_testbuild.c"
#include "bundle_verify.h"
#include "cvm_fileio.h"
#include "policy_tdx.h"
#include "tdx_testsign.c"
#include "verdict.h"

static const time_t AT_2026 = 1772323200; /* 2026-03-01: inside the kit's certificates and collateral */

struct tdx_fx {
	struct tdx_ts_pki pki;
	char dir[64], coll[96], root[96];
	const char *roots[2];
};

static int tdx_setup(void **state)
{
	struct tdx_fx *f = calloc(1, sizeof(*f));
	struct tdx_ts_platform plat;
	struct tdx_ts_coll_opts co;
	static const struct tdx_ts_level up[] = {
	    {.sgx = {2}, .pcesvn = 11, .tdx = {5, 0, 2}, .status = "UpToDate"},
	};

	tdx_ts_platform_default(&plat);
	snprintf(f->dir, sizeof(f->dir), "/tmp/bundle-tdx-XXXXXX");
	if (!mkdtemp(f->dir) || tdx_ts_pki_new(&f->pki, &plat) < 0)
		return -1;
	snprintf(f->root, sizeof(f->root), "%s/root.pem", f->dir);
	snprintf(f->coll, sizeof(f->coll), "%s/coll", f->dir);
	tdx_ts_coll_opts_default(&co, &f->pki);
	co.levels = up;
	co.n_levels = 1;
	if (tdx_ts_write_root(&f->pki, f->root) < 0 || mkdir(f->coll, 0700) < 0 ||
	    tdx_ts_write_collateral(&f->pki, &co, f->coll) < 0)
		return -1;
	f->roots[0] = f->root;
	*state = f;
	return 0;
}

static int tdx_teardown(void **state)
{
	struct tdx_fx *f = *state;

	cvm_rm_rf(f->dir, NULL);
	tdx_ts_pki_free(&f->pki);
	free(f);
	return 0;
}

struct tdx_hook_ctx {
	const struct tdx_fx *f;
	const uint8_t *nonce;
	size_t nonce_len;
	int calls;
};

/* What attest-verify bundle's hook does: the real TDX verifier, default
 * "tdx" policy with a required raw nonce binding. */
static int tdx_hook(void *ctx, const struct cvm_bundle *b, struct cvm_verdict *v, cvm_err *err)
{
	struct tdx_hook_ctx *h = ctx;
	struct cvm_policy_tdx pol;

	h->calls++;
	cvm_policy_tdx_default(&pol);
	pol.require_nonce = true;
	pol.binding = CVM_NONCE_RAW;
	struct cvm_bundle_tdx_opts o = {
	    .policy = &pol,
	    .trust_roots = h->f->roots,
	    .nonce = h->nonce,
	    .nonce_len = h->nonce_len,
	    .has_at_time = true,
	    .at_time = AT_2026,
	};
	return cvm_bundle_tdx_verify(b, &o, v, err);
}

/* A TDX quote whose REPORTDATA is @rd_byte x16 (the bundle nonce is 0x42 x16). */
static uint8_t *tdx_quote_for(const struct tdx_fx *f, uint8_t rd_byte, const uint8_t *mrtd, size_t *len)
{
	struct tdx_ts_quote_opts qo;

	tdx_ts_quote_opts_default(&qo, 4, 2);
	memset(qo.report_data, rd_byte, 16);
	if (mrtd)
		memcpy(qo.mrtd, mrtd, 48);
	return tdx_ts_quote(&f->pki, &qo, len);
}

/* Verify the built bundle (after @tamper, if any) with the TDX hook. */
static bool verify_tdx(const struct built *bt, const struct tdx_fx *f, const char *rec_policy,
                       void (*tamper)(struct cvm_bundle *), struct cvm_verdict *v, int *calls)
{
	cvm_autobundle struct cvm_bundle b = {0};
	struct cvm_evidence_policy p;
	struct tdx_hook_ctx h = {.f = f, .nonce = bt->nonce, .nonce_len = sizeof(bt->nonce)};
	cvm_err err = {0};
	char tpm[200];

	snprintf(tpm, sizeof(tpm), "{\"trusted_ak_sha256\":[\"%s\"]}", bt->fp);
	assert_int_equal(parse_policy(tpm, rec_policy, &p, &err), 0);
	if (cvm_bundle_parse(bt->json, &b, &err) < 0)
		fail_msg("%s", err.msg);
	if (tamper)
		tamper(&b);
	struct cvm_bundle_verify_in in = {.bundle = &b,
	                                  .policy = &p,
	                                  .nonce = bt->nonce,
	                                  .nonce_len = sizeof(bt->nonce),
	                                  .tdx_verify = f ? tdx_hook : NULL,
	                                  .tdx_ctx = &h};
	cvm_verdict_init(v);
	if (cvm_bundle_verify(&in, v, &err) < 0)
		fail_msg("%s", err.msg);
	if (calls)
		*calls = h.calls;
	return cvm_verdict_accepted(v);
}

static void want_check(const struct cvm_verdict *v, const char *name, enum cvm_check_result r)
{
	int got = cvm_verdict_result(v, name);
	if (got != (int)r) {
		cvm_verdict_print(v, stderr, false);
		fail_msg("check %s: got %d, want %d", name, got, (int)r);
	}
}

static void test_bundle_tdx_accepted(void **state)
{
	struct tdx_fx *f = *state;
	struct built bt;
	size_t qlen;
	cvm_autofree uint8_t *q = tdx_quote_for(f, 0x42, NULL, &qlen);
	struct build_opts o = {.confidential = "{\"type\":\"tdx\"}", .tdx_quote = q, .tdx_len = qlen,
	                       .tdx_coll_dir = f->coll};
	cvm_autoverdict struct cvm_verdict v;
	int calls = 0;

	build_bundle_opts(&bt, &o);
	assert_true(verify_tdx(&bt, f, "{\"confidential_type\":\"tdx\"}", NULL, &v, &calls));
	assert_int_equal(calls, 1);
	want_check(&v, "tpm.nonce", CVM_CHECK_PASS);
	want_check(&v, "eventlog.replay", CVM_CHECK_PASS);
	want_check(&v, "record.confidential_type", CVM_CHECK_PASS);
	want_check(&v, "tdx.record_type", CVM_CHECK_PASS);
	want_check(&v, "tdx.pck_chain", CVM_CHECK_PASS);
	want_check(&v, "tdx.quote_signature", CVM_CHECK_PASS);
	want_check(&v, "tdx.report_data", CVM_CHECK_PASS);
	want_check(&v, "tdx.tcb_info_signature", CVM_CHECK_PASS);
	want_check(&v, "tdx.qe_identity_signature", CVM_CHECK_PASS);
	want_check(&v, "tdx.tcb_status", CVM_CHECK_PASS);
	/* a TDX record carries no expected measurement: MRTD is not tied */
	want_check(&v, "tdx.mrtd_matches_record", CVM_CHECK_INFO);
	assert_int_equal(cvm_verdict_result(&v, "snp.measurement_matches_record"), -1);
	cvm_verdict_free(&v);

	/* format/parse keeps the quote and every collateral byte */
	{
		cvm_autobundle struct cvm_bundle b = {0};
		cvm_err err = {0};
		assert_int_equal(cvm_bundle_parse(bt.json, &b, &err), 0);
		assert_int_equal(b.tdx_quote.len, qlen);
		assert_memory_equal(b.tdx_quote.data, q, qlen);
		cvm_autofree char *tcb = read_text(f->coll, "tcbInfo.json");
		assert_string_equal(b.tdx_tcb_info, tcb);
		cvm_autofree char *again = cvm_bundle_format(&b, &err);
		assert_string_equal(again, bt.json);
	}

	/* without a TDX verifier the quote cannot be checked: rejected */
	assert_false(verify_tdx(&bt, NULL, NULL, NULL, &v, NULL));
	want_check(&v, "tdx.quote", CVM_CHECK_ERROR);
	cvm_verdict_free(&v);
	built_free(&bt);

	/* no collateral: the quote still verifies, TCB status is not checked */
	o.tdx_coll_dir = NULL;
	build_bundle_opts(&bt, &o);
	assert_null(strstr(bt.json, "\"collateral\""));
	assert_true(verify_tdx(&bt, f, NULL, NULL, &v, NULL));
	want_check(&v, "tdx.quote_signature", CVM_CHECK_PASS);
	want_check(&v, "tdx.tcb_status", CVM_CHECK_INFO);
	built_free(&bt);
}

/* Flip one byte of MRTD: inside the attestation key's signature. */
static void tamper_mrtd(struct cvm_bundle *b)
{
	b->tdx_quote.data[48 + 16 + 48 + 48 + 8 + 8 + 8] ^= 1;
}

/* Change one byte of the TCB info's signed value. */
static void tamper_tcb_info(struct cvm_bundle *b)
{
	char *at = strstr(b->tdx_tcb_info, "\"tcbEvaluationDataNumber\":");
	assert_non_null(at);
	at[strlen("\"tcbEvaluationDataNumber\":")] ^= 1; /* a digit stays a digit */
}

static void test_bundle_tdx_tampered(void **state)
{
	struct tdx_fx *f = *state;
	struct built bt;
	size_t qlen;
	cvm_autofree uint8_t *q = tdx_quote_for(f, 0x42, NULL, &qlen);
	struct build_opts o = {.confidential = "{\"type\":\"tdx\"}", .tdx_quote = q, .tdx_len = qlen,
	                       .tdx_coll_dir = f->coll};
	cvm_autoverdict struct cvm_verdict v;

	build_bundle_opts(&bt, &o);
	assert_false(verify_tdx(&bt, f, NULL, tamper_mrtd, &v, NULL));
	want_check(&v, "tdx.quote_signature", CVM_CHECK_FAIL);
	want_check(&v, "tpm.signature", CVM_CHECK_PASS);
	cvm_verdict_free(&v);
	assert_false(verify_tdx(&bt, f, NULL, tamper_tcb_info, &v, NULL));
	want_check(&v, "tdx.quote_signature", CVM_CHECK_PASS);
	want_check(&v, "tdx.tcb_info_signature", CVM_CHECK_FAIL);
	built_free(&bt);
}

static void test_bundle_tdx_wrong_nonce(void **state)
{
	struct tdx_fx *f = *state;
	struct built bt;
	size_t qlen;
	/* a quote made for another challenge, in a bundle with a fresh TPM quote */
	cvm_autofree uint8_t *q = tdx_quote_for(f, 0x43, NULL, &qlen);
	struct build_opts o = {.confidential = "{\"type\":\"tdx\"}", .tdx_quote = q, .tdx_len = qlen};
	cvm_autoverdict struct cvm_verdict v;

	build_bundle_opts(&bt, &o);
	assert_false(verify_tdx(&bt, f, NULL, NULL, &v, NULL));
	want_check(&v, "tpm.nonce", CVM_CHECK_PASS);
	want_check(&v, "tdx.quote_signature", CVM_CHECK_PASS);
	want_check(&v, "tdx.report_data", CVM_CHECK_FAIL);
	built_free(&bt);
}

static void test_bundle_tdx_record_mismatch(void **state)
{
	struct tdx_fx *f = *state;
	struct built bt;
	size_t qlen;
	uint8_t mrtd[48];
	char conf[200], hex[97];
	cvm_autoverdict struct cvm_verdict v;

	memset(mrtd, 0x5c, sizeof(mrtd));
	cvm_autofree uint8_t *q = tdx_quote_for(f, 0x42, mrtd, &qlen);
	/* the record says SNP: the quote does not belong to this launch */
	struct build_opts o = {.tdx_quote = q, .tdx_len = qlen};
	build_bundle_opts(&bt, &o);
	assert_false(verify_tdx(&bt, f, "{\"confidential_type\":\"tdx\"}", NULL, &v, NULL));
	want_check(&v, "tdx.quote_signature", CVM_CHECK_PASS);
	want_check(&v, "tdx.record_type", CVM_CHECK_FAIL);
	want_check(&v, "record.confidential_type", CVM_CHECK_FAIL);
	/* its expected (SNP) measurement is not the MRTD either */
	want_check(&v, "tdx.mrtd_matches_record", CVM_CHECK_FAIL);
	cvm_verdict_free(&v);
	built_free(&bt);

	/* a TDX record naming the MRTD ties the quote to the launch */
	cvm_hex_encode(mrtd, 48, hex);
	snprintf(conf, sizeof(conf), "{\"type\":\"tdx\",\"expected_measurement\":\"%s\"}", hex);
	o.confidential = conf;
	build_bundle_opts(&bt, &o);
	assert_true(verify_tdx(&bt, f, NULL, NULL, &v, NULL));
	want_check(&v, "tdx.mrtd_matches_record", CVM_CHECK_PASS);
	cvm_verdict_free(&v);
	built_free(&bt);
	hex[0] = hex[0] == '0' ? '1' : '0';
	snprintf(conf, sizeof(conf), "{\"type\":\"tdx\",\"expected_measurement\":\"%s\"}", hex);
	build_bundle_opts(&bt, &o);
	assert_false(verify_tdx(&bt, f, NULL, NULL, &v, NULL));
	want_check(&v, "tdx.mrtd_matches_record", CVM_CHECK_FAIL);
	built_free(&bt);
}

static void test_bundle_tdx_parse_errors(void **state)
{
	struct tdx_fx *f = *state;
	struct built bt;
	size_t qlen;
	cvm_autofree uint8_t *q = tdx_quote_for(f, 0x42, NULL, &qlen);
	struct build_opts o = {.confidential = "{\"type\":\"tdx\"}", .tdx_quote = q, .tdx_len = qlen,
	                       .tdx_coll_dir = f->coll};

	build_bundle_opts(&bt, &o);
	struct {
		const char *from, *to, *want;
	} cases[] = {
	    {"\"tdx\":{", "\"tdx\":{\"report\":\"\",", "bundle: tdx: unknown key \"report\""},
	    {"\"collateral\":{", "\"collateral\":{\"tcbinfo\":\"\",", "tdx: collateral: unknown key \"tcbinfo\""},
	    {"\"tcb_info\":", "\"tcb_nfo\":", "unknown key \"tcb_nfo\""},
	    {"\"qe_identity\":", "\"qe_identity\":1,\"x\":", "unknown key \"x\""},
	    {"\"qe_identity_chain\":\"", "\"qe_identity_chain\":\"\\u0000", "contains a NUL character"},
	    {"\"collateral\":{", "\"collateral\":{\"pck_crl\":\"!\",", "\"pck_crl\" is not valid base64"},
	    {"\"tdx\":{", "\"snp\":{\"report\":\"AAAA\"},\"tdx\":{", "carries both \"snp\" and \"tdx\""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cvm_autofree char *t = replace(bt.json, cases[i].from, cases[i].to);
		bundle_bad(t, cases[i].want);
	}
	/* every collateral document is required once "collateral" is there */
	{
		cvm_autojson json_object *root = json_tokener_parse(bt.json);
		json_object *tdx, *coll;
		assert_true(json_object_object_get_ex(root, "tdx", &tdx));
		assert_true(json_object_object_get_ex(tdx, "collateral", &coll));
		json_object_object_del(coll, "qe_identity");
		bundle_bad(json_object_to_json_string(root), "tdx: collateral: missing \"qe_identity\"");
		json_object_object_del(tdx, "collateral");
		json_object_object_add(tdx, "quote", json_object_new_string(""));
		bundle_bad(json_object_to_json_string(root), "tdx: \"quote\" is empty");
		json_object_object_add(root, "tdx", json_object_new_string("quote"));
		bundle_bad(json_object_to_json_string(root), "\"tdx\" must be an object");
	}
	/* a quote that does not parse is bad input for the verifier */
	{
		cvm_autobundle struct cvm_bundle b = {0};
		struct cvm_evidence_policy p;
		cvm_autoverdict struct cvm_verdict v;
		struct tdx_hook_ctx h = {.f = f, .nonce = bt.nonce, .nonce_len = sizeof(bt.nonce)};
		cvm_err err = {0};
		assert_int_equal(cvm_bundle_parse(bt.json, &b, &err), 0);
		b.tdx_quote.len = 100;
		cvm_evidence_policy_init(&p);
		cvm_verdict_init(&v);
		struct cvm_bundle_verify_in in = {
		    .bundle = &b, .policy = &p, .nonce = bt.nonce, .nonce_len = 16, .tdx_verify = tdx_hook, .tdx_ctx = &h};
		assert_int_equal(cvm_bundle_verify(&in, &v, &err), -1);
		assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
		assert_non_null(strstr(err.msg, "bundle tdx: "));
	}
	built_free(&bt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bundle_tdx_accepted),
	    cmocka_unit_test(test_bundle_tdx_tampered),
	    cmocka_unit_test(test_bundle_tdx_wrong_nonce),
	    cmocka_unit_test(test_bundle_tdx_record_mismatch),
	    cmocka_unit_test(test_bundle_tdx_parse_errors),
	};
	setenv("TSS2_LOG", "all+none", 0);
	return cmocka_run_group_tests(tests, tdx_setup, tdx_teardown);
}
