/* TDX quote verification end to end: the real quotes (at a time inside their
 * validity), and quotes signed here with a throwaway root -> PCK chain and
 * QE/attestation keys: v4 and v5, debug, wrong binding, wrong root, every
 * signed byte flipped, nonce binding, CRLs, expiry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>
#include <openssl/evp.h>

#include "attest_util.h"
#include "cvm_fileio.h"
#include "tdx_pck.h"
#include "tdx_testsign.c"
#include "tdx_verify.h"

struct fx {
	struct tdx_ts_pki pki;
	char dir[64];
	char root[128];
	char other_root[128];
	const char *roots[2], *other_roots[2]; /* NULL-terminated lists */
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct tdx_ts_platform plat;
	struct tdx_ts_pki other;

	tdx_ts_platform_default(&plat);
	snprintf(f->dir, sizeof(f->dir), "/tmp/tdx-verify-XXXXXX");
	if (!mkdtemp(f->dir) || tdx_ts_pki_new(&f->pki, &plat) < 0 || tdx_ts_pki_new(&other, &plat) < 0)
		return -1;
	snprintf(f->root, sizeof(f->root), "%s/root.pem", f->dir);
	snprintf(f->other_root, sizeof(f->other_root), "%s/other.pem", f->dir);
	if (tdx_ts_write_root(&f->pki, f->root) < 0 || tdx_ts_write_root(&other, f->other_root) < 0)
		return -1;
	tdx_ts_pki_free(&other);
	f->roots[0] = f->root;
	f->other_roots[0] = f->other_root;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	cvm_rm_rf(f->dir, NULL);
	tdx_ts_pki_free(&f->pki);
	free(f);
	return 0;
}

static const time_t AT_2026 = 1772323200; /* 2026-03-01 */

