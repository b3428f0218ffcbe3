/* PCS collateral: locating the exact signed bytes, parsing the real TCB info
 * and QE identity, the TCB status computation (level matching, TDX module
 * identity, QE convergence, TD relaunch), and self-signed collateral through
 * the verifier (UpToDate, OutOfDate, tampered, foreign platform, stale). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "cvm_fileio.h"
#include "tdx_collateral.h"
#include "tdx_testsign.c"
#include "tdx_verify.h"

/* ---- signed bytes ------------------------------------------------------------- */

#define SIG128 "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff" \
	       "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

static int locate(const char *text, const char **body, size_t *blen)
{
	uint8_t sig[64];
	cvm_err err = { 0 };
	return cvm_tdx_signed_json(text, strlen(text), "tcbInfo", "t", body, blen, sig, &err);
}

static void signed_bytes_exact(void **state)
{
	(void)state;
	const char *body;
	size_t n;
	const char *t1 = "{ \"note\": \"\\\"tcbInfo\\\":{}\", \"tcbInfo\" :\n {\"a\": [1, {\"b\": \"}\"}] } ,"
			 "\"signature\":\"" SIG128 "\"}";

	assert_int_equal(locate(t1, &body, &n), 0);
	assert_int_equal(n, strlen("{\"a\": [1, {\"b\": \"}\"}] }"));
	assert_memory_equal(body, "{\"a\": [1, {\"b\": \"}\"}] }", n);
	/* a nested "tcbInfo" is not the top-level one */
	assert_int_equal(locate("{\"x\":{\"tcbInfo\":{}},\"signature\":\"" SIG128 "\"}", &body, &n), -1);
	/* two top-level values: ambiguous, refused */
	assert_int_equal(locate("{\"tcbInfo\":{},\"tcbInfo\":{},\"signature\":\"" SIG128 "\"}", &body, &n), -1);
	assert_int_equal(locate("{\"tcbInfo\":{}}", &body, &n), -1);
	assert_int_equal(locate("{\"tcbInfo\":{},\"signature\":\"abcd\"}", &body, &n), -1);
	assert_int_equal(locate("{\"tcbInfo\":[],\"signature\":\"" SIG128 "\"}", &body, &n), -1);
	assert_int_equal(locate("{\"tcbInfo\":{},\"signature\":\"" SIG128 "\"", &body, &n), -1);
	assert_int_equal(locate("[]", &body, &n), -1);
}

static void real_collateral_parses(void **state)
{
	(void)state;
	size_t len1, len2, n;
	char *ti_text = (char *)tts_read_vector("tdx/v4-collateral/tcbInfo.json", &len1);
	char *qi_text = (char *)tts_read_vector("tdx/v4-collateral/enclaveIdentity.json", &len2);
	struct cvm_tdx_tcb_info *ti = calloc(1, sizeof(*ti));
	struct cvm_tdx_qe_identity *qi = calloc(1, sizeof(*qi));
	const char *body;
	uint8_t sig[64];
	cvm_err err = { 0 };
	static const uint8_t fmspc[6] = { 0x00, 0xA0, 0x6D, 0x08, 0x00, 0x00 };

	if (!ti_text || !qi_text) {
		print_message("skipped: no vectors in CVM_VECTORS_DIR\n");
		skip();
	}
	assert_int_equal(cvm_tdx_signed_json(ti_text, len1, "tcbInfo", "t", &body, &n, sig, &err), 0);
	assert_int_equal(n, 2680);
	assert_int_equal(cvm_tdx_tcb_info_parse(body, n, ti, &err), 0);
	assert_memory_equal(ti->fmspc, fmspc, 6);
	assert_int_equal(ti->n_levels, 2);
	assert_int_equal(ti->levels[0].pcesvn, 13);
	assert_int_equal(ti->levels[1].status, CVM_TDX_TCB_OUT_OF_DATE);
	assert_int_equal(ti->n_modules, 2);
	assert_string_equal(ti->modules[0].id, "TDX_03");
	assert_int_equal(ti->modules[1].n_levels, 2);
	assert_int_equal(ti->module_attributes_mask, ~0ull);
	/* only tcbType 0 is defined */
	char *copy = strndup(body, n);
	char *tt = strstr(copy, "\"tcbType\":0");
	assert_non_null(tt);
	tt[10] = '1';
	assert_int_equal(cvm_tdx_tcb_info_parse(copy, n, ti, &err), -1);
	assert_non_null(strstr(err.msg, "tcbType 1"));
	free(copy);
	assert_int_equal(cvm_tdx_signed_json(qi_text, len2, "enclaveIdentity", "q", &body, &n, sig, &err), 0);
	assert_int_equal(cvm_tdx_qe_identity_parse(body, n, qi, &err), 0);
	assert_int_equal(qi->isvprodid, 2);
	assert_int_equal(qi->attributes[0], 0x11);
	assert_int_equal(qi->attributes_mask[0], 0xFB);
	assert_int_equal(qi->levels[0].isvsvn, 4);
	/* the TCB info is not a QE identity and vice versa */
	assert_int_equal(cvm_tdx_qe_identity_parse(ti_text, len1, qi, &err), -1);
	free(ti_text);
	free(qi_text);
	free(ti);
	free(qi);
}

