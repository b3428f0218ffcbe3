/* The host TPM through tpm2-tss ESYS (DESIGN §6): open the TCTI the host
 * config names, extend a PCR with a launch record's digest, read PCRs, and
 * quote them with a nonce under the attestation key (AK).
 *
 * The AK is, by default, a primary key under the endorsement hierarchy made
 * from a fixed template (RSA-2048, restricted signing, RSASSA-SHA256): a TPM
 * derives primaries deterministically from its seed, so every quote on one
 * TPM comes from the same key without any state on disk, and its public key
 * is what verifiers pin. Host config "tpm_ak" may instead name a persistent
 * handle ("0x81010002"), e.g. one made with tpm2_createak + tpm2_evictcontrol;
 * its scheme must be fixed (RSASSA, RSAPSS or ECDSA), since the quote is
 * asked for with the key's own scheme. */
#ifndef CVM_LAUNCHER_TPM_H
#define CVM_LAUNCHER_TPM_H

#include <stddef.h>
#include <stdint.h>

#include "cvm_err.h"
#include "tpm_quote.h"

struct cvm_tpmdev;

/* Open the TPM: @tcti is a tpm2-tss TCTI config string
 * ("swtpm:host=127.0.0.1,port=2321", "device:/dev/tpmrm0"), "" or NULL for
 * the loader's default. Unreachable TPM: -1 with CVM_EXIT_FAILURE and a
 * message starting "no TPM reachable". */
int cvm_tpmdev_open(const char *tcti, struct cvm_tpmdev **out, cvm_err *err);
void cvm_tpmdev_close(struct cvm_tpmdev *t);
static inline void cvm_tpmdev_closep(struct cvm_tpmdev **t)
{
	if (*t)
		cvm_tpmdev_close(*t);
}
#define cvm_autotpmdev __attribute__((cleanup(cvm_tpmdev_closep)))

/* Extend SHA-256 PCR @pcr with @digest. */
int cvm_tpmdev_extend(struct cvm_tpmdev *t, unsigned pcr, const uint8_t digest[32], cvm_err *err);
/* Read SHA-256 PCR @pcr. */
int cvm_tpmdev_read(struct cvm_tpmdev *t, unsigned pcr, uint8_t out[32], cvm_err *err);

struct cvm_tpmdev_quote {
	uint8_t *attest; /* TPMS_ATTEST as signed (malloc'd) */
	size_t attest_len;
	uint8_t *sig; /* marshaled TPMT_SIGNATURE (malloc'd) */
	size_t sig_len;
	struct cvm_tpm_pcrs *pcrs; /* the quoted PCR's value (malloc'd) */
	char *ak_pem;              /* AK public key, PEM (malloc'd) */
};
void cvm_tpmdev_quote_free(struct cvm_tpmdev_quote *q);

/* Quote SHA-256 PCR @pcr with @nonce (at most 64 bytes) using the AK
 * @ak_spec names ("" = the primary AK, "0x81......" = persistent handle).
 * The PCR value is read after the quote and checked against its pcrDigest,
 * so the values handed back are the quoted ones (retried if a concurrent
 * extend slips in between). */
int cvm_tpmdev_quote(struct cvm_tpmdev *t, const char *ak_spec, unsigned pcr, const uint8_t *nonce, size_t nonce_len,
                     struct cvm_tpmdev_quote *out, cvm_err *err);

/* The AK's public key as PEM (malloc'd in *pem) without quoting: what a
 * verifier pins (e.g. the demo writing its policy). */
int cvm_tpmdev_ak_pem(struct cvm_tpmdev *t, const char *ak_spec, char **pem, cvm_err *err);

#endif
