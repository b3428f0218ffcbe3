/* SNP verification against real public evidence in ${CVM_VECTORS_DIR}/snp
 * (see ../shared/vectors/README.md). Skips (77) with a reason where the
 * vectors are absent. Validity is checked at fixed times, since the
 * certificates and CRLs age. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "attest_util.h"
#include "cvm_cleanup.h"
#include "cvm_fileio.h"
#include "policy.h"
#include "snp_chain.h"
#include "snp_report.h"
#include "snp_vcek.h"
#include "snp_verify.h"

static char vdir[1024];

static void path(char *out, size_t size, const char *rel)
{
	snprintf(out, size, "%s/snp/%s", vdir, rel);
}

/* Verify @report with the certificate files (relative to snp/), the policy
 * text (NULL: default) at @when; returns the verdict (caller frees). */
static void verify_nonce(struct cvm_verdict *v, const char *report, const char *const *certs, const char *policy,
                         const char *when, const uint8_t *nonce, size_t nonce_len)
{
	char p[4200];
	cvm_autofree uint8_t *buf = NULL;
	size_t len = 0;
	cvm_err err = {0};
	time_t t;
	struct cvm_policy *pol = NULL;
	STACK_OF(X509) *stack = sk_X509_new_null();

	assert_int_equal(cvm_attest_parse_time(when, &t), 0);
	path(p, sizeof(p), report);
	assert_int_equal(cvm_read_file(p, 1 << 20, &buf, &len, &err), 0);
	for (size_t i = 0; certs[i]; i++) {
		path(p, sizeof(p), certs[i]);
		assert_int_equal(cvm_x509_load_file(p, stack, &err), 0);
	}
	if (policy)
		assert_int_equal(cvm_policy_parse(policy, "test", &pol, &err), 0);
	else
		pol = cvm_policy_default();
	struct cvm_snp_ctx *ctx = cvm_snp_ctx_new(t);
	struct cvm_snp_input in = {buf, len, stack, nonce, nonce_len, pol};
	cvm_verdict_init(v);
	assert_int_equal(cvm_snp_verify(ctx, &in, v, &err), 0);
	cvm_snp_ctx_free(ctx);
	cvm_policy_free(pol);
	sk_X509_pop_free(stack, X509_free);
}

static void verify(struct cvm_verdict *v, const char *report, const char *const *certs, const char *policy,
                   const char *when)
{
	verify_nonce(v, report, certs, policy, when, NULL, 0);
}

static void show(const struct cvm_verdict *v)
{
	for (size_t i = 0; i < v->n; i++)
		print_message("  %d %s: %s\n", v->checks[i].result, v->checks[i].name, v->checks[i].detail);
}

static void test_milan_v2_verifies(void **state)
{
	struct cvm_verdict v;
	const char *certs[] = {"milan-v2/vcek.der", "milan-v2/ask_ark.pem", NULL};

	verify(&v, "milan-v2/report.bin", certs, NULL, "2025-01-01T00:00:00Z");
	if (!cvm_verdict_accepted(&v))
		show(&v);
	assert_true(cvm_verdict_accepted(&v));
	assert_int_equal(cvm_verdict_result(&v, "snp.chain.root"), CVM_CHECK_PASS);
	assert_int_equal(cvm_verdict_result(&v, "snp.signature"), CVM_CHECK_PASS);
	assert_int_equal(cvm_verdict_result(&v, "snp.hwid"), CVM_CHECK_PASS);
	/* What the default policy left open is said, not silently passed. */
	assert_int_equal(cvm_verdict_result(&v, "snp.measurement"), CVM_CHECK_INFO);
	assert_int_equal(cvm_verdict_result(&v, "snp.host_data"), CVM_CHECK_INFO);
	cvm_verdict_free(&v);
	/* The VCEK was not yet valid in 2022. */
	verify(&v, "milan-v2/report.bin", certs, NULL, "2022-01-01");
	assert_false(cvm_verdict_accepted(&v));
	assert_int_equal(cvm_verdict_result(&v, "snp.chain"), CVM_CHECK_FAIL);
	cvm_verdict_free(&v);
}

