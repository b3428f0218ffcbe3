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
 *     }
 *   }
 * Records travel as base64 so the verifier hashes exactly the bytes the
 * launcher extended; every key is required except "snp" and its optional
 * members; unknown keys are errors. */
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