/* ---- TCB status ------------------------------------------------------------------ */

static void level(struct cvm_tdx_tcb_info *ti, uint8_t sgx0, uint16_t pcesvn, uint8_t tdx2,
		  enum cvm_tdx_tcb_status st)
{
	struct cvm_tdx_tcb_level *l = &ti->levels[ti->n_levels++];
	memset(l, 0, sizeof(*l));
	l->sgx[0] = sgx0;
	l->pcesvn = pcesvn;
	l->tdx[0] = 5;
	l->tdx[2] = tdx2;
	l->status = st;
}

static void module(struct cvm_tdx_tcb_info *ti, uint8_t version, uint16_t up_svn, enum cvm_tdx_tcb_status low)
{
	struct cvm_tdx_module_identity *m = &ti->modules[ti->n_modules++];
	memset(m, 0, sizeof(*m));
	snprintf(m->id, sizeof(m->id), "TDX_%02X", version);
	m->attributes_mask = ~0ull;
	m->levels[0] = (struct cvm_tdx_isv_level){ up_svn, CVM_TDX_TCB_UP_TO_DATE };
	m->levels[1] = (struct cvm_tdx_isv_level){ 0, low };
	m->n_levels = 2;
}

static int eval(const struct cvm_tdx_tcb_info *ti, uint8_t cpusvn0, uint16_t pcesvn, const uint8_t svn[3], int qe,
		struct cvm_tdx_tcb_eval *ev)
{
	struct cvm_sgx_pck_ext pck = { .pcesvn = pcesvn };
	struct cvm_tdx_body body = { 0 };

	pck.cpusvn[0] = cpusvn0;
	memcpy(body.tee_tcb_svn, svn, 3);
	cvm_tdx_tcb_evaluate(ti, &pck, &body, 4, qe, ev);
	return (int)ev->status;
}

static void tcb_levels(void **state)
{
	(void)state;
	struct cvm_tdx_tcb_info *ti = calloc(1, sizeof(*ti));
	struct cvm_tdx_tcb_eval ev;
	const uint8_t svn_v0[3] = { 5, 0, 2 }, svn_low[3] = { 5, 0, 1 }, svn_mod_low[3] = { 4, 0, 2 };

	level(ti, 2, 13, 2, CVM_TDX_TCB_UP_TO_DATE);
	level(ti, 2, 11, 2, CVM_TDX_TCB_SW_HARDENING_NEEDED);
	level(ti, 2, 5, 1, CVM_TDX_TCB_OUT_OF_DATE);
	level(ti, 1, 5, 0, CVM_TDX_TCB_REVOKED);

	assert_int_equal(eval(ti, 2, 13, svn_v0, -1, &ev), CVM_TDX_TCB_UP_TO_DATE);
	assert_int_equal(ev.tdx_level, 0);
	assert_int_equal(eval(ti, 3, 20, svn_v0, -1, &ev), CVM_TDX_TCB_UP_TO_DATE);
	assert_int_equal(eval(ti, 2, 12, svn_v0, -1, &ev), CVM_TDX_TCB_SW_HARDENING_NEEDED);
	/* TEE_TCB_SVN[2] below the first two levels */
	assert_int_equal(eval(ti, 2, 13, svn_low, -1, &ev), CVM_TDX_TCB_OUT_OF_DATE);
	assert_int_equal(ev.sgx_level, 0);
	assert_int_equal(ev.tdx_level, 2);
	/* without a module version, TEE_TCB_SVN[0] is compared too */
	assert_int_equal(eval(ti, 2, 13, svn_mod_low, -1, &ev), CVM_TDX_TCB_NOT_SUPPORTED);
	assert_int_equal(eval(ti, 1, 13, svn_v0, -1, &ev), CVM_TDX_TCB_REVOKED);
	assert_int_equal(eval(ti, 0, 13, svn_v0, -1, &ev), CVM_TDX_TCB_NOT_SUPPORTED);
	/* QE identity status converges */
	assert_int_equal(eval(ti, 2, 13, svn_v0, CVM_TDX_TCB_OUT_OF_DATE, &ev), CVM_TDX_TCB_OUT_OF_DATE);
	assert_int_equal(eval(ti, 2, 12, svn_v0, CVM_TDX_TCB_OUT_OF_DATE, &ev), CVM_TDX_TCB_OUT_OF_DATE);
	assert_int_equal(eval(ti, 2, 13, svn_v0, CVM_TDX_TCB_REVOKED, &ev), CVM_TDX_TCB_REVOKED);
	assert_int_equal(eval(ti, 2, 13, svn_v0, CVM_TDX_TCB_UP_TO_DATE, &ev), CVM_TDX_TCB_UP_TO_DATE);
	ti->levels[0].status = CVM_TDX_TCB_CONFIGURATION_NEEDED;
	assert_int_equal(eval(ti, 2, 13, svn_v0, CVM_TDX_TCB_OUT_OF_DATE, &ev),
			 CVM_TDX_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED);
	free(ti);
}

