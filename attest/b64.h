/* Base64 (RFC 4648, standard alphabet, padded) through OpenSSL's EVP
 * encoder, for the evidence bundle and the TPM vector. Strict decoding: no
 * whitespace, no missing padding, no bytes after the padding. */
#ifndef CVM_B64_H
#define CVM_B64_H

#include <stddef.h>
#include <stdint.h>

/* Decode @in (length @in_len) into a malloc'd buffer; -1 if not valid
 * base64 or out of memory. An empty input gives a 1-byte buffer and len 0. */
int cvm_b64_decode(const char *in, size_t in_len, uint8_t **out, size_t *out_len);
/* Encode into a malloc'd NUL-terminated string; NULL if out of memory. */
char *cvm_b64_encode(const uint8_t *in, size_t len);

#endif
