/* bench_tdx_verify [SECONDS] [QUOTE [COLLATERAL_DIR AT_TIME]]: TDX quotes
 * verified per CPU second on one core, in-process. Rates use CPU time (user +
 * sys, like `openssl speed`), so neighbours on a shared machine do not
 * distort them.
 *   raw:  the two P-256 verifications a quote needs (quote signature by the
 *         attestation key, QE report signature by the PCK key), nothing else
 *   cold: a new verifier per quote: PEM chain parsed and verified each time
 *   warm: one verifier for all quotes: the PCK chain (and CRL results) and the
 *         attestation key are cached; each quote costs the two signatures,
 *         the QE binding hash, the policy checks and the verdict
 * Without QUOTE, the real v4 quote from $CVM_VECTORS_DIR at 2026-03-01. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "attest_util.h"
#include "cvm_fileio.h"
#include "tdx_pck.h"
#include "tdx_quote.h"
#include "tdx_verify.h"

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void one(struct cvm_tdx_verifier *vf, const struct cvm_tdx_verify_opts *o, const uint8_t *q, size_t len)
{
	struct cvm_policy_tdx pol;
	struct cvm_verdict v;
	cvm_err err = { 0 };
	int rc;

	cvm_policy_tdx_default(&pol);
	cvm_verdict_init(&v);
	rc = vf ? cvm_tdx_verifier_check(vf, q, len, &pol, &v, &err) : cvm_tdx_verify(q, len, o, &pol, &v, &err);
	if (rc < 0 || cvm_verdict_result(&v, "tdx.quote_signature") != CVM_CHECK_PASS ||
	    cvm_verdict_result(&v, "tdx.pck_chain") != CVM_CHECK_PASS) {
		cvm_verdict_print(&v, stderr, false);
		fprintf(stderr, "bench_tdx_verify: the quote does not verify: %s\n", err.msg);
		exit(1);
	}
	cvm_verdict_free(&v);
}

static double rate(const char *what, double secs, struct cvm_tdx_verifier *vf, const struct cvm_tdx_verify_opts *o,
		   const uint8_t *q, size_t len)
{
	long n = 0;
	double t0 = cpu_now(), t;

	do {
		for (int i = 0; i < 10; i++, n++)
			one(vf, o, q, len);
		t = cpu_now() - t0;
	} while (t < secs);
	printf("%-6s %10.1f quotes/s per CPU second  (%ld quotes)\n", what, (double)n / t, n);
	return (double)n / t;
}

static void raw(double secs, const uint8_t *q, size_t len)
{
	struct cvm_tdx_quote pq;
	STACK_OF(X509) *chain = NULL;
	cvm_err err = { 0 };
	long n = 0;
	double t0, t;

	if (cvm_tdx_quote_parse(q, len, &pq, &err) < 0 || cvm_tdx_pem_chain(pq.pck_chain, pq.pck_chain_len, &chain, &err) < 0)
		exit(1);
	EVP_PKEY *ak = cvm_tdx_p256_key(pq.att_key), *pck = X509_get0_pubkey(sk_X509_value(chain, 0));
	t0 = cpu_now();
	do {
		for (int i = 0; i < 20; i++, n++)
			if (!cvm_tdx_ecdsa_verify(ak, pq.signature, pq.signed_data, pq.signed_len) ||
			    !cvm_tdx_ecdsa_verify(pck, pq.qe_report_sig, pq.qe_report, CVM_SGX_REPORT_SIZE))
				exit(1);
		t = cpu_now() - t0;
	} while (t < secs);
	printf("%-6s %10.1f quotes/s per CPU second  (2 x P-256 verify each)\n", "raw", (double)n / t);
	EVP_PKEY_free(ak);
	sk_X509_pop_free(chain, X509_free);
}

int main(int argc, char **argv)
{
	const char *vd = getenv("CVM_VECTORS_DIR");
	double secs = argc > 1 ? atof(argv[1]) : 3.0;
	char path[4096];
	uint8_t *q = NULL;
	size_t len;
	cvm_err err = { 0 };
	struct cvm_tdx_verify_opts o = { .has_at_time = true, .at_time = 1772323200 /* 2026-03-01 */ };
	struct cvm_tdx_verifier *vf = NULL;

	if (argc > 2)
		snprintf(path, sizeof(path), "%s", argv[2]);
	else if (vd)
		snprintf(path, sizeof(path), "%s/tdx/v4-collateral/quote.dat", vd);
	else {
		fprintf(stderr, "bench_tdx_verify: give a quote or set CVM_VECTORS_DIR\n");
		return 77;
	}
	if (cvm_read_file(path, 1 << 20, &q, &len, &err) < 0) {
		fprintf(stderr, "bench_tdx_verify: %s\n", err.msg);
		return 77;
	}
	if (argc > 4) {
		o.collateral_dir = argv[3];
		if (cvm_attest_parse_time(argv[4], &o.at_time) < 0)
			return 2;
	}
	if (cvm_tdx_verifier_new(&o, &vf, &err) < 0) {
		fprintf(stderr, "bench_tdx_verify: %s\n", err.msg);
		return 1;
	}
	printf("quote %s%s\n", path, o.collateral_dir ? " with collateral" : "");
	raw(secs, q, len);
	rate("cold", secs, NULL, &o, q, len);
	rate("warm", secs, vf, &o, q, len);
	cvm_tdx_verifier_free(vf);
	free(q);
	return 0;
}