static void test_debug_rejected(void **state)
{
	struct cvm_verdict v;
	const char *certs[] = {"milan-v2-debug/vcek.der", "milan-v2-debug/ask_ark.pem", NULL};
	uint8_t nonce[5];

	verify(&v, "milan-v2-debug/report.bin", certs, NULL, "2025-01-01");
	assert_false(cvm_verdict_accepted(&v));
	assert_int_equal(cvm_verdict_result(&v, "snp.signature"), CVM_CHECK_PASS);
	assert_int_equal(cvm_verdict_result(&v, "snp.chain"), CVM_CHECK_PASS);
	assert_int_equal(cvm_verdict_result(&v, "snp.guest_policy"), CVM_CHECK_FAIL);
	cvm_verdict_free(&v);
	/* A policy that allows debug accepts it. */
	verify(&v, "milan-v2-debug/report.bin", certs, "{\"snp\": {\"allowed_policy_flags\": [\"debug\", \"smt\"]}}",
	       "2025-01-01");
	if (!cvm_verdict_accepted(&v))
		show(&v);
	assert_true(cvm_verdict_accepted(&v));
	cvm_verdict_free(&v);
	/* its report_data is the raw nonce 01 02 03 04 05, zero-padded */
	for (int i = 0; i < 5; i++)
		nonce[i] = (uint8_t)(i + 1);
	verify_nonce(&v, "milan-v2-debug/report.bin", certs,
	             "{\"snp\": {\"allowed_policy_flags\": [\"debug\", \"smt\"]}}", "2025-01-01", nonce, 5);
	assert_int_equal(cvm_verdict_result(&v, "snp.report_data"), CVM_CHECK_PASS);
	assert_true(cvm_verdict_accepted(&v));
	cvm_verdict_free(&v);
	nonce[4] ^= 1;
	verify_nonce(&v, "milan-v2-debug/report.bin", certs,
	             "{\"snp\": {\"allowed_policy_flags\": [\"debug\", \"smt\"]}}", "2025-01-01", nonce, 5);
	assert_int_equal(cvm_verdict_result(&v, "snp.report_data"), CVM_CHECK_FAIL);
	cvm_verdict_free(&v);
}

static void test_tcb_lag_verifies(void **state)
{
	struct cvm_verdict v;
	const char *certs[] = {"milan-v2-tcb-lag/vcek.der", "roots/milan_vcek_ask_ark.pem", NULL};

	verify(&v, "milan-v2-tcb-lag/report.bin", certs, NULL, "2025-01-01");
	if (!cvm_verdict_accepted(&v))
		show(&v);
	assert_true(cvm_verdict_accepted(&v));
	assert_int_equal(cvm_verdict_result(&v, "snp.tcb.reported"), CVM_CHECK_PASS);
	cvm_verdict_free(&v);
	/* A minimum TCB above REPORTED (ucode 0x73) but below CURRENT (0xce)
	 * is a rejection: the VCEK vouches for REPORTED only. */
	verify(&v, "milan-v2-tcb-lag/report.bin", certs, "{\"snp\": {\"minimum_tcb\": {\"ucode\": 200}}}",
	       "2025-01-01");
	assert_false(cvm_verdict_accepted(&v));
	assert_int_equal(cvm_verdict_result(&v, "snp.tcb.minimum"), CVM_CHECK_FAIL);
	cvm_verdict_free(&v);
}

static void test_invalid_vceks_fail_chain(void **state)
{
	const char *names[] = {"invalid-vcek/test-vcek-invalid-legacy.der", "invalid-vcek/test-vcek-invalid-new.der"};

	for (size_t i = 0; i < 2; i++) {
		struct cvm_verdict v;
		const char *certs[] = {names[i], "roots/milan_vcek_ask_ark.pem", NULL};
		verify(&v, "milan-v2-tcb-lag/report.bin", certs, NULL, "2025-01-01");
		assert_false(cvm_verdict_accepted(&v));
		assert_int_equal(cvm_verdict_result(&v, "snp.chain"), CVM_CHECK_FAIL);
		cvm_verdict_free(&v);
	}
}

