/* The "tdx" section of the verifier policy (docs/cvm-attest-policy.5) and
 * its evaluation against a parsed quote (pure: no I/O). The struct is
 * self-contained (no heap), so it can sit inside the whole-file policy. */
#ifndef CVM_POLICY_TDX_H
#define CVM_POLICY_TDX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cvm_err.h"
#include "policy.h"
#include "tdx_quote.h"
#include "verdict.h"

struct json_object;

#define CVM_POLICY_TDX_MAX_VALUES 16

/* A set of acceptable 48-byte measurement values; n == 0: not pinned. */
struct cvm_policy_tdx_mr {
	size_t n;
	uint8_t v[CVM_POLICY_TDX_MAX_VALUES][48];
};

struct cvm_policy_tdx {
	struct cvm_policy_tdx_mr mrtd, rtmr[4], mrconfigid, mrowner, mrownerconfig, mrseam;
	bool allow_debug;              /* default false */
	uint64_t attrs_set, attrs_clear; /* TD_ATTRIBUTES bits that must be set / clear */
	bool has_xfam;
	uint64_t xfam;
	bool has_min_tee_tcb_svn;
	uint8_t min_tee_tcb_svn[16];   /* each component must be >= */
	bool has_report_data;
	uint8_t report_data[64];       /* exact REPORTDATA, when no nonce binding is wanted */
	/* From the policy's top-level "require_nonce" and "nonce_binding"
	 * (shared by every evidence kind; not keys of the "tdx" section). */
	bool require_nonce;            /* no --nonce: "could not check" */
	enum cvm_nonce_binding binding; /* policy.h: raw, sha256, sha384, sha512 */
	bool has_tcb_status;           /* explicit: collateral is required */
	unsigned tcb_status_allowed;   /* bit per enum cvm_tdx_tcb_status */
	bool require_crl;
};

/* The built-in default: every signature and chain check (always done), debug
 * not allowed, TCB status UpToDate when collateral is given. */
void cvm_policy_tdx_default(struct cvm_policy_tdx *p);

/* Parse the "tdx" object of a policy file into @out (starting from the
 * default). Unknown keys and bad values are CVM_EXIT_BADINPUT errors naming
 * "tdx.<key>". Does not take ownership of @tdx. */
int cvm_policy_tdx_parse(struct json_object *tdx, struct cvm_policy_tdx *out, cvm_err *err);

/* Is @status (enum cvm_tdx_tcb_status) acceptable? */
bool cvm_policy_tdx_status_ok(const struct cvm_policy_tdx *p, int status);

/* Checks on the TD report: tdx.debug, tdx.td_attributes, tdx.mrtd, tdx.rtmrN,
 * tdx.mrconfigid, tdx.mrowner, tdx.mrownerconfig, tdx.mrseam, tdx.xfam,
 * tdx.tee_tcb_svn, tdx.report_data. @nonce may be NULL. */
void cvm_policy_tdx_evaluate(const struct cvm_policy_tdx *p, const struct cvm_tdx_quote *q, const uint8_t *nonce,
			     size_t nonce_len, struct cvm_verdict *v);

#endif
