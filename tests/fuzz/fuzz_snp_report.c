/* libFuzzer target: an SNP report or extended report (report + AMD cert
 * table) through the whole verifier: report parsing and lint, cert table
 * and DER certificates, VCEK extension parsing, chain and signature checks,
 * the default policy. Nothing is trusted (no --trust-root), so the chain
 * never passes, but every parser runs on attacker-shaped bytes. */
#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "policy.h"
#include "snp_chain.h"
#include "snp_vcek.h"
#include "snp_verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	STACK_OF(X509) *certs = sk_X509_new_null();
	cvm_err err = {0};
	struct cvm_snp_report r;
	char why[256];

	if (!certs)
		return 0;
	if (size >= CVM_SNP_REPORT_SIZE && cvm_snp_split_extended(data, size, certs, &err) == 0 &&
	    cvm_snp_report_parse(data, CVM_SNP_REPORT_SIZE, &r, &err) == 0) {
		struct cvm_snp_vcek vc;
		struct cvm_policy *pol = cvm_policy_default();
		struct cvm_snp_ctx *ctx = cvm_snp_ctx_new(1735689600);
		struct cvm_verdict v;
		uint8_t nonce[4] = {1, 2, 3, 4};
		struct cvm_snp_input in = {data, CVM_SNP_REPORT_SIZE, certs, nonce, sizeof(nonce), pol};

		(void)cvm_snp_report_lint(&r, why, sizeof(why));
		for (int i = 0; i < sk_X509_num(certs); i++)
			(void)cvm_snp_vcek_parse(sk_X509_value(certs, i), &vc, why, sizeof(why));
		cvm_verdict_init(&v);
		(void)cvm_snp_verify(ctx, &in, &v, &err);
		cvm_verdict_free(&v);
		cvm_snp_ctx_free(ctx);
		cvm_policy_free(pol);
	}
	sk_X509_pop_free(certs, X509_free);
	return 0;
}