/* The Turin VCEK: fmcSPL present, hwID 8 raw bytes, chain to ARK-Turin. */
static void test_turin_vcek(void **state)
{
	char p[4200];
	cvm_err err = {0};
	STACK_OF(X509) *stack = sk_X509_new_null();
	struct cvm_snp_vcek vc;
	char why[256];

	path(p, sizeof(p), "turin-vcek/vcek.der");
	assert_int_equal(cvm_x509_load_file(p, stack, &err), 0);
	path(p, sizeof(p), "turin-vcek/ask_ark.pem");
	assert_int_equal(cvm_x509_load_file(p, stack, &err), 0);
	assert_int_equal(cvm_snp_vcek_parse(sk_X509_value(stack, 0), &vc, why, sizeof(why)), 0);
	assert_int_equal(vc.product, CVM_SNP_PRODUCT_TURIN);
	assert_int_equal(vc.hwid_len, 8);
	assert_true(vc.fmc >= 0);

	struct cvm_snp_chain_certs cc;
	struct cvm_verdict v;
	time_t t;
	cvm_snp_chain_pick(stack, CVM_SNP_SIGNER_VCEK, &cc);
	assert_non_null(cc.leaf);
	assert_non_null(cc.ask);
	assert_non_null(cc.ark);
	assert_int_equal(cvm_attest_parse_time("2025-06-01", &t), 0);
	struct cvm_snp_ctx *ctx = cvm_snp_ctx_new(t);
	cvm_verdict_init(&v);
	const struct cvm_snp_chain_result *res = cvm_snp_chain_check(ctx, &cc, CVM_SNP_SIGNER_VCEK, &v);
	if (!res->ok)
		show(&v);
	assert_true(res->ok);
	assert_int_equal(res->product, CVM_SNP_PRODUCT_TURIN);
	assert_int_equal(cvm_verdict_result(&v, "snp.chain.root"), CVM_CHECK_PASS);
	cvm_verdict_free(&v);
	cvm_snp_ctx_free(ctx);
	sk_X509_pop_free(stack, X509_free);
}

/* Every KDS bundle in roots/ chains to the pinned ARK of its product. */
static void test_pinned_roots(void **state)
{
	static const char *const files[] = {"milan_vcek_ask_ark.pem",  "genoa_vcek_ask_ark.pem",
	                                    "turin_vcek_ask_ark.pem",  "milan_vlek_asvk_ark.pem",
	                                    "genoa_vlek_asvk_ark.pem", "turin_vlek_asvk_ark.pem"};
	for (size_t i = 0; i < 6; i++) {
		char p[4200], rel[128];
		cvm_err err = {0};
		STACK_OF(X509) *stack = sk_X509_new_null();
		uint8_t fp[32];
		bool found = false;

		snprintf(rel, sizeof(rel), "roots/%s", files[i]);
		path(p, sizeof(p), rel);
		assert_int_equal(cvm_x509_load_file(p, stack, &err), 0);
		assert_int_equal(sk_X509_num(stack), 2);
		assert_int_equal(cvm_x509_sha256(sk_X509_value(stack, 1), fp), 0);
		for (size_t j = 0; j < cvm_snp_builtin_roots_n; j++)
			if (memcmp(cvm_snp_builtin_roots[j].sha256, fp, 32) == 0) {
				found = true;
				assert_int_equal(cvm_snp_builtin_roots[j].product, (enum cvm_snp_product)(i % 3 + 1));
			}
		assert_true(found);
		sk_X509_pop_free(stack, X509_free);
	}
}

int main(void)
{
	const char *env = getenv("CVM_VECTORS_DIR");
	char probe[4200];

	snprintf(vdir, sizeof(vdir), "%s", env ? env : "");
	snprintf(probe, sizeof(probe), "%s/snp/milan-v2/report.bin", vdir);
	if (!env || access(probe, R_OK) != 0) {
		printf("SKIP: SNP vectors not found (CVM_VECTORS_DIR=%s, need %s)\n", env ? env : "unset", probe);
		return 77;
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_milan_v2_verifies), cmocka_unit_test(test_debug_rejected),
	    cmocka_unit_test(test_tcb_lag_verifies),  cmocka_unit_test(test_invalid_vceks_fail_chain),
	    cmocka_unit_test(test_turin_vcek),        cmocka_unit_test(test_pinned_roots),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
