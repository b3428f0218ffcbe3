/* SNP verification throughput on one core, in one process:
 *   raw      EVP_DigestVerify ECDSA P-384/SHA-384 of one report: the
 *            physical limit per report (compare `openssl speed ecdsap384`)
 *   cold     a fresh verifier context per report (chain checked each time)
 *   warm     one context: the chain is cached, each report costs one ECDSA
 *            verification plus parsing, policy and the verdict
 * Uses the real Milan vector when ${CVM_VECTORS_DIR} has it, else evidence
 * signed by the test signer. Rates are per second of this process's CPU
 * time, as `openssl speed` counts, so that other load on the machine does
 * not skew the comparison. Usage: bench_snp [SECONDS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "snp_testsign.c"

#include "attest_util.h"
#include "cvm_cleanup.h"
#include "cvm_fileio.h"
#include "policy.h"
#include "snp_chain.h"
#include "snp_verify.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct bench {
	uint8_t rep[SNP_TS_REPORT_SIZE];
	STACK_OF(X509) * certs;
	X509 *extra_root; /* test ARK, or NULL for a real AMD chain */
	EVP_PKEY *leaf_key;
	time_t at;
	struct cvm_policy *pol;
};

static int verify_one(struct cvm_snp_ctx *ctx, struct bench *b)
{
	struct cvm_verdict v;
	cvm_err err = {0};
	struct cvm_snp_input in = {b->rep, SNP_TS_REPORT_SIZE, b->certs, NULL, 0, b->pol};
	int ok;

	cvm_verdict_init(&v);
	ok = cvm_snp_verify(ctx, &in, &v, &err) == 0 && cvm_verdict_accepted(&v);
	cvm_verdict_free(&v);
	return ok;
}

static struct cvm_snp_ctx *new_ctx(struct bench *b)
{
	struct cvm_snp_ctx *ctx = cvm_snp_ctx_new(b->at);
	cvm_err err = {0};

	if (b->extra_root && cvm_snp_ctx_add_root(ctx, b->extra_root, &err) < 0)
		abort();
	return ctx;
}

static double run(const char *what, struct bench *b, double secs, int mode)
{
	struct cvm_snp_ctx *ctx = new_ctx(b);
	double t0 = now(), t;
	long n = 0;

	do {
		for (int i = 0; i < 16; i++, n++) {
			if (mode == 0) {
				if (!cvm_snp_signature_ok(b->leaf_key, b->rep))
					abort();
			} else if (mode == 1) {
				struct cvm_snp_ctx *c = new_ctx(b);
				if (!verify_one(c, b))
					abort();
				cvm_snp_ctx_free(c);
			} else if (!verify_one(ctx, b)) {
				abort();
			}
		}
		t = now() - t0;
	} while (t < secs);
	cvm_snp_ctx_free(ctx);
	printf("%-6s %10.1f reports/s  (%ld in %.2f CPU s)\n", what, (double)n / t, n, t);
	return (double)n / t;
}

static int load_vector(struct bench *b, const char *vdir)
{
	char p[4096];
	cvm_autofree uint8_t *buf = NULL;
	size_t len = 0;
	cvm_err err = {0};

	snprintf(p, sizeof(p), "%s/snp/milan-v2/report.bin", vdir);
	if (cvm_read_file(p, 4096, &buf, &len, &err) < 0 || len != SNP_TS_REPORT_SIZE)
		return -1;
	memcpy(b->rep, buf, len);
	snprintf(p, sizeof(p), "%s/snp/milan-v2/vcek.der", vdir);
	if (cvm_x509_load_file(p, b->certs, &err) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/snp/milan-v2/ask_ark.pem", vdir);
	if (cvm_x509_load_file(p, b->certs, &err) < 0)
		return -1;
	b->leaf_key = X509_get0_pubkey(sk_X509_value(b->certs, 0));
	EVP_PKEY_up_ref(b->leaf_key);
	b->at = 1735689600;
	return 0;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 3.0;
	const char *vdir = getenv("CVM_VECTORS_DIR");
	struct bench b = {0};
	struct snp_ts_world w = {0};
	struct snp_ts_chain c = {0};

	b.certs = sk_X509_new_null();
	b.pol = cvm_policy_default();
	if (vdir && load_vector(&b, vdir) == 0) {
		printf("evidence: real Milan v2 report and KDS chain (%s/snp/milan-v2)\n", vdir);
	} else {
		struct snp_ts_params p;
		sk_X509_pop_free(b.certs, X509_free);
		if (snp_ts_world_init(&w) < 0)
			return 1;
		snp_ts_params_default(&p, SNP_TS_MILAN);
		if (snp_ts_chain_make(&w, &p, &c) < 0)
			return 1;
		snp_ts_report_init(b.rep, 3, &p);
		snp_ts_report_sign(b.rep, w.leaf_key);
		b.certs = snp_ts_chain_stack(&c);
		b.extra_root = c.ark;
		b.leaf_key = w.leaf_key;
		EVP_PKEY_up_ref(b.leaf_key);
		b.at = 1735689600;
		printf("evidence: self-signed Milan v3 report (test signer)\n");
	}
	double raw = run("raw", &b, secs, 0);
	run("cold", &b, secs, 1);
	double warm = run("warm", &b, secs, 2);
	printf("warm/raw %.1f%%\n", 100.0 * warm / raw);
	EVP_PKEY_free(b.leaf_key);
	sk_X509_pop_free(b.certs, X509_free);
	cvm_policy_free(b.pol);
	snp_ts_chain_free(&c);
	snp_ts_world_free(&w);
	return 0;
}
