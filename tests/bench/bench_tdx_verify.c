/* bench_tdx_verify [QUOTE [COLLATERAL_DIR AT_TIME]]: TDX quotes verified per
 * second on one core, in-process, with a warm verifier (trust anchor,
 * collateral and CRLs loaded and checked once). Prints one line per
 * configuration plus the raw P-256 ECDSA verify rate of the same libcrypto
 * for comparison. Without arguments it uses the real v4 quote from
 * $CVM_VECTORS_DIR. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "cvm_fileio.h"
#include "tdx_pck.h"
#include "tdx_verify.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double bench_quotes(struct cvm_tdx_verifier *vf, const uint8_t *q, size_t len, double secs)
{
	struct cvm_policy_tdx pol;
	cvm_err err = { 0 };
	long n = 0;
	double t0 = now(), t;

	cvm_policy_tdx_default(&pol);
	do {
		for (int i = 0; i < 20; i++, n++) {
			struct cvm_verdict v;
			cvm_verdict_init(&v);
			if (cvm_tdx_verifier_check(vf, q, len, &pol, &v, &err) < 0 ||
			    cvm_verdict_result(&v, "tdx.quote_signature") != CVM_CHECK_PASS ||
			    cvm_verdict_result(&v, "tdx.pck_chain") != CVM_CHECK_PASS) {
				cvm_verdict_print(&v, stderr, false);
				fprintf(stderr, "bench: the quote does not verify: %s\n", err.msg);
				exit(1);
			}
			cvm_verdict_free(&v);
		}
		t = now() - t0;
	} while (t < secs);
	return (double)n / t;
}

/* Cold: a fresh verifier per quote, so the PEM chain is parsed and the
 * path verified every time (what a one-shot CLI run does). */
static double bench_cold(const struct cvm_tdx_verify_opts *o, const uint8_t *q, size_t len, double secs)
{
	struct cvm_policy_tdx pol;
	cvm_err err = { 0 };
	long n = 0;
	double t0 = now(), t;

	cvm_policy_tdx_default(&pol);
	do {
		for (int i = 0; i < 5; i++, n++) {
			struct cvm_verdict v;
			cvm_verdict_init(&v);
			if (cvm_tdx_verify(q, len, o, &pol, &v, &err) < 0)
				exit(1);
			cvm_verdict_free(&v);
		}
		t = now() - t0;
	} while (t < secs);
	return (double)n / t;
}

/* ECDSA P-256 verify of a 32-byte message through EVP, like the verifier. */
static double bench_ecdsa(double secs)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	uint8_t msg[632] = { 1 }, sig[80];
	size_t siglen = sizeof(sig);
	long n = 0;
	double t0, t;

	EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k);
	EVP_DigestSign(md, sig, &siglen, msg, sizeof(msg));
	t0 = now();
	do {
		for (int i = 0; i < 50; i++, n++) {
			EVP_MD_CTX_reset(md);
			if (EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, k) != 1 ||
			    EVP_DigestVerify(md, sig, siglen, msg, sizeof(msg)) != 1)
				exit(1);
		}
		t = now() - t0;
	} while (t < secs);
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(k);
	return (double)n / t;
}

int main(int argc, char **argv)
{
	const char *vd = getenv("CVM_VECTORS_DIR");
	char path[4096];
	uint8_t *q = NULL;
	size_t len;
	cvm_err err = { 0 };
	struct cvm_tdx_verify_opts o = { 0 };
	struct cvm_tdx_verifier *vf = NULL;
	double secs = getenv("BENCH_SECONDS") ? atof(getenv("BENCH_SECONDS")) : 3.0;

	if (argc > 1)
		snprintf(path, sizeof(path), "%s", argv[1]);
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
	if (argc > 3) {
		o.collateral_dir = argv[2];
		o.has_at_time = true;
		if (cvm_tdx_parse_time(argv[3], &o.at_time) < 0)
			return 2;
	}
	if (cvm_tdx_verifier_new(&o, &vf, &err) < 0) {
		fprintf(stderr, "bench_tdx_verify: %s\n", err.msg);
		return 1;
	}
	printf("tdx quote verify, warm (%s%s): %.0f quotes/s\n", path, o.collateral_dir ? ", with collateral" : "",
	       bench_quotes(vf, q, len, secs));
	printf("tdx quote verify, cold (new verifier per quote): %.0f quotes/s\n", bench_cold(&o, q, len, secs));
	printf("P-256 ECDSA-SHA256 verify via EVP: %.0f verifies/s\n", bench_ecdsa(secs));
	cvm_tdx_verifier_free(vf);
	free(q);
	return 0;
}
