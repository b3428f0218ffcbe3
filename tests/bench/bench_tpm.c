/* TPM evidence figures (docs/benchmarks.md): quotes verified per CPU second
 * in-process (RSASSA-2048, ECDSA P-256) against the raw signature
 * verification they contain; and, with a TPM (CVM_BENCH_TCTI, e.g. swtpm),
 * the wall-clock cost of recording a launch (PCR read + extend + atomic log
 * append) and of producing a bundle (quote with the primary AK).
 *   bench_tpm [SECONDS]   */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <tss2/tss2_mu.h>

#include "cvm_fileio.h"
#include "evidence.h"
#include "hostcfg.h"
#include "tpm_quote.h"
#include "tpm_verify.h"

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct quote {
	uint8_t attest[1024], sig[1024], raw[600];
	size_t alen, slen, rawlen;
	struct cvm_tpm_pcrs *pcrs;
	EVP_PKEY *key;
	uint8_t nonce[32];
};

/* A quote over 4 SHA-256 PCRs signed here the way a TPM signs it. */
static void make_quote(struct quote *q, const char *type)
{
	TPMS_ATTEST a = {0};
	TPMT_SIGNATURE s = {0};
	uint8_t md[64], val[32];
	unsigned mdlen;
	size_t off = 0;
	char why[64];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	q->pcrs = calloc(1, sizeof(*q->pcrs));
	for (unsigned i = 0; i < 4; i++) {
		memset(val, (int)i + 1, sizeof(val));
		cvm_tpm_pcrs_add(q->pcrs, TPM2_ALG_SHA256, i == 3 ? 23 : i, val, 32);
	}
	q->key = strcmp(type, "ec") == 0 ? EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")
	                                 : EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	memset(q->nonce, 0x5a, sizeof(q->nonce));
	a.magic = TPM2_GENERATED_VALUE;
	a.type = TPM2_ST_ATTEST_QUOTE;
	a.extraData.size = sizeof(q->nonce);
	memcpy(a.extraData.buffer, q->nonce, sizeof(q->nonce));
	a.attested.quote.pcrSelect = q->pcrs->sel;
	cvm_tpm_pcr_digest(q->pcrs, &q->pcrs->sel, TPM2_ALG_SHA256, md, &mdlen, why, sizeof(why));
	a.attested.quote.pcrDigest.size = (UINT16)mdlen;
	memcpy(a.attested.quote.pcrDigest.buffer, md, mdlen);
	Tss2_MU_TPMS_ATTEST_Marshal(&a, q->attest, sizeof(q->attest), &off);
	q->alen = off;
	q->rawlen = sizeof(q->raw);
	EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, q->key);
	EVP_DigestSign(ctx, q->raw, &q->rawlen, q->attest, q->alen);
	EVP_MD_CTX_free(ctx);
	if (strcmp(type, "ec") == 0) {
		const uint8_t *p = q->raw;
		ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)q->rawlen);
		s.sigAlg = TPM2_ALG_ECDSA;
		s.signature.ecdsa.hash = TPM2_ALG_SHA256;
		s.signature.ecdsa.signatureR.size =
		    (UINT16)BN_bn2binpad(ECDSA_SIG_get0_r(es), s.signature.ecdsa.signatureR.buffer, 32);
		s.signature.ecdsa.signatureS.size =
		    (UINT16)BN_bn2binpad(ECDSA_SIG_get0_s(es), s.signature.ecdsa.signatureS.buffer, 32);
		ECDSA_SIG_free(es);
	} else {
		s.sigAlg = TPM2_ALG_RSASSA;
		s.signature.rsassa.hash = TPM2_ALG_SHA256;
		s.signature.rsassa.sig.size = (UINT16)q->rawlen;
		memcpy(s.signature.rsassa.sig.buffer, q->raw, q->rawlen);
	}
	off = 0;
	Tss2_MU_TPMT_SIGNATURE_Marshal(&s, q->sig, sizeof(q->sig), &off);
	q->slen = off;
}

