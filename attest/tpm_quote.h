/* TPM 2.0 quote evidence, pure: unmarshal TPMS_ATTEST and TPMT_SIGNATURE
 * with tpm2-tss MU, read PCR values in the tpm2-tools file formats, compute
 * the quote's PCR digest, and verify the signature with the padding/scheme
 * its sigAlg names. No file or TPM access here (that is the CLI's and the
 * launcher's job), so unit tests and fuzzers reach all of it. */
#ifndef CVM_TPM_QUOTE_H
#define CVM_TPM_QUOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <tss2/tss2_tpm2_types.h>

#include "cvm_err.h"

/* Every (bank, index) a TPML_PCR_SELECTION can name. */
#define CVM_TPM_PCRS_MAX (TPM2_NUM_PCR_BANKS * TPM2_MAX_PCRS)

/* PCR file formats of tpm2_quote -o / tpm2_pcrread -o (tpm2-tools 5.x):
 * SERIALIZED is the in-memory TPML_PCR_SELECTION, a UINT32 count and that
 * many TPML_DIGEST structs (host byte order, C struct padding) — what
 * tpm2_quote writes by default; MARSHALED is the same sequence in TPM wire
 * format (Tss2_MU); VALUES is the bare digests in selection order and needs
 * the selection from elsewhere (the quote's own pcrSelect). AUTO tries
 * serialized, then marshaled, then values; each must consume the whole file. */
enum cvm_tpm_pcrs_format {
	CVM_TPM_PCRS_AUTO = 0,
	CVM_TPM_PCRS_SERIALIZED,
	CVM_TPM_PCRS_MARSHALED,
	CVM_TPM_PCRS_VALUES,
};

struct cvm_tpm_pcr {
	TPMI_ALG_HASH alg;
	uint8_t index;
	uint8_t size;
	uint8_t value[64];
};

/* PCR values plus the selection they were read with. Large (~36 KiB):
 * allocate it, do not put it on the stack. */
struct cvm_tpm_pcrs {
	TPML_PCR_SELECTION sel;
	size_t n;
	struct cvm_tpm_pcr v[CVM_TPM_PCRS_MAX];
};

/* Unmarshal exactly @len bytes (trailing bytes are an error). Errors are
 * CVM_EXIT_BADINPUT naming the structure and the offset. */
int cvm_tpm_attest_unmarshal(const uint8_t *buf, size_t len, TPMS_ATTEST *out, cvm_err *err);
int cvm_tpm_sig_unmarshal(const uint8_t *buf, size_t len, TPMT_SIGNATURE *out, cvm_err *err);

/* Parse a PCR file. @values_sel is the selection VALUES files are read
 * against (may be NULL: then VALUES is not possible). */
int cvm_tpm_pcrs_parse(const uint8_t *buf, size_t len, enum cvm_tpm_pcrs_format fmt,
                       const TPML_PCR_SELECTION *values_sel, struct cvm_tpm_pcrs *out, cvm_err *err);
/* Add one value (and its bit in ->sel); -1 on a bad bank, index, size or
 * duplicate. Banks are added to ->sel in first-seen order. */
int cvm_tpm_pcrs_add(struct cvm_tpm_pcrs *p, TPMI_ALG_HASH alg, unsigned index, const uint8_t *val, size_t len);
const struct cvm_tpm_pcr *cvm_tpm_pcrs_find(const struct cvm_tpm_pcrs *p, TPMI_ALG_HASH alg, unsigned index);

/* The digest a TPM puts in pcrDigest: @alg over the selected values, banks
 * in @sel order, indexes ascending. -1 (reason in @why) if a value is
 * missing or @alg is unknown. */
int cvm_tpm_pcr_digest(const struct cvm_tpm_pcrs *p, const TPML_PCR_SELECTION *sel, TPMI_ALG_HASH alg,
                       uint8_t out[EVP_MAX_MD_SIZE], unsigned *out_len, char *why, size_t why_len);
/* Same banks in the same order and the same PCRs in each (bitmaps compared
 * with zero extension, so sizeofSelect 3 and 4 with equal bits agree). */
bool cvm_tpm_selection_equal(const TPML_PCR_SELECTION *a, const TPML_PCR_SELECTION *b);
/* "sha256:0,16,23+sha1:7" into @buf (truncated with "..." if too small). */
void cvm_tpm_selection_format(const TPML_PCR_SELECTION *sel, char *buf, size_t len);

/* Hash algorithms: OpenSSL digest (NULL if unsupported), digest size
 * (0 if unknown), names ("sha256"), and back (TPM2_ALG_ERROR if unknown). */
const EVP_MD *cvm_tpm_hash_md(TPMI_ALG_HASH alg);
size_t cvm_tpm_hash_size(TPMI_ALG_HASH alg);
const char *cvm_tpm_alg_name(TPM2_ALG_ID alg);
TPM2_ALG_ID cvm_tpm_hash_from_name(const char *name);

/* Verify @sig over @msg with @ak. The scheme comes from sig->sigAlg:
 * RSASSA (PKCS#1 v1.5), RSAPSS (any salt length, as TPMs differ) or ECDSA;
 * the AK's key type must fit the scheme. The hash must be SHA-256, -384 or
 * -512 (SHA-1 quotes are refused). 0 = valid; -1 = invalid, with the reason
 * in @why. */
int cvm_tpm_sig_verify(EVP_PKEY *ak, const TPMT_SIGNATURE *sig, const uint8_t *msg, size_t msg_len, char *why,
                       size_t why_len);

/* Load an AK public key: PEM or DER SubjectPublicKeyInfo. RSA keys must be
 * ≥ 2048 bits; EC keys P-256, P-384 or P-521. BADINPUT otherwise. */
int cvm_tpm_ak_load(const uint8_t *buf, size_t len, EVP_PKEY **out, cvm_err *err);
/* The size/curve rules of cvm_tpm_ak_load for a key from elsewhere. */
int cvm_tpm_ak_check(EVP_PKEY *k, cvm_err *err);
/* SHA-256 of the DER SubjectPublicKeyInfo, lower-case hex: the AK's
 * fingerprint in policies ("trusted_ak_sha256"). */
int cvm_tpm_ak_fingerprint(EVP_PKEY *ak, char out[65]);

#endif
