/* PCK chains as verified for one verifier (fixed trust roots and time),
 * remembered by the exact PEM bytes of the quote's certification data: a
 * platform sends the same chain with every quote, and parsing plus path
 * verification costs far more than the two quote signatures. */
#ifndef CVM_TDX_PCK_CACHE_H
#define CVM_TDX_PCK_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/x509.h>

#include "tdx_pck.h"
#include "verdict.h"

struct cvm_tdx_pck_info {
	STACK_OF(X509) *chain;   /* as presented; NULL if the PEM did not parse */
	STACK_OF(X509) *path;    /* verified leaf .. trust anchor; NULL if not verified */
	EVP_PKEY *key;           /* the PCK's public key (borrowed from chain[0]) or NULL */
	bool have_ext;
	struct cvm_sgx_pck_ext ext;
	struct cvm_check checks[2]; /* tdx.pck_chain, and tdx.pck_extensions if it failed */
	size_t n_checks;
	struct cvm_check *crl_checks; /* one per CRL: tdx.pck_crl, tdx.ca_crl or tdx.crl */
	size_t n_crl_checks;
};

struct cvm_tdx_pck_cache;

/* The trust anchors for @chain: the given @roots (--trust-root) plus the
 * pinned Intel SGX Root CA when @chain contains it (found by fingerprint).
 * NULL if none. Free the stack with sk_X509_free (members are borrowed). */
STACK_OF(X509) *cvm_tdx_anchors_for(STACK_OF(X509) *roots, STACK_OF(X509) *chain);

struct cvm_tdx_pck_cache *cvm_tdx_pck_cache_new(void);
void cvm_tdx_pck_cache_free(struct cvm_tdx_pck_cache *c);

/* The verification of @pem (leaf first) against @roots (empty: the pinned
 * Intel SGX Root CA, found in the chain by fingerprint, is always trusted
 * besides them) and @crls at @at,
 * computed on first use (the caller passes the same roots, CRLs and time
 * for the life of the cache). The result stays owned by the cache and valid until the cache
 * is freed. Aborts on out-of-memory. */
const struct cvm_tdx_pck_info *cvm_tdx_pck_lookup(struct cvm_tdx_pck_cache *c, const uint8_t *pem, size_t len,
						  STACK_OF(X509) *roots, STACK_OF(X509_CRL) *crls, time_t at);

#endif