static void bench_verify(const char *label, const char *type, bool cold, double secs)
{
	struct quote q;
	double t0, t, raw_rate;
	long n = 0, raw = 0;

	char fp[65];

	make_quote(&q, type);
	cvm_tpm_ak_fingerprint(q.key, fp);
	t0 = cpu_now();
	do {
		EVP_MD_CTX *ctx = EVP_MD_CTX_new();
		EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, q.key);
		if (EVP_DigestVerify(ctx, q.raw, q.rawlen, q.attest, q.alen) != 1)
			abort();
		EVP_MD_CTX_free(ctx);
		raw++;
	} while ((t = cpu_now() - t0) < secs);
	raw_rate = (double)raw / t;
	printf("%-34s %10.0f /CPU-s\n", "raw signature verify", raw_rate);
	t0 = cpu_now();
	do {
		struct cvm_verdict v;
		cvm_err err = {0};
		struct cvm_tpm_quote_in in = {.attest = q.attest,
		                              .attest_len = q.alen,
		                              .sig = q.sig,
		                              .sig_len = q.slen,
		                              .pcrs = q.pcrs,
		                              .ak = q.key,
		                              .ak_sha256 = cold ? NULL : fp,
		                              .nonce = q.nonce,
		                              .nonce_len = 32};
		cvm_verdict_init(&v);
		if (cvm_tpm_quote_verify(&in, &v, NULL, NULL, &err) < 0 || !cvm_verdict_accepted(&v))
			abort();
		cvm_verdict_free(&v);
		n++;
	} while ((t = cpu_now() - t0) < secs);
	printf("%-34s %10.0f /CPU-s  (%.0f %% of raw)\n", label, (double)n / t, 100.0 * ((double)n / t) / raw_rate);
	EVP_PKEY_free(q.key);
	free(q.pcrs);
}

/* Recording and bundling against a real TPM, wall clock (the TPM is the
 * bottleneck, not our CPU). */
static void bench_tpm(const char *tcti, int rounds)
{
	struct cvm_hostcfg cfg;
	char dir[] = "/tmp/cvm-bench-tpm.XXXXXX", rec[256], out[256], text[512];
	uint8_t nonce[32] = {1};
	cvm_err err = {0};
	double t0, rec_ms = 0, bun_ms = 0;

	if (!mkdtemp(dir))
		return;
	cvm_hostcfg_defaults(&cfg);
	snprintf(cfg.state_dir, sizeof(cfg.state_dir), "%s", dir);
	snprintf(cfg.tpm_tcti, sizeof(cfg.tpm_tcti), "%s", tcti);
	snprintf(rec, sizeof(rec), "%s/rec.json", dir);
	snprintf(out, sizeof(out), "%s/bundle.json", dir);
	for (int i = 0; i < rounds; i++) {
		snprintf(text, sizeof(text),
		         "{\"format\":\"cvm-launch-record/"
		         "1\",\"tenant\":\"bench\",\"uuid\":\"%08d-0000-0000-0000-000000000000\"}",
		         i);
		cvm_write_atomic(rec, text, strlen(text), 0600, &err);
		t0 = wall_now();
		if (cvm_evidence_record_launch(&cfg, rec, &err) != 0) {
			fprintf(stderr, "record: %s\n", err.msg);
			return;
		}
		rec_ms += (wall_now() - t0) * 1000;
		t0 = wall_now();
		if (cvm_evidence_bundle(&cfg, "bench", nonce, sizeof(nonce), out, &err) != 0) {
			fprintf(stderr, "bundle: %s\n", err.msg);
			return;
		}
		bun_ms += (wall_now() - t0) * 1000;
	}
	printf("%-34s %10.1f ms (mean of %d, wall clock)\n", "record a launch (TPM)", rec_ms / rounds, rounds);
	printf("%-34s %10.1f ms (mean of %d, wall clock)\n", "evidence bundle (TPM quote)", bun_ms / rounds, rounds);
	snprintf(text, sizeof(text), "rm -rf %s", dir);
	if (system(text) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 2.0;
	const char *tcti = getenv("CVM_BENCH_TCTI");

	setenv("TSS2_LOG", "all+none", 0);
	bench_verify("quote verify RSASSA-2048, warm", "rsa", false, secs);
	bench_verify("quote verify RSASSA-2048, cold", "rsa", true, secs);
	bench_verify("quote verify ECDSA P-256, warm", "ec", false, secs);
	bench_verify("quote verify ECDSA P-256, cold", "ec", true, secs);
	if (tcti && *tcti)
		bench_tpm(tcti, 20);
	else
		printf("(set CVM_BENCH_TCTI to time launch recording and quoting against a TPM)\n");
	return 0;
}