static void tdx_module_versions(void **state)
{
	(void)state;
	struct cvm_tdx_tcb_info *ti = calloc(1, sizeof(*ti));
	struct cvm_tdx_tcb_eval ev;
	const uint8_t v3_new[3] = { 5, 3, 2 }, v3_old[3] = { 2, 3, 2 }, v7[3] = { 5, 7, 2 }, v1_old[3] = { 1, 1, 2 };

	level(ti, 2, 13, 2, CVM_TDX_TCB_UP_TO_DATE);
	module(ti, 3, 3, CVM_TDX_TCB_OUT_OF_DATE);
	module(ti, 1, 4, CVM_TDX_TCB_REVOKED);
	/* TEE_TCB_SVN[0] (the module SVN) is judged by TDX_03, not the level */
	assert_int_equal(eval(ti, 2, 13, v3_new, -1, &ev), CVM_TDX_TCB_UP_TO_DATE);
	assert_int_equal(eval(ti, 2, 13, v3_old, -1, &ev), CVM_TDX_TCB_OUT_OF_DATE);
	assert_int_equal(ev.module_status, CVM_TDX_TCB_OUT_OF_DATE);
	assert_int_equal(eval(ti, 2, 13, v1_old, -1, &ev), CVM_TDX_TCB_REVOKED);
	assert_int_equal(eval(ti, 2, 13, v7, -1, &ev), CVM_TDX_TCB_MODULE_MISMATCH);

	/* module identity: MRSIGNERSEAM and SEAM_ATTRIBUTES */
	struct cvm_tdx_body body = { 0 };
	char why[256];
	body.tee_tcb_svn[1] = 3;
	assert_int_equal(cvm_tdx_module_identity_match(ti, &body, 4, why, sizeof(why)), 1);
	body.mrsignerseam[7] = 1;
	assert_int_equal(cvm_tdx_module_identity_match(ti, &body, 4, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "MRSIGNERSEAM"));
	body.mrsignerseam[7] = 0;
	body.seam_attributes = 1ull << 40;
	assert_int_equal(cvm_tdx_module_identity_match(ti, &body, 4, why, sizeof(why)), 0);
	ti->modules[0].attributes_mask = 0xffffffffull; /* bit 40 not checked */
	assert_int_equal(cvm_tdx_module_identity_match(ti, &body, 4, why, sizeof(why)), 1);
	body.tee_tcb_svn[1] = 9;
	assert_int_equal(cvm_tdx_module_identity_match(ti, &body, 4, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "TDX_09"));
	free(ti);
}

