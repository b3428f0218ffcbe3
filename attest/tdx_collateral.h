/* Intel PCS collateral for TDX (pure: bytes in, values out): TCB info v3
 * ("id":"TDX") and QE identity v2 ("id":"TD_QE"), the exact signed bytes of
 * their "tcbInfo"/"enclaveIdentity" value, and the TCB status computation of
 * Intel's QVL (TcbLevelCheck.cpp, TdxModuleCheck.cpp, TDRelaunchCheck.cpp,
 * EnclaveReportVerifier.cpp; QVL section numbers 4.1.2.4.x). */
#ifndef CVM_TDX_COLLATERAL_H
#define CVM_TDX_COLLATERAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "cvm_err.h"
#include "tdx_pck.h"
#include "tdx_quote.h"

enum cvm_tdx_tcb_status {
	CVM_TDX_TCB_UP_TO_DATE = 0,
	CVM_TDX_TCB_SW_HARDENING_NEEDED,
	CVM_TDX_TCB_CONFIGURATION_NEEDED,
	CVM_TDX_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED,
	CVM_TDX_TCB_OUT_OF_DATE,
	CVM_TDX_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED,
	CVM_TDX_TCB_TD_RELAUNCH_ADVISED,
	CVM_TDX_TCB_TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED,
	CVM_TDX_TCB_REVOKED,
	CVM_TDX_TCB_NOT_SUPPORTED,       /* no TCB level matches this platform */
	CVM_TDX_TCB_MODULE_MISMATCH,     /* no TDX module identity for this module version */
	CVM_TDX_TCB_STATUS_COUNT
};

/* PCS spelling ("UpToDate", "OutOfDate", ...); NotSupported and
 * TdxModuleMismatch are our names for the two non-PCS outcomes. */
const char *cvm_tdx_tcb_status_name(enum cvm_tdx_tcb_status s);
/* Index of @name, -1 if unknown. */
int cvm_tdx_tcb_status_parse(const char *name);

#define CVM_TDX_MAX_LEVELS 64
#define CVM_TDX_MAX_MODULES 8

struct cvm_tdx_tcb_level {
	uint8_t sgx[16];
	uint16_t pcesvn;
	uint8_t tdx[16];
	enum cvm_tdx_tcb_status status;
	char date[32];
	char advisories[256]; /* comma-separated advisoryIDs, may be empty */
};

struct cvm_tdx_isv_level {
	uint16_t isvsvn;
	enum cvm_tdx_tcb_status status;
};

struct cvm_tdx_module_identity {
	char id[16]; /* "TDX_01" */
	uint8_t mrsigner[48];
	uint64_t attributes, attributes_mask; /* bytes in quote order, little-endian */
	struct cvm_tdx_isv_level levels[CVM_TDX_MAX_LEVELS];
	size_t n_levels;
};

struct cvm_tdx_tcb_info {
	int version;
	time_t issue_date, next_update;
	uint8_t fmspc[6];
	uint8_t pceid[2];
	long long tcb_eval_num;
	uint8_t module_mrsigner[48];                 /* "tdxModule" */
	uint64_t module_attributes, module_attributes_mask;
	struct cvm_tdx_module_identity modules[CVM_TDX_MAX_MODULES]; /* "tdxModuleIdentities" */
	size_t n_modules;
	struct cvm_tdx_tcb_level levels[CVM_TDX_MAX_LEVELS]; /* in file order (highest first) */
	size_t n_levels;
};

struct cvm_tdx_qe_identity {
	int version;
	time_t issue_date, next_update;
	long long tcb_eval_num;
	uint8_t miscselect[4], miscselect_mask[4]; /* report byte order */
	uint8_t attributes[16], attributes_mask[16];
	uint8_t mrsigner[32];
	uint16_t isvprodid;
	struct cvm_tdx_isv_level levels[CVM_TDX_MAX_LEVELS];
	size_t n_levels;
};

/* Locate the value of top-level @key (an object) in the JSON text @text
 * exactly as written, and the top-level "signature" (hex r||s). The value's
 * bytes are what Intel signed: never re-serialise. @origin names the file in
 * errors. */
int cvm_tdx_signed_json(const char *text, size_t len, const char *key, const char *origin, const char **body,
			size_t *body_len, uint8_t sig[64], cvm_err *err);

/* Parse the signed value (the bytes from cvm_tdx_signed_json). */
int cvm_tdx_tcb_info_parse(const char *body, size_t len, struct cvm_tdx_tcb_info *out, cvm_err *err);
int cvm_tdx_qe_identity_parse(const char *body, size_t len, struct cvm_tdx_qe_identity *out, cvm_err *err);

/* QE identity (4.1.2.9.5-4.1.2.9.10): masked MISCSELECT and ATTRIBUTES,
 * MRSIGNER and ISVPRODID must match (1, else 0 with @why); *status is the
 * status of the first level with isvsvn <= the QE's. */
int cvm_tdx_qe_identity_match(const struct cvm_tdx_qe_identity *qi, const struct cvm_sgx_report *qe,
			      enum cvm_tdx_tcb_status *status, char *why, size_t whylen);

/* TDX module identity (4.1.2.4.11): MRSIGNERSEAM and masked SEAM_ATTRIBUTES
 * match "tdxModule", or for a module with TEE_TCB_SVN[1] > 0 the
 * "TDX_<version>" entry of "tdxModuleIdentities". 1 = match, else 0. */
int cvm_tdx_module_identity_match(const struct cvm_tdx_tcb_info *ti, const struct cvm_tdx_body *body,
				  uint16_t quote_version, char *why, size_t whylen);

struct cvm_tdx_tcb_eval {
	enum cvm_tdx_tcb_status status;      /* final, converged */
	enum cvm_tdx_tcb_status sgx_status;  /* of the level matching CPUSVN/PCESVN */
	enum cvm_tdx_tcb_status tdx_status;  /* of the level also matching TEE_TCB_SVN */
	enum cvm_tdx_tcb_status module_status;
	int sgx_level, tdx_level;            /* indexes into ti->levels, -1 if none */
	char date[32];
	char advisories[256];
};

/* TCB status (4.1.2.4.17) from the PCK's SGX TCB, the TD report's
 * TEE_TCB_SVN(2) and the QE identity status (@qe_status < 0: no QE identity). */
void cvm_tdx_tcb_evaluate(const struct cvm_tdx_tcb_info *ti, const struct cvm_sgx_pck_ext *pck,
			  const struct cvm_tdx_body *body, uint16_t quote_version, int qe_status,
			  struct cvm_tdx_tcb_eval *out);

#endif
