/* TPM public areas (TPM2B_PUBLIC / TPMT_PUBLIC, what tpm2_createak -u and
 * TPM2_CreatePrimary return) as OpenSSL keys, pure. */
#ifndef CVM_TPM_PUBKEY_H
#define CVM_TPM_PUBKEY_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <tss2/tss2_tpm2_types.h>

#include "cvm_err.h"

/* RSA (exponent 0 = 65537) or ECC (NIST P-256/384/521) public area to a
 * key. BADINPUT for other types or curves. */
int cvm_tpm_public_to_pkey(const TPMT_PUBLIC *pub, EVP_PKEY **out, cvm_err *err);
/* A marshaled TPM2B_PUBLIC (tpm2-tools "tss" format), exactly @len bytes. */
int cvm_tpm_public_load(const uint8_t *buf, size_t len, EVP_PKEY **out, cvm_err *err);
/* The key as a PEM SubjectPublicKeyInfo, malloc'd NUL-terminated. */
char *cvm_tpm_pkey_pem(EVP_PKEY *key);

#endif