static void opts_for(struct fx *f, struct cvm_tdx_verify_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->trust_roots = f->roots;
	o->has_at_time = true;
	o->at_time = AT_2026;
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

static void run(const uint8_t *q, size_t len, const struct cvm_tdx_verify_opts *o, const struct cvm_policy_tdx *pol,
		struct cvm_verdict *v)
{
	cvm_err err = { 0 };
	cvm_verdict_init(v);
	if (cvm_tdx_verify(q, len, o, pol, v, &err) < 0)
		fail_msg("verify: %s", err.msg);
}

/* ---- real vectors ---------------------------------------------------------- */

static void real_quotes_verify(void **state)
{
	(void)state;
	const char *files[] = { "tdx/v4-collateral/quote.dat", "tdx/v5/quote.dat" };

	for (int i = 0; i < 2; i++) {
		size_t len;
		uint8_t *q = tts_read_vector(files[i], &len);
		struct cvm_tdx_verify_opts o = { .has_at_time = true, .at_time = AT_2026 };
		struct cvm_policy_tdx pol;
		struct cvm_verdict v;

		if (!q) {
			print_message("skipped: no vectors in CVM_VECTORS_DIR\n");
			skip();
		}
		cvm_policy_tdx_default(&pol);
		run(q, len, &o, &pol, &v);
		expect(&v, "tdx.pck_chain", CVM_CHECK_PASS); /* pinned Intel root, no --trust-root */
		expect(&v, "tdx.qe_report_signature", CVM_CHECK_PASS);
		expect(&v, "tdx.qe_report_data", CVM_CHECK_PASS);
		expect(&v, "tdx.quote_signature", CVM_CHECK_PASS);
		expect(&v, "tdx.tcb_status", CVM_CHECK_INFO);
		expect(&v, "tdx.debug", CVM_CHECK_PASS);
		assert_true(cvm_verdict_accepted(&v));
		/* before the PCK was issued (2024-03-18), the chain does not verify */
		cvm_verdict_free(&v);
		o.at_time = 1700000000; /* 2023-11-14 */
		run(q, len, &o, &pol, &v);
		expect(&v, "tdx.pck_chain", CVM_CHECK_FAIL);
		assert_false(cvm_verdict_accepted(&v));
		cvm_verdict_free(&v);
		/* a given trust root adds to the pinned Intel root, never replaces it */
		o.at_time = AT_2026;
		o.trust_roots = ((struct fx *)*state)->roots;
		run(q, len, &o, &pol, &v);
		expect(&v, "tdx.pck_chain", CVM_CHECK_PASS);
		assert_non_null(strstr(v.checks[1].detail, "pinned Intel SGX Root CA"));
		cvm_verdict_free(&v);
		free(q);
	}
}

static void real_collateral(void **state)
{
	(void)state;
	size_t len;
	uint8_t *q = tts_read_vector("tdx/v4-collateral/quote.dat", &len);
	const char *vd = getenv("CVM_VECTORS_DIR");
	char dir[4096];
	struct cvm_tdx_verify_opts o = { .has_at_time = true };
	struct cvm_policy_tdx pol;
	struct cvm_verdict v;

	if (!q) {
		print_message("skipped: no vectors in CVM_VECTORS_DIR\n");
		skip();
	}
	snprintf(dir, sizeof(dir), "%s/tdx/v4-collateral", vd);
	o.collateral_dir = dir;
	/* Inside the TCB info / QE identity window (2025-10-28 .. 2025-11-26).
	 * The issuer chains shipped with the vectors carry a TCB Signing
	 * certificate that expired 2025-05-21 and the CRLs are from 2023/2024,
	 * so those checks must fail at this time, and nothing else. */
	cvm_attest_parse_time("2025-11-01T00:00:00Z", &o.at_time);
	cvm_policy_tdx_default(&pol);
	run(q, len, &o, &pol, &v);
	expect(&v, "tdx.tcb_info_signature", CVM_CHECK_PASS);
	expect(&v, "tdx.qe_identity_signature", CVM_CHECK_PASS);
	expect(&v, "tdx.tcb_info_validity", CVM_CHECK_PASS);
	expect(&v, "tdx.qe_identity_validity", CVM_CHECK_PASS);
	expect(&v, "tdx.tcb_info_chain", CVM_CHECK_FAIL);
	expect(&v, "tdx.qe_identity_chain", CVM_CHECK_FAIL);
	expect(&v, "tdx.pck_crl", CVM_CHECK_FAIL);
	expect(&v, "tdx.ca_crl", CVM_CHECK_FAIL);
	expect(&v, "tdx.tcb_info_match", CVM_CHECK_PASS);
	expect(&v, "tdx.module_identity", CVM_CHECK_PASS);
	expect(&v, "tdx.qe_identity", CVM_CHECK_PASS);
	/* PCESVN 11 < 13 of the first level: the platform is OutOfDate,
	 * which the default policy (UpToDate only) rejects */
	expect(&v, "tdx.tcb_status", CVM_CHECK_FAIL);
	json_object *s;
	assert_true(json_object_object_get_ex(tdx_claims(&v), "tcb_status", &s));
	assert_string_equal(json_object_get_string(s), "OutOfDate");
	cvm_verdict_free(&v);

	/* a policy that accepts OutOfDate passes the status check */
	pol.tcb_status_allowed |= 1u << 4; /* CVM_TDX_TCB_OUT_OF_DATE */
	pol.has_tcb_status = true;
	run(q, len, &o, &pol, &v);
	expect(&v, "tdx.tcb_status", CVM_CHECK_PASS);
	cvm_verdict_free(&v);

	/* the v5 quote is from another platform (FMSPC 90C06F000000): the
	 * same collateral must not give it a TCB status */
	size_t len5;
	uint8_t *q5 = tts_read_vector("tdx/v5/quote.dat", &len5);
	assert_non_null(q5);
	run(q5, len5, &o, &pol, &v);
	expect(&v, "tdx.tcb_info_match", CVM_CHECK_FAIL);
	expect(&v, "tdx.tcb_status", CVM_CHECK_ERROR);
	assert_false(cvm_verdict_accepted(&v));
	cvm_verdict_free(&v);
	free(q5);

	/* while the TCB Signing certificate was valid, the chains verify, but
	 * the collateral had not been issued yet */
	cvm_attest_parse_time("2025-05-01", &o.at_time);
	run(q, len, &o, &pol, &v);
	expect(&v, "tdx.tcb_info_chain", CVM_CHECK_PASS);
	expect(&v, "tdx.qe_identity_chain", CVM_CHECK_PASS);
	expect(&v, "tdx.tcb_info_validity", CVM_CHECK_FAIL);
	cvm_verdict_free(&v);
	free(q);
}

/* ---- self-signed ------------------------------------------------------------- */

static uint8_t *make(struct fx *f, uint16_t version, uint16_t body_type, size_t *len,
		     void (*tweak)(struct tdx_ts_quote_opts *))
{
	struct tdx_ts_quote_opts o;
	tdx_ts_quote_opts_default(&o, version, body_type);
	o.trailing = 70;
	if (tweak)
		tweak(&o);
	return tdx_ts_quote(&f->pki, &o, len);
}

static void all_shapes_accepted(void **state)
{
	struct fx *f = *state;
	static const uint16_t shapes[][2] = { { 4, 2 }, { 5, 2 }, { 5, 3 } };

	for (int i = 0; i < 3; i++) {
		size_t len;
		uint8_t *q = make(f, shapes[i][0], shapes[i][1], &len, NULL);
		struct cvm_tdx_verify_opts o;
		struct cvm_policy_tdx pol;
		struct cvm_verdict v;

		opts_for(f, &o);
		cvm_policy_tdx_default(&pol);
		run(q, len, &o, &pol, &v);
		expect(&v, "tdx.pck_chain", CVM_CHECK_PASS);
		expect(&v, "tdx.qe_report_signature", CVM_CHECK_PASS);
		expect(&v, "tdx.qe_report_data", CVM_CHECK_PASS);
		expect(&v, "tdx.quote_signature", CVM_CHECK_PASS);
		assert_true(cvm_verdict_accepted(&v));
		cvm_verdict_free(&v);

		/* the throwaway root is not the pinned Intel root */
		o.trust_roots = NULL;
		run(q, len, &o, &pol, &v);
		expect(&v, "tdx.pck_chain", CVM_CHECK_FAIL);
		assert_false(cvm_verdict_accepted(&v));
		cvm_verdict_free(&v);

		/* wrong root */
		o.trust_roots = f->other_roots;
		run(q, len, &o, &pol, &v);
		expect(&v, "tdx.pck_chain", CVM_CHECK_FAIL);
		assert_false(cvm_verdict_accepted(&v));
		cvm_verdict_free(&v);

		/* several roots: the chain may end at any of them */
		const char *both[] = { f->other_root, f->root, NULL };
		o.trust_roots = both;
		run(q, len, &o, &pol, &v);
		expect(&v, "tdx.pck_chain", CVM_CHECK_PASS);
		cvm_verdict_free(&v);

		/* after the certificates expired */
		opts_for(f, &o);
		o.at_time = 2050000000;
		run(q, len, &o, &pol, &v);
		expect(&v, "tdx.pck_chain", CVM_CHECK_FAIL);
		cvm_verdict_free(&v);
		free(q);
	}
}

static void tweak_debug(struct tdx_ts_quote_opts *o)
{
	o->td_attributes |= 1; /* DEBUG */
}

static void tweak_bad_binding(struct tdx_ts_quote_opts *o)
{
	o->bad_qe_binding = true;
}

static void debug_refused_unless_allowed(void **state)
{
	struct fx *f = *state;

	for (uint16_t ver = 4; ver <= 5; ver++) {
		size_t len;
		uint8_t *q = make(f, ver, 3, &len, tweak_debug);
		struct cvm_tdx_verify_opts o;
		struct cvm_policy_tdx pol;
		struct cvm_verdict v;

		opts_for(f, &o);
		cvm_policy_tdx_default(&pol);
		run(q, len, &o, &pol, &v);
		expect(&v, "tdx.quote_signature", CVM_CHECK_PASS);
		expect(&v, "tdx.debug", CVM_CHECK_FAIL);
		assert_false(cvm_verdict_accepted(&v));
		json_object *d;
		assert_true(json_object_object_get_ex(tdx_claims(&v), "debug", &d) && json_object_get_boolean(d));
		cvm_verdict_free(&v);
		pol.allow_debug = true;
		run(q, len, &o, &pol, &v);
		expect(&v, "tdx.debug", CVM_CHECK_PASS);
		assert_true(cvm_verdict_accepted(&v));
		cvm_verdict_free(&v);
		free(q);
	}
}

static void wrong_qe_binding(void **state)
{
	struct fx *f = *state;
	size_t len;
	uint8_t *q = make(f, 4, 2, &len, tweak_bad_binding);
	struct cvm_tdx_verify_opts o;
	struct cvm_policy_tdx pol;
	struct cvm_verdict v;

	opts_for(f, &o);
	cvm_policy_tdx_default(&pol);
	run(q, len, &o, &pol, &v);
	/* the QE report is still signed by the PCK: only the binding fails */
	expect(&v, "tdx.qe_report_signature", CVM_CHECK_PASS);
	expect(&v, "tdx.qe_report_data", CVM_CHECK_FAIL);
	assert_false(cvm_verdict_accepted(&v));
	cvm_verdict_free(&v);
	free(q);
}

/* Flip each byte the attestation key or the PCK key vouches for (header,
 * body, attestation key, QE report, QE auth data, both signatures): every
 * flip must be rejected, either as bad input or by a failed check. */
static void every_signed_byte_flipped(void **state)
{
	struct fx *f = *state;
	static const uint16_t shapes[][2] = { { 4, 2 }, { 5, 3 } };

	for (int s = 0; s < 2; s++) {
		size_t len;
		uint8_t *good = make(f, shapes[s][0], shapes[s][1], &len, NULL);
		uint8_t *q = malloc(len);
		struct tdx_ts_layout l;
		struct cvm_tdx_verify_opts o;
		struct cvm_policy_tdx pol;
		struct cvm_tdx_verifier *vf = NULL;
		cvm_err err = { 0 };
		size_t flips = 0;

		tdx_ts_layout(good, len, &l);
		opts_for(f, &o);
		cvm_policy_tdx_default(&pol);
		assert_int_equal(cvm_tdx_verifier_new(&o, &vf, &err), 0);
		size_t end = l.auth_off + l.auth_len; /* through the QE auth data */
		for (size_t i = 0; i < end; i++) {
			if (i >= l.signed_len && i < l.sig_off)
				continue; /* the sig_size field: a length, checked by parsing */
			if (i >= l.key_off + 64 && i < l.qe_off)
				continue; /* certification data type/size: lengths */
			if (i >= l.qe_sig_off + 64 && i < l.auth_off)
				continue; /* auth data size */
			struct cvm_verdict v;
			memcpy(q, good, len);
			q[i] ^= 0x01;
			cvm_verdict_init(&v);
			int rc = cvm_tdx_verifier_check(vf, q, len, &pol, &v, &err);
			if (rc == 0 && cvm_verdict_accepted(&v)) {
				cvm_verdict_print(&v, stderr, false);
				fail_msg("quote v%u with byte %zu flipped was accepted", shapes[s][0], i);
			}
			cvm_verdict_free(&v);
			flips++;
		}
		assert_true(flips > 1000);
		/* the untouched quote is accepted by the same verifier */
		struct cvm_verdict v;
		cvm_verdict_init(&v);
		assert_int_equal(cvm_tdx_verifier_check(vf, good, len, &pol, &v, &err), 0);
		assert_true(cvm_verdict_accepted(&v));
		cvm_verdict_free(&v);
		/* trailing bytes are not signed: changing them changes nothing */
		memcpy(q, good, len);
		q[len - 1] ^= 0xFF;
		cvm_verdict_init(&v);
		assert_int_equal(cvm_tdx_verifier_check(vf, q, len, &pol, &v, &err), 0);
		assert_true(cvm_verdict_accepted(&v));
		cvm_verdict_free(&v);
		cvm_tdx_verifier_free(vf);
		free(q);
		free(good);
	}
}

static const uint8_t nonce[] = "fresh-nonce-0123456789";

static void tweak_nonce_raw(struct tdx_ts_quote_opts *o)
{
	memcpy(o->report_data, nonce, sizeof(nonce) - 1);
}

static void tweak_nonce_sha512(struct tdx_ts_quote_opts *o)
{
	unsigned int n;
	EVP_Digest(nonce, sizeof(nonce) - 1, o->report_data, &n, EVP_sha512(), NULL);
}

static void nonce_binding(void **state)
{
	struct fx *f = *state;
	size_t len1, len2;
	uint8_t *raw = make(f, 4, 2, &len1, tweak_nonce_raw), *h = make(f, 5, 3, &len2, tweak_nonce_sha512);
	struct cvm_tdx_verify_opts o;
	struct cvm_policy_tdx pol;
	struct cvm_verdict v;

	opts_for(f, &o);
	cvm_policy_tdx_default(&pol);
	o.nonce = nonce;
	o.nonce_len = sizeof(nonce) - 1;
	run(raw, len1, &o, &pol, &v);
	expect(&v, "tdx.report_data", CVM_CHECK_PASS);
	assert_true(cvm_verdict_accepted(&v));
	cvm_verdict_free(&v);
	/* wrong binding mode, wrong nonce */
	run(h, len2, &o, &pol, &v);
	expect(&v, "tdx.report_data", CVM_CHECK_FAIL);
	cvm_verdict_free(&v);
	pol.binding = CVM_NONCE_SHA512;
	run(h, len2, &o, &pol, &v);
	expect(&v, "tdx.report_data", CVM_CHECK_PASS);
	cvm_verdict_free(&v);
	o.nonce_len--;
	run(h, len2, &o, &pol, &v);
	expect(&v, "tdx.report_data", CVM_CHECK_FAIL);
	assert_false(cvm_verdict_accepted(&v));
	cvm_verdict_free(&v);
	/* no nonce: informational, unless the policy requires one */
	o.nonce = NULL;
	run(h, len2, &o, &pol, &v);
	expect(&v, "tdx.report_data", CVM_CHECK_INFO);
	cvm_verdict_free(&v);
	pol.require_nonce = true;
	run(h, len2, &o, &pol, &v);
	expect(&v, "tdx.report_data", CVM_CHECK_ERROR);
	assert_false(cvm_verdict_accepted(&v));
	cvm_verdict_free(&v);
	free(raw);
	free(h);
}

static void crls(void **state)
{
	struct fx *f = *state;
	size_t len;
	uint8_t *q = make(f, 4, 2, &len, NULL);
	char good_pck[128], good_root[128], revoked_pck[128], revoked_ca[128];
	const time_t t0 = 1767225600, t1 = 1798761600; /* 2026-01-01 .. 2027-01-01 */
	struct cvm_tdx_verify_opts o;
	struct cvm_policy_tdx pol;
	struct cvm_verdict v;

	snprintf(good_pck, sizeof(good_pck), "%s/pck_ok.crl", f->dir);
	snprintf(good_root, sizeof(good_root), "%s/root_ok.crl", f->dir);
	snprintf(revoked_pck, sizeof(revoked_pck), "%s/pck_rev.crl", f->dir);
	snprintf(revoked_ca, sizeof(revoked_ca), "%s/root_rev.crl", f->dir);
	assert_int_equal(tdx_ts_write_crl(&f->pki, true, false, t0, t1, good_pck), 0);
	assert_int_equal(tdx_ts_write_crl(&f->pki, false, false, t0, t1, good_root), 0);
	assert_int_equal(tdx_ts_write_crl(&f->pki, true, true, t0, t1, revoked_pck), 0);
	assert_int_equal(tdx_ts_write_crl(&f->pki, false, true, t0, t1, revoked_ca), 0);
	opts_for(f, &o);
	cvm_policy_tdx_default(&pol);

	const char *ok[] = { good_pck, good_root, NULL };
	o.crls = ok;
	run(q, len, &o, &pol, &v);
	expect(&v, "tdx.pck_crl", CVM_CHECK_PASS);
	expect(&v, "tdx.ca_crl", CVM_CHECK_PASS);
	assert_true(cvm_verdict_accepted(&v));
	cvm_verdict_free(&v);

	const char *rev1[] = { revoked_pck, good_root, NULL };
	o.crls = rev1;
	run(q, len, &o, &pol, &v);
	expect(&v, "tdx.pck_crl", CVM_CHECK_FAIL);
	assert_false(cvm_verdict_accepted(&v));
	cvm_verdict_free(&v);

	const char *rev2[] = { revoked_ca, NULL };
	o.crls = rev2;
	run(q, len, &o, &pol, &v);
	expect(&v, "tdx.ca_crl", CVM_CHECK_FAIL);
	cvm_verdict_free(&v);

	/* a PCK chain that does not parse: the CRLs cannot be checked */
	struct tdx_ts_layout l;
	tdx_ts_layout(q, len, &l);
	q[l.pem_off + 28] = '*'; /* first base64 character of the PCK */
	run(q, len, &o, &pol, &v);
	expect(&v, "tdx.pck_chain", CVM_CHECK_FAIL);
	expect(&v, "tdx.crl", CVM_CHECK_ERROR);
	expect(&v, "tdx.qe_report_signature", CVM_CHECK_ERROR);
	assert_false(cvm_verdict_accepted(&v));
	cvm_verdict_free(&v);
	q[l.pem_off + 28] = 'M';

	/* stale CRL */
	o.crls = ok;
	o.at_time = t1 + 86400;
	run(q, len, &o, &pol, &v);
	expect(&v, "tdx.pck_crl", CVM_CHECK_FAIL);
	cvm_verdict_free(&v);

	/* no CRL: informational unless the policy requires one */
	opts_for(f, &o);
	run(q, len, &o, &pol, &v);
	expect(&v, "tdx.crl", CVM_CHECK_INFO);
	cvm_verdict_free(&v);
	pol.require_crl = true;
	run(q, len, &o, &pol, &v);
	expect(&v, "tdx.crl", CVM_CHECK_ERROR);
	assert_false(cvm_verdict_accepted(&v));
	cvm_verdict_free(&v);
	free(q);
}

static void bad_inputs_are_errors(void **state)
{
	struct fx *f = *state;
	uint8_t junk[100] = { 4, 0, 2, 0, 0x81 };
	struct cvm_tdx_verify_opts o;
	struct cvm_policy_tdx pol;
	struct cvm_verdict v;
	cvm_err err = { 0 };

	opts_for(f, &o);
	cvm_policy_tdx_default(&pol);
	cvm_verdict_init(&v);
	assert_int_equal(cvm_tdx_verify(junk, sizeof(junk), &o, &pol, &v, &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
	cvm_verdict_free(&v);
	const char *missing[] = { "/nonexistent/root.pem", NULL };
	o.trust_roots = missing;
	cvm_verdict_init(&v);
	assert_int_equal(cvm_tdx_verify(junk, sizeof(junk), &o, &pol, &v, &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
	assert_non_null(strstr(err.msg, "/nonexistent/root.pem"));
	cvm_verdict_free(&v);
}

static void claims(void **state)
{
	struct fx *f = *state;
	size_t len;
	uint8_t *q = make(f, 5, 3, &len, tweak_debug);
	struct cvm_tdx_verify_opts o;
	struct cvm_policy_tdx pol;
	struct cvm_verdict v;
	json_object *x;

	opts_for(f, &o);
	cvm_policy_tdx_default(&pol);
	run(q, len, &o, &pol, &v);
	assert_true(json_object_object_get_ex(tdx_claims(&v), "mrtd", &x));
	assert_string_equal(json_object_get_string(x), "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
						       "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1");
	assert_true(json_object_object_get_ex(tdx_claims(&v), "fmspc", &x));
	assert_string_equal(json_object_get_string(x), "00a06d080000");
	assert_true(json_object_object_get_ex(tdx_claims(&v), "td_attribute_names", &x));
	assert_int_equal(json_object_array_length(x), 2);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(x, 0)), "debug");
	assert_true(json_object_object_get_ex(tdx_claims(&v), "mrservicetd", &x));
	assert_true(json_object_object_get_ex(tdx_claims(&v), "xfam", &x));
	assert_string_equal(json_object_get_string(x), "0x0000000000061ae7");
	cvm_verdict_free(&v);
	free(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(real_quotes_verify), cmocka_unit_test(real_collateral),
		cmocka_unit_test(all_shapes_accepted), cmocka_unit_test(debug_refused_unless_allowed),
		cmocka_unit_test(wrong_qe_binding),    cmocka_unit_test(every_signed_byte_flipped),
		cmocka_unit_test(nonce_binding),       cmocka_unit_test(crls),
		cmocka_unit_test(bad_inputs_are_errors), cmocka_unit_test(claims),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
