/* The TDX quote inside a cvm-evidence/1 bundle, checked by the TDX verifier
 * (tdx_verify.h) with the collateral the bundle carries. This is what an
 * attest-verify bundle TDX hook calls; bundle_verify.c does not depend on
 * it. */
#ifndef CVM_BUNDLE_TDX_H
#define CVM_BUNDLE_TDX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "bundle.h"
#include "cvm_err.h"
#include "policy_tdx.h"
#include "verdict.h"

struct cvm_bundle_tdx_opts {
	const struct cvm_policy_tdx *policy; /* with require_nonce/binding set */
	const char *const *trust_roots;      /* further anchors (files), NULL-terminated; may be NULL */
	const uint8_t *nonce;                /* NULL: no nonce binding */
	size_t nonce_len;
	bool has_at_time;
	time_t at_time;
};

/* Verify b->tdx_quote into @v. The verifier reads PCS collateral from a
 * folder, so the bundle's collateral is written to a private temporary
 * folder (mode 0700 under $TMPDIR or /tmp) for the call and removed after.
 * Returns -1 with @err on bad input (the quote does not parse, a collateral
 * document or CRL is malformed) or when the folder cannot be written. */
int cvm_bundle_tdx_verify(const struct cvm_bundle *b, const struct cvm_bundle_tdx_opts *o, struct cvm_verdict *v,
                          cvm_err *err);

#endif