static void td_relaunch(void **state)
{
	(void)state;
	struct cvm_tdx_tcb_info *ti = calloc(1, sizeof(*ti));
	struct cvm_sgx_pck_ext pck = { .pcesvn = 13 };
	struct cvm_tdx_body body = { 0 };
	struct cvm_tdx_tcb_eval ev;

	pck.cpusvn[0] = 2;
	level(ti, 2, 13, 2, CVM_TDX_TCB_UP_TO_DATE);
	module(ti, 3, 3, CVM_TDX_TCB_OUT_OF_DATE);
	body.is_td15 = true;
	body.tee_tcb_svn[0] = 2; /* running module SVN 2 < 3: out of date */
	body.tee_tcb_svn[1] = 3;
	body.tee_tcb_svn[2] = 2;
	memcpy(body.tee_tcb_svn2, body.tee_tcb_svn, 16);
	cvm_tdx_tcb_evaluate(ti, &pck, &body, 5, -1, &ev);
	assert_int_equal(ev.status, CVM_TDX_TCB_OUT_OF_DATE);
	/* the module loaded for a relaunch (TEE_TCB_SVN2) is current */
	body.tee_tcb_svn2[0] = 3;
	cvm_tdx_tcb_evaluate(ti, &pck, &body, 5, -1, &ev);
	assert_int_equal(ev.status, CVM_TDX_TCB_TD_RELAUNCH_ADVISED);
	/* not when the QE is out of date */
	cvm_tdx_tcb_evaluate(ti, &pck, &body, 5, CVM_TDX_TCB_OUT_OF_DATE, &ev);
	assert_int_equal(ev.status, CVM_TDX_TCB_OUT_OF_DATE);
	free(ti);
}

static void qe_identity(void **state)
{
	(void)state;
	struct cvm_tdx_qe_identity qi = { 0 };
	struct cvm_sgx_report qe = { 0 };
	enum cvm_tdx_tcb_status st;
	char why[256];

	memset(qi.miscselect_mask, 0xFF, 4);
	qi.attributes[0] = 0x11;
	qi.attributes_mask[0] = 0xFB;
	memset(qi.mrsigner, 0xDC, 32);
	memset(qe.mrsigner, 0xDC, 32);
	qi.isvprodid = qe.isvprodid = 2;
	qi.levels[0] = (struct cvm_tdx_isv_level){ 4, CVM_TDX_TCB_UP_TO_DATE };
	qi.levels[1] = (struct cvm_tdx_isv_level){ 2, CVM_TDX_TCB_OUT_OF_DATE };
	qi.n_levels = 2;
	qe.attributes[0] = 0x15; /* bit 2 is masked out */
	qe.isvsvn = 7;
	assert_int_equal(cvm_tdx_qe_identity_match(&qi, &qe, &st, why, sizeof(why)), 1);
	assert_int_equal(st, CVM_TDX_TCB_UP_TO_DATE);
	qe.isvsvn = 3;
	assert_int_equal(cvm_tdx_qe_identity_match(&qi, &qe, &st, why, sizeof(why)), 1);
	assert_int_equal(st, CVM_TDX_TCB_OUT_OF_DATE);
	qe.isvsvn = 1;
	assert_int_equal(cvm_tdx_qe_identity_match(&qi, &qe, &st, why, sizeof(why)), 1);
	assert_int_equal(st, CVM_TDX_TCB_NOT_SUPPORTED);
	qe.attributes[0] = 0x13;
	assert_int_equal(cvm_tdx_qe_identity_match(&qi, &qe, &st, why, sizeof(why)), 0);
	qe.attributes[0] = 0x15;
	qe.miscselect = 1;
	assert_int_equal(cvm_tdx_qe_identity_match(&qi, &qe, &st, why, sizeof(why)), 0);
	qe.miscselect = 0;
	qe.isvprodid = 1;
	assert_int_equal(cvm_tdx_qe_identity_match(&qi, &qe, &st, why, sizeof(why)), 0);
	qe.isvprodid = 2;
	qe.mrsigner[31] = 0;
	assert_int_equal(cvm_tdx_qe_identity_match(&qi, &qe, &st, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "MRSIGNER"));
}

static void status_names(void **state)
{
	(void)state;
	for (int i = 0; i < CVM_TDX_TCB_STATUS_COUNT; i++)
		assert_int_equal(cvm_tdx_tcb_status_parse(cvm_tdx_tcb_status_name((enum cvm_tdx_tcb_status)i)), i);
	assert_int_equal(cvm_tdx_tcb_status_parse("uptodate"), -1);
}

/* ---- self-signed collateral through the verifier ------------------------------------ */

struct fx {
	struct tdx_ts_pki pki;
	char dir[64];
	char root[128];
	const char *roots[2];
	uint8_t *quote;
	size_t len;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct tdx_ts_platform plat;
	struct tdx_ts_quote_opts o;

