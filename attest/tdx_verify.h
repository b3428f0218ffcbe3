/* TDX quote verification (FORMATS.md §4, QVL 4.1.2.4.x): PCK chain to the
 * pinned Intel SGX Root CA, CRLs, QE report signature and data binding,
 * quote signature, collateral (TCB info, QE identity) and TCB status, then
 * the "tdx" policy. Each claim is one named check in the verdict. */
#ifndef CVM_TDX_VERIFY_H
#define CVM_TDX_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "cvm_err.h"
#include "policy_tdx.h"
#include "verdict.h"

struct cvm_tdx_verify_opts {
	/* Folder with PCS collateral: tcbInfo.json, enclaveIdentity.json,
	 * tcbinfo_issuer_chain.pem, qeidentity_issuer_chain.pem, and optional
	 * CRLs pckcrl[.der|.pem], rootcrl[.der|.pem]. NULL: no TCB status. */
	const char *collateral_dir;
	/* Further trust anchors (PEM or DER files), NULL-terminated; may be
	 * NULL. The Intel SGX Root CA, recognised in the presented chains by
	 * its pinned SHA-256 fingerprint, is always trusted as well. */
	const char *const *trust_roots;
	/* Further CRL files (PEM or DER), NULL-terminated; may be NULL. */
	const char *const *crls;
	const uint8_t *nonce; /* copied; NULL: no nonce binding */
	size_t nonce_len;
	bool has_at_time;     /* verify as of at_time instead of now */
	time_t at_time;
};

/* A verifier holds what does not depend on the quote: the trust anchor,
 * CRLs, and the collateral, parsed and verified once. */
struct cvm_tdx_verifier;

/* Load and check everything @opts names. Unreadable or malformed files are
 * errors (CVM_EXIT_BADINPUT); a collateral signature that does not verify is
 * not an error but a failed check in every verdict. */
int cvm_tdx_verifier_new(const struct cvm_tdx_verify_opts *opts, struct cvm_tdx_verifier **out, cvm_err *err);
void cvm_tdx_verifier_free(struct cvm_tdx_verifier *vf);

/* Verify one quote, appending checks to @v and its claims as @v->claims.tdx. Returns 0 when the
 * verdict is complete (accepted or not), -1 with @err when the quote cannot
 * be parsed (CVM_EXIT_BADINPUT). Remembers verified PCK chains and the last
 * attestation key in @vf (so one verifier is not for concurrent use). */
int cvm_tdx_verifier_check(struct cvm_tdx_verifier *vf, const uint8_t *quote, size_t len,
			   const struct cvm_policy_tdx *pol, struct cvm_verdict *v, cvm_err *err);

/* One-shot: new + check + free. */
int cvm_tdx_verify(const uint8_t *quote, size_t len, const struct cvm_tdx_verify_opts *opts,
		   const struct cvm_policy_tdx *pol, struct cvm_verdict *v, cvm_err *err);

#endif
