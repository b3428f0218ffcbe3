/* The AMD certificate chain of an SNP report: VCEK/VLEK ← ASK/ASVK ← ARK,
 * every signature RSASSA-PSS/SHA-384, the ARK one of the pinned AMD roots
 * (or a root the caller pins), validity at a chosen time, CRLs when given.
 * (go-sev-guest verify/verify.go validateKDSCertificateProductNonspecific,
 * validateRootX509, verifyCRL.)
 *
 * A verifier context caches each chain it has checked, keyed by the three
 * certificates, so verifying many reports from one host costs one ECDSA
 * verification each (the chain result and the parsed VCEK are reused).
 * A context is not thread-safe: use one per thread. */
#ifndef CVM_SNP_CHAIN_H
#define CVM_SNP_CHAIN_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "cvm_err.h"
#include "snp_report.h"
#include "snp_vcek.h"
#include "verdict.h"

/* Built-in AMD roots: SHA-256 of the ARK DER (documented in
 * attest/roots/README.md, checked against the KDS cert_chain files). */
struct cvm_snp_root {
	enum cvm_snp_product product; /* UNKNOWN: a caller-pinned root, any product */
	uint8_t sha256[32];
	const char *label;
};
extern const struct cvm_snp_root cvm_snp_builtin_roots[];
extern const size_t cvm_snp_builtin_roots_n;

struct cvm_snp_ctx;

/* A context trusting the built-in roots, verifying validity at @at_time.
 * Owned by the caller (cvm_snp_ctx_free). */
struct cvm_snp_ctx *cvm_snp_ctx_new(time_t at_time);
void cvm_snp_ctx_free(struct cvm_snp_ctx *c);
/* Pin another root (e.g. a test ARK): its fingerprint is trusted for any
 * product. Does not take ownership of @ark. */
int cvm_snp_ctx_add_root(struct cvm_snp_ctx *c, X509 *ark, cvm_err *err);
/* Add a CRL (issued by an ARK for ASKs, or by an ASK for VCEKs); the context
 * takes a reference. */
int cvm_snp_ctx_add_crl(struct cvm_snp_ctx *c, X509_CRL *crl, cvm_err *err);
time_t cvm_snp_ctx_time(const struct cvm_snp_ctx *c);

/* The certificates of one report, sorted out of whatever the caller had
 * (--certs files, an extended report's table). Borrowed pointers. */
struct cvm_snp_chain_certs {
	X509 *leaf, *ask, *ark;
};
/* Pick the leaf matching @signer (CN SEV-VCEK or SEV-VLEK), its issuer and
 * the issuer's (self-issued) issuer from @all. Missing ones stay NULL. */
void cvm_snp_chain_pick(STACK_OF(X509) * all, enum cvm_snp_signer signer, struct cvm_snp_chain_certs *out);

/* The outcome of a chain check, owned by the context (valid until it is
 * freed). The checks are added to a verdict by cvm_snp_chain_check(). */
struct cvm_snp_chain_result {
	bool ok;            /* chain, root and CRL checks passed */
	EVP_PKEY *leaf_key; /* the VCEK/VLEK public key, NULL if unusable */
	bool vcek_ok;       /* extensions parsed into .vcek */
	struct cvm_snp_vcek vcek;
	enum cvm_snp_product product; /* from the ASK name / VCEK productName */
};

/* Check the chain (or find it in the cache) and append its checks to @v:
 * snp.chain.root, snp.chain, snp.crl, snp.vcek.extensions. Returns the
 * result, never NULL (a failed chain still says why in @v). */
const struct cvm_snp_chain_result *cvm_snp_chain_check(struct cvm_snp_ctx *c, const struct cvm_snp_chain_certs *cc,
                                                       enum cvm_snp_signer signer, struct cvm_verdict *v);

#endif