	tdx_ts_platform_default(&plat);
	snprintf(f->dir, sizeof(f->dir), "/tmp/tdx-coll-XXXXXX");
	if (!mkdtemp(f->dir) || tdx_ts_pki_new(&f->pki, &plat) < 0)
		return -1;
	snprintf(f->root, sizeof(f->root), "%s/root.pem", f->dir);
	f->roots[0] = f->root;
	tdx_ts_quote_opts_default(&o, 4, 2);
	f->quote = tdx_ts_quote(&f->pki, &o, &f->len);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	cvm_rm_rf(f->dir, NULL);
	tdx_ts_pki_free(&f->pki);
	free(f->quote);
	free(f);
	return 0;
}

/* PCK: CPUSVN[0] 2, PCESVN 11; quote TEE_TCB_SVN 05 00 02 */
static const struct tdx_ts_level up_to_date[] = {
	{ .sgx = { 2 }, .pcesvn = 11, .tdx = { 5, 0, 2 }, .status = "UpToDate" },
	{ .sgx = { 1 }, .pcesvn = 5, .tdx = { 1 }, .status = "OutOfDate" },
};
static const struct tdx_ts_level out_of_date[] = {
	{ .sgx = { 2 }, .pcesvn = 12, .tdx = { 5, 0, 2 }, .status = "UpToDate" },
	{ .sgx = { 1 }, .pcesvn = 5, .tdx = { 1 }, .status = "OutOfDate" },
};

static void verify_with(struct fx *f, const struct tdx_ts_coll_opts *co, const struct cvm_policy_tdx *pol,
			struct cvm_verdict *v)
{
	struct cvm_tdx_verify_opts o = { .trust_roots = f->roots, .collateral_dir = f->dir, .has_at_time = true,
					 .at_time = 1772323200 /* 2026-03-01 */ };
	cvm_err err = { 0 };

	assert_int_equal(tdx_ts_write_collateral(&f->pki, co, f->dir), 0);
	cvm_verdict_init(v);
	if (cvm_tdx_verify(f->quote, f->len, &o, pol, v, &err) < 0)
		fail_msg("%s", err.msg);
}

/* The verifier's claims: claims.tdx of the verdict. */
static json_object *tdx_claims(const struct cvm_verdict *v)
{
	json_object *t = NULL;
	assert_true(json_object_object_get_ex(v->claims, "tdx", &t));
	return t;
}

static void expect(const struct cvm_verdict *v, const char *name, enum cvm_check_result r)
{
	int got = cvm_verdict_result(v, name);
	if (got != (int)r) {
		cvm_verdict_print(v, stderr, false);
		fail_msg("check %s: got %d, want %d", name, got, (int)r);
	}
}

