/* Test kit: TDX quotes and PCS collateral signed with throwaway keys.
 * A root CA -> "Intel SGX PCK Platform CA" -> "Intel SGX PCK Certificate"
 * (with SGX extensions: FMSPC, PCE-ID, CPUSVN components, PCESVN), a "TCB
 * Signing" certificate for collateral, an attestation key, and a QE report
 * signed by the PCK key whose REPORTDATA binds the attestation key.
 * Self-contained (OpenSSL only, no project library) like snp_testsign.c:
 * unit tests, helpers and benchmarks #include "tdx_testsign.c" directly.
 * Keys are generated per process and never stored. */
#ifndef TDX_TESTSIGN_H
#define TDX_TESTSIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

struct tdx_ts_platform {
	uint8_t fmspc[6];
	uint8_t pceid[2];
	uint8_t cpusvn[16];
	uint16_t pcesvn;
	time_t not_before, not_after; /* of every certificate */
};

struct tdx_ts_pki {
	EVP_PKEY *root_key, *ca_key, *pck_key, *tcb_key, *att_key;
	X509 *root, *ca, *pck, *tcb_signer;
	struct tdx_ts_platform plat;
};

/* Fresh keys and certificates. 0 on success. */
int tdx_ts_pki_new(struct tdx_ts_pki *pki, const struct tdx_ts_platform *plat);
void tdx_ts_pki_free(struct tdx_ts_pki *pki);
/* Sensible defaults: FMSPC 00A06D080000, PCE-ID 0000, CPUSVN 02020707040100020...,
 * PCESVN 11, valid 2024-01-01 .. 2034-01-01. */
void tdx_ts_platform_default(struct tdx_ts_platform *plat);

struct tdx_ts_quote_opts {
	uint16_t version;   /* 4 or 5 */
	uint16_t body_type; /* v5: 2 or 3 */
	uint64_t td_attributes;
	uint64_t xfam;
	uint8_t tee_tcb_svn[16];
	uint8_t tee_tcb_svn2[16];
	uint8_t mrtd[48];
	uint8_t rtmr[4][48];
	uint8_t mrconfigid[48], mrowner[48];
	uint8_t report_data[64];
	uint16_t qe_isvsvn;
	size_t trailing;       /* junk bytes after the signed data */
	bool bad_qe_binding;   /* QE REPORTDATA not SHA-256(att key || auth) */
	bool no_nul;           /* do not NUL-terminate the PEM chain */
};

void tdx_ts_quote_opts_default(struct tdx_ts_quote_opts *o, uint16_t version, uint16_t body_type);
/* A signed quote (malloc'd, *len bytes). */
uint8_t *tdx_ts_quote(const struct tdx_ts_pki *pki, const struct tdx_ts_quote_opts *o, size_t *len);
/* Offsets of the regions of a quote made by tdx_ts_quote: [0, signed_len)
 * is signed by the attestation key, [qe_off, qe_off + 384) by the PCK key. */
struct tdx_ts_layout {
	size_t signed_len, sig_off, key_off, qe_off, qe_sig_off, auth_off, auth_len, pem_off, pem_len;
};
void tdx_ts_layout(const uint8_t *quote, size_t len, struct tdx_ts_layout *l);

struct tdx_ts_level {
	uint8_t sgx[16];
	uint16_t pcesvn;
	uint8_t tdx[16];
	const char *status;
};

struct tdx_ts_coll_opts {
	time_t issue, next;
	const struct tdx_ts_level *levels;
	size_t n_levels;
	uint8_t fmspc[6];           /* of the TCB info */
	uint8_t module_version;     /* adds "TDX_<v>" to tdxModuleIdentities if > 0 */
	uint16_t module_isvsvn;     /* its single level: isvsvn >= this is UpToDate */
	uint16_t qe_isvsvn;         /* TD_QE level: isvsvn >= this is UpToDate */
	uint16_t qe_isvprodid;
	bool tamper_tcb_info;       /* change a byte after signing */
	bool pretty;                /* write with extra whitespace inside the signed value */
	bool ca_signs;              /* sign with the PCK CA instead of the TCB Signing key */
};

void tdx_ts_coll_opts_default(struct tdx_ts_coll_opts *o, const struct tdx_ts_pki *pki);
/* Write tcbInfo.json, enclaveIdentity.json, *_issuer_chain.pem and root.pem
 * into @dir (which must exist). 0 on success. */
int tdx_ts_write_collateral(const struct tdx_ts_pki *pki, const struct tdx_ts_coll_opts *o, const char *dir);
/* Write the throwaway root as PEM to @path. */
int tdx_ts_write_root(const struct tdx_ts_pki *pki, const char *path);
/* A DER CRL by the PCK CA (pck_ca true) or the root, valid [this, next],
 * listing the PCK (resp. the CA) when @revoke. */
int tdx_ts_write_crl(const struct tdx_ts_pki *pki, bool pck_ca, bool revoke, time_t this_update, time_t next_update,
		     const char *path);

#endif
