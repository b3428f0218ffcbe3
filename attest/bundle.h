/* The evidence bundle "cvm-evidence/1" (DESIGN §5, §6): what
 * `cvm-launch evidence` writes and `attest-verify bundle` checks. Pure
 * parse/serialise; verification lives in bundle_verify.c.
 *
 *   {
 *     "format": "cvm-evidence/1",
 *     "tenant": "web1",                 whose launches the records are
 *     "created": "2026-11-26T05:40:00Z",
 *     "nonce": "<hex>",                 the nonce the quote was asked for
 *     "records": ["<base64>", ...],     launch records, exact bytes
 *     "eventlog": [{"seq":1,"pcr":23,"digest":"<hex>","record":"web1/<uuid>"}, ...],
 *     "tpm": {
 *       "quote": "<base64 TPMS_ATTEST>",
 *       "signature": "<base64 TPMT_SIGNATURE>",
 *       "pcrs": {"sha256": {"23": "<hex>"}},
 *       "ak_pem": "-----BEGIN PUBLIC KEY-----\n..."
 *     },
 *     "snp": {                           optional, from the guest
 *       "report": "<base64, 1184 bytes>",
 *       "vcek": "<base64 DER>",          optional (VCEK or VLEK)
 *       "chain": "<PEM ASK/ASVK then ARK>" optional
 *     },
 *     "tdx": {                           optional, from the guest (not with "snp")
 *       "quote": "<base64 TDX quote v4/v5>",
 *       "collateral": {                  optional: Intel PCS collateral
 *         "tcb_info": "<tcbInfo.json text>",
 *         "tcb_info_chain": "<PEM TCB Signing then Root CA>",
 *         "qe_identity": "<enclaveIdentity.json text>",
 *         "qe_identity_chain": "<PEM>",
 *         "pck_crl": "<base64 CRL, DER or PEM>",   optional
 *         "root_crl": "<base64 CRL, DER or PEM>"   optional
 *       }
 *     }
 *   }
 * Records travel as base64 so the verifier hashes exactly the bytes the
 * launcher extended; the collateral documents travel as JSON strings, which
 * keep their exact bytes (PCS signs the bytes of the document's value).
 * Every key is required except "snp", "tdx" and their optional members;
 * unknown keys are errors; a guest is SNP or TDX, never both. */
#ifndef CVM_BUNDLE_H
#define CVM_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "cvm_err.h"
#include "eventlog.h"
#include "tpm_quote.h"

#define CVM_BUNDLE_FORMAT "cvm-evidence/1"
#define CVM_BUNDLE_MAX_RECORDS 256
#define CVM_BUNDLE_MAX_BYTES (16u << 20)

struct cvm_blob {
	uint8_t *data;
	size_t len;
};

struct cvm_bundle {
	char tenant[64];
	char created[40];
	struct cvm_blob nonce;
	struct cvm_blob *records;
	size_t n_records;
	struct cvm_evlog log;
	struct cvm_blob quote, signature;
	struct cvm_tpm_pcrs *pcrs; /* malloc'd */
	char *ak_pem;
	/* optional SNP evidence; data == NULL when absent */
	struct cvm_blob snp_report, snp_vcek;
	char *snp_chain;
	/* optional TDX evidence; tdx_quote.data == NULL when absent. The
	 * collateral texts are all set or all NULL; CRLs are optional. */
	struct cvm_blob tdx_quote;
	char *tdx_tcb_info, *tdx_tcb_info_chain, *tdx_qe_identity, *tdx_qe_identity_chain;
	struct cvm_blob tdx_pck_crl, tdx_root_crl;
};

void cvm_bundle_free(struct cvm_bundle *b);
static inline void cvm_bundle_freep(struct cvm_bundle *b)
{
	cvm_bundle_free(b);
}
#define cvm_autobundle __attribute__((cleanup(cvm_bundle_freep)))

/* Parse a bundle (NUL-terminated @text). Errors: CVM_EXIT_BADINPUT naming
 * the key. @b is always left freeable. */
int cvm_bundle_parse(const char *text, struct cvm_bundle *b, cvm_err *err);
/* Serialise (pretty JSON + '\n'); malloc'd string or NULL with @err. Event
 * log entries naming another tenant than b->tenant are redacted. */
char *cvm_bundle_format(const struct cvm_bundle *b, cvm_err *err);

#endif
