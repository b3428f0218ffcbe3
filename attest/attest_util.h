/* Small helpers shared by the verifiers and attest-verify: time stamps and
 * certificate/CRL loading. Loading from a buffer is pure; the *_file
 * variants read the file first. */
#ifndef CVM_ATTEST_UTIL_H
#define CVM_ATTEST_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/x509.h>

#include "cvm_err.h"

/* ISO 8601 UTC or with offset: "2024-05-01", "2024-05-01T12:00:00Z",
 * "2024-05-01T12:00:00+02:00", "2024-05-01 12:00:00Z" (fractional seconds
 * are ignored). Returns -1 if @s is not one of these or is out of range. */
int cvm_attest_parse_time(const char *s, time_t *out);
/* "2024-05-01T12:00:00Z" */
void cvm_attest_format_time(time_t t, char out[32]);

/* Append every certificate in @buf (one DER certificate, or any number of
 * PEM certificates) to @stack. @origin names the input in errors; an input
 * with no certificate is an error (CVM_EXIT_BADINPUT). */
int cvm_x509_load_buf(const uint8_t *buf, size_t len, const char *origin, STACK_OF(X509) * stack, cvm_err *err);
int cvm_x509_load_file(const char *path, STACK_OF(X509) * stack, cvm_err *err);
/* One CRL, DER or PEM. *out is owned by the caller. */
int cvm_x509_crl_load_buf(const uint8_t *buf, size_t len, const char *origin, X509_CRL **out, cvm_err *err);
int cvm_x509_crl_load_file(const char *path, X509_CRL **out, cvm_err *err);

/* The commonName of a name, "" if none (NUL-terminated, truncated). */
void cvm_x509_cn(const X509_NAME *name, char *out, size_t size);
/* SHA-256 of a certificate's DER encoding. */
int cvm_x509_sha256(X509 *x, uint8_t out[32]);

#endif
