/* Intel PCK certificates: the PEM chain in a TDX quote, its SGX extensions
 * (OID 1.2.840.113741.1.13.1), chain and CRL checks against a pinned root,
 * and raw P-256 ECDSA (r||s, X||Y big-endian) as TDX quotes and PCS
 * collateral carry it. */
#ifndef CVM_TDX_PCK_H
#define CVM_TDX_PCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/x509.h>

#include "cvm_err.h"

/* SHA-256 of the DER of Intel's SGX Root CA (go-tdx-guest verify/trusted_root.pem). */
extern const uint8_t cvm_intel_sgx_root_sha256[32];

/* Values of the PCK's SGX extensions (go-tdx-guest pcs/pcs.go OIDs):
 * .1 PPID, .2 TCB {.1-.16 CPUSVN components, .17 PCESVN, .18 CPUSVN},
 * .3 PCE-ID, .4 FMSPC. */
struct cvm_sgx_pck_ext {
	uint8_t ppid[16];
	uint8_t cpusvn[16];    /* the 16 component SVNs */
	uint16_t pcesvn;
	uint8_t pceid[2];
	uint8_t fmspc[6];
};

/* Every certificate in @len bytes of PEM text, in order (leaf first). At
 * least one; anything that is not a certificate is an error. */
int cvm_tdx_pem_chain(const uint8_t *pem, size_t len, STACK_OF(X509) **out, cvm_err *err);
/* Parse the SGX extensions of a PCK certificate (all five must be present). */
int cvm_sgx_pck_ext_parse(X509 *pck, struct cvm_sgx_pck_ext *out, cvm_err *err);

/* The certificate in @chain whose DER SHA-256 is @fp (NULL if none); not
 * owned by the caller. */
X509 *cvm_tdx_find_by_fingerprint(STACK_OF(X509) *chain, const uint8_t fp[32]);
/* Verify chain[0] up to one of @anchors (trusted), the rest of @chain as
 * intermediates, at time @at. 1 = verified, 0 = not (reason in @why). With
 * @path (may be NULL), *path gets the verified path leaf .. anchor (owned). */
int cvm_tdx_chain_verify(STACK_OF(X509) *chain, STACK_OF(X509) *anchors, time_t at, STACK_OF(X509) **path,
			 char *why, size_t whylen);

/* "pinned Intel SGX Root CA" or "given root \"CN\"": the anchor ending a
 * verified @path. Returns @out. */
const char *cvm_tdx_anchor_desc(STACK_OF(X509) *path, char *out, size_t outlen);

/* Check @crl against a verified @path (leaf first, anchor last): the
 * CRL's issuer must be the issuer of one certificate of the chain, its
 * signature must verify with that issuer's key, @at must lie within
 * [thisUpdate, nextUpdate], and the covered certificate must not be listed.
 * 1 = passed, 0 = failed (reason in @why); *covered (may be NULL) gets the
 * index in @path of the certificate it covers, -1 if none. */
int cvm_tdx_crl_check(X509_CRL *crl, STACK_OF(X509) *path, time_t at, int *covered, char *why, size_t whylen);

/* A P-256 public key from raw big-endian X||Y. NULL if not on the curve. */
EVP_PKEY *cvm_tdx_p256_key(const uint8_t xy[64]);
/* ECDSA-SHA256 of @msg with raw big-endian r||s. 1 valid, 0 invalid. */
int cvm_tdx_ecdsa_verify(EVP_PKEY *key, const uint8_t rs[64], const uint8_t *msg, size_t len);

#endif
