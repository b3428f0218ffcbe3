/* TPM 2.0 quote verification: each claim checked on its own and named in
 * the verdict (tpm2_checkquote's checks, with the padding chosen by sigAlg
 * instead of guessed). Pure: inputs are bytes and parsed values. */
#ifndef CVM_TPM_VERIFY_H
#define CVM_TPM_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <tss2/tss2_tpm2_types.h>

#include "cvm_err.h"
#include "tpm_quote.h"
#include "verdict.h"

struct cvm_tpm_quote_in {
	const uint8_t *attest; /* TPMS_ATTEST as signed */
	size_t attest_len;
	const uint8_t *sig; /* TPMT_SIGNATURE */
	size_t sig_len;
	/* PCR values; NULL = PCR file given as plain values, to be read
	 * against the quote's own selection from @pcr_file (below). */
	const struct cvm_tpm_pcrs *pcrs;
	const uint8_t *pcr_file;
	size_t pcr_file_len;
	enum cvm_tpm_pcrs_format pcr_format;
	EVP_PKEY *ak;
	/* The AK's fingerprint (cvm_tpm_ak_fingerprint) if the caller has it:
	 * encoding a key through OpenSSL 3's encoders costs more than the
	 * whole quote check, so verifiers of many quotes compute it once. */
	const char *ak_sha256;
	/* extraData must equal this exactly; NULL means "no nonce": the quote
	 * must then carry none (tpm2_checkquote without -q). */
	const uint8_t *nonce;
	size_t nonce_len;
};

/* Checks, in order: tpm.signature, tpm.magic, tpm.type, tpm.nonce,
 * tpm.pcr_selection, tpm.pcr_digest; claims under "tpm" (clock info,
 * firmware, signer, nonce, selected PCR values, AK fingerprint). Returns -1
 * only for input that cannot be evaluated at all (the TPMS_ATTEST,
 * TPMT_SIGNATURE or PCR file does not parse: CVM_EXIT_BADINPUT);
 * otherwise 0, and the verdict says accepted or rejected. @attest_out and
 * @pcrs_out (both optional) receive the parsed quote and PCR values for
 * callers that check more (the bundle's event-log replay). */
int cvm_tpm_quote_verify(const struct cvm_tpm_quote_in *in, struct cvm_verdict *v, TPMS_ATTEST *attest_out,
                         struct cvm_tpm_pcrs *pcrs_out, cvm_err *err);

#endif
