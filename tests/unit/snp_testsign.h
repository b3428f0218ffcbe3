/* A throwaway AMD SEV-SNP PKI and report signer for tests: ARK/ASK (or
 * ASVK) RSA-4096 with RSASSA-PSS/SHA-384 signatures, a VCEK/VLEK (P-384) with
 * the AMD extensions KDS puts in real ones (structVersion, productName, the
 * SPLs as INTEGERs, raw hwID bytes, CSP_ID for a VLEK), CRLs, and signed
 * reports v2/v3/v5 in the Milan/Genoa or Turin TCB layout.
 *
 * Self-contained on purpose (OpenSSL only, no project library): unit tests,
 * fuzz seed generators and helper programs include snp_testsign.c directly.
 * Everything here is for tests: keys are generated per process and never
 * stored. */
#ifndef SNP_TESTSIGN_H
#define SNP_TESTSIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#define SNP_TS_REPORT_SIZE 0x4A0

enum snp_ts_product { SNP_TS_MILAN = 1, SNP_TS_GENOA, SNP_TS_TURIN };

/* The keys: generating RSA-4096 takes seconds, so a test makes one world
 * and derives every chain (any product, VCEK or VLEK) from it. */
struct snp_ts_world {
	EVP_PKEY *ark_key, *ask_key; /* RSA-4096 */
	EVP_PKEY *leaf_key;          /* P-384 */
	EVP_PKEY *other_leaf_key;    /* P-384, for "signed by someone else" */
};
int snp_ts_world_init(struct snp_ts_world *w);
void snp_ts_world_free(struct snp_ts_world *w);

struct snp_ts_params {
	enum snp_ts_product product;
	bool vlek;
	int fmc, bl, tee, snp, ucode; /* TCB; fmc is used on Turin only */
	time_t not_before, not_after; /* validity of every certificate */
	long leaf_serial;
	const char *product_name; /* VCEK productName; NULL: "Milan-B0", "Genoa-B1", "Turin" */
};
/* Defaults: VCEK, fmc 1 (Turin), bl 3, tee 0, snp 8, ucode 115, valid
 * 2023-01-01 .. 2030-01-01. */
void snp_ts_params_default(struct snp_ts_params *p, enum snp_ts_product product);

struct snp_ts_chain {
	X509 *ark, *ask, *leaf;
};
/* A chain for @p signed with @w's keys. Returns 0 or -1. */
int snp_ts_chain_make(const struct snp_ts_world *w, const struct snp_ts_params *p, struct snp_ts_chain *out);
void snp_ts_chain_free(struct snp_ts_chain *c);
/* The certs as a new STACK_OF(X509) (up-referenced; caller frees with
 * sk_X509_pop_free(.., X509_free)). */
STACK_OF(X509) * snp_ts_chain_stack(const struct snp_ts_chain *c);

/* The CHIP_ID the test VCEK's hwID carries (64 bytes; Turin uses 8). */
void snp_ts_chip_id(enum snp_ts_product product, uint8_t out[64]);
/* TCB_VERSION in the layout of @product. */
uint64_t snp_ts_tcb(enum snp_ts_product product, int fmc, int bl, int tee, int snp, int ucode);

/* A well-formed unsigned report: @version (2, 3 or 5), the TCB of @p in
 * every TCB field, policy 0x30000, VMPL 0, CHIP_ID = snp_ts_chip_id(),
 * CPUID of @p's product on v3+. Sign it afterwards. */
void snp_ts_report_init(uint8_t rep[SNP_TS_REPORT_SIZE], uint32_t version, const struct snp_ts_params *p);
/* ECDSA P-384/SHA-384 over rep[0:0x2A0], R and S little-endian. */
int snp_ts_report_sign(uint8_t rep[SNP_TS_REPORT_SIZE], EVP_PKEY *key);
void snp_ts_put64(uint8_t *p, uint64_t v);
void snp_ts_put32(uint8_t *p, uint32_t v);

/* A CRL by @issuer listing @revoked (may be NULL), valid [last, next]. */
X509_CRL *snp_ts_crl(X509 *issuer, EVP_PKEY *issuer_key, X509 *revoked, time_t last, time_t next);

/* SHA-256 fingerprint (lower-case hex, 65 bytes). */
void snp_ts_fingerprint(X509 *x, char out[65]);
/* Write DER / PEM files (tests and helper programs). */
int snp_ts_write_der(const char *path, X509 *x);
int snp_ts_write_pem(const char *path, X509 *const *certs, size_t n);
int snp_ts_write_crl(const char *path, X509_CRL *crl);
int snp_ts_write_file(const char *path, const void *data, size_t len);

#endif