static void self_signed_collateral(void **state)
{
	struct fx *f = *state;
	struct tdx_ts_coll_opts co;
	struct cvm_policy_tdx pol;
	struct cvm_verdict v;

	cvm_policy_tdx_default(&pol);
	tdx_ts_coll_opts_default(&co, &f->pki);
	co.levels = up_to_date;
	co.n_levels = 2;
	co.pretty = true; /* whitespace inside the signed value: bytes, not a re-serialisation */
	verify_with(f, &co, &pol, &v);
	expect(&v, "tdx.tcb_info_signature", CVM_CHECK_PASS);
	expect(&v, "tdx.tcb_info_chain", CVM_CHECK_PASS);
	expect(&v, "tdx.qe_identity_signature", CVM_CHECK_PASS);
	expect(&v, "tdx.qe_identity", CVM_CHECK_PASS);
	expect(&v, "tdx.module_identity", CVM_CHECK_PASS);
	expect(&v, "tdx.tcb_status", CVM_CHECK_PASS);
	assert_true(cvm_verdict_accepted(&v));
	cvm_verdict_free(&v);

	/* OutOfDate: rejected by default, accepted when the policy allows it */
	co.levels = out_of_date;
	verify_with(f, &co, &pol, &v);
	expect(&v, "tdx.tcb_status", CVM_CHECK_FAIL);
	json_object *adv;
	assert_true(json_object_object_get_ex(tdx_claims(&v), "tcb_advisories", &adv));
	assert_string_equal(json_object_get_string(adv), "INTEL-SA-00001,INTEL-SA-00002");
	assert_false(cvm_verdict_accepted(&v));
	cvm_verdict_free(&v);
	pol.tcb_status_allowed |= 1u << CVM_TDX_TCB_OUT_OF_DATE;
	verify_with(f, &co, &pol, &v);
	assert_true(cvm_verdict_accepted(&v));
	cvm_verdict_free(&v);

	/* QE older than the QE identity's UpToDate level (7 < 8) */
	co.levels = up_to_date;
	co.qe_isvsvn = 8;
	cvm_policy_tdx_default(&pol);
	verify_with(f, &co, &pol, &v);
	expect(&v, "tdx.qe_identity", CVM_CHECK_PASS);
	expect(&v, "tdx.tcb_status", CVM_CHECK_FAIL);
	for (size_t i = 0; i < v.n; i++)
		if (strcmp(v.checks[i].name, "tdx.tcb_status") == 0)
			assert_non_null(strstr(v.checks[i].detail, "OutOfDate (platform UpToDate, TDX module UpToDate, QE OutOfDate)"));
	cvm_verdict_free(&v);
	co.qe_isvsvn = 4;

	/* another QE product */
	co.qe_isvprodid = 1;
	verify_with(f, &co, &pol, &v);
	expect(&v, "tdx.qe_identity", CVM_CHECK_FAIL);
	cvm_verdict_free(&v);
	co.qe_isvprodid = 2;

	/* tampered after signing */
	co.tamper_tcb_info = true;
	verify_with(f, &co, &pol, &v);
	expect(&v, "tdx.tcb_info_signature", CVM_CHECK_FAIL);
	expect(&v, "tdx.qe_identity_signature", CVM_CHECK_PASS);
	assert_false(cvm_verdict_accepted(&v));
	cvm_verdict_free(&v);
	co.tamper_tcb_info = false;

	/* signed by a key of Intel's PKI that is not the TCB Signing key */
	co.ca_signs = true;
	verify_with(f, &co, &pol, &v);
	expect(&v, "tdx.tcb_info_chain", CVM_CHECK_FAIL);
	expect(&v, "tdx.qe_identity_chain", CVM_CHECK_FAIL);
	expect(&v, "tdx.tcb_info_signature", CVM_CHECK_PASS);
	assert_false(cvm_verdict_accepted(&v));
	cvm_verdict_free(&v);
	co.ca_signs = false;

	/* TCB info of another platform */
	co.fmspc[5] = 0x01;
	verify_with(f, &co, &pol, &v);
	expect(&v, "tdx.tcb_info_match", CVM_CHECK_FAIL);
	expect(&v, "tdx.tcb_status", CVM_CHECK_ERROR);
	cvm_verdict_free(&v);
	co.fmspc[5] = 0x00;

	/* stale collateral */
	co.next = 1769904000; /* 2026-02-01 */
	verify_with(f, &co, &pol, &v);
	expect(&v, "tdx.tcb_info_validity", CVM_CHECK_FAIL);
	expect(&v, "tdx.qe_identity_validity", CVM_CHECK_FAIL);
	assert_false(cvm_verdict_accepted(&v));
	cvm_verdict_free(&v);
}

static void collateral_required(void **state)
{
	struct fx *f = *state;
	struct cvm_tdx_verify_opts o = { .trust_roots = f->roots, .has_at_time = true, .at_time = 1772323200 };
	struct cvm_policy_tdx pol;
	struct cvm_verdict v;
	cvm_err err = { 0 };
	char empty[128];

	cvm_policy_tdx_default(&pol);
	pol.has_tcb_status = true;
	cvm_verdict_init(&v);
	assert_int_equal(cvm_tdx_verify(f->quote, f->len, &o, &pol, &v, &err), 0);
	expect(&v, "tdx.tcb_status", CVM_CHECK_ERROR);
	assert_false(cvm_verdict_accepted(&v));
	cvm_verdict_free(&v);

	/* a collateral folder without the files is bad input */
	snprintf(empty, sizeof(empty), "%s/empty", f->dir);
	assert_int_equal(cvm_mkdir_p(empty, 0700, &err), 0);
	o.collateral_dir = empty;
	cvm_verdict_init(&v);
	assert_int_equal(cvm_tdx_verify(f->quote, f->len, &o, &pol, &v, &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
	assert_non_null(strstr(err.msg, "tcbInfo.json"));
	cvm_verdict_free(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(signed_bytes_exact),	  cmocka_unit_test(real_collateral_parses),
		cmocka_unit_test(tcb_levels),		  cmocka_unit_test(tdx_module_versions),
		cmocka_unit_test(td_relaunch),		  cmocka_unit_test(qe_identity),
		cmocka_unit_test(status_names),		  cmocka_unit_test(self_signed_collateral),
		cmocka_unit_test(collateral_required),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
