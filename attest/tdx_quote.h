/* Intel TDX quote v4/v5 parser (pure: no I/O, no crypto). Layout per
 * FORMATS.md §4, from Intel's DCAP headers (sgx_quote_4.h, sgx_quote_5.h)
 * and go-tdx-guest abi/abi.go. Fields are located by the quote's own length
 * fields; bytes after the signed data (real quotes carry some) are counted,
 * never interpreted. */
#ifndef CVM_TDX_QUOTE_H
#define CVM_TDX_QUOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cvm_err.h"

#define CVM_TDX_HEADER_SIZE 48
#define CVM_TDX_TEE_TYPE_TDX 0x81u
#define CVM_TDX_ATT_KEY_ECDSA_P256 2u
#define CVM_TDX_BODY_TD10 2u /* v5 body type: TDX 1.0 report body */
#define CVM_TDX_BODY_TD15 3u /* v5 body type: TDX 1.5 (adds TEE_TCB_SVN2, MRSERVICETD) */
#define CVM_TDX_BODY10_SIZE 584u
#define CVM_TDX_BODY15_SIZE 648u
#define CVM_TDX_CERT_QE_REPORT 6u /* certification data: QE report + inner data */
#define CVM_TDX_CERT_PCK_CHAIN 5u /* inner: PEM chain PCK -> CA -> root */
#define CVM_SGX_REPORT_SIZE 384u
#define CVM_TDX_MR_SIZE 48u

/* TD_ATTRIBUTES bits the verifier names (TDX module ABI spec; qemu tdx.rst). */
#define CVM_TDX_ATTR_DEBUG (1ull << 0)
#define CVM_TDX_ATTR_SEPT_VE_DISABLE (1ull << 28)
#define CVM_TDX_ATTR_MIGRATABLE (1ull << 29)
#define CVM_TDX_ATTR_PKS (1ull << 30)
#define CVM_TDX_ATTR_KL (1ull << 31)
#define CVM_TDX_ATTR_PERFMON (1ull << 63)

extern const uint8_t cvm_tdx_intel_qe_vendor_id[16];

/* The TD report body, decoded (integers host-endian, digests as bytes). */
struct cvm_tdx_body {
	uint8_t tee_tcb_svn[16];
	uint8_t mrseam[48];
	uint8_t mrsignerseam[48];
	uint64_t seam_attributes;
	uint64_t td_attributes;
	uint64_t xfam;
	uint8_t mrtd[48];
	uint8_t mrconfigid[48];
	uint8_t mrowner[48];
	uint8_t mrownerconfig[48];
	uint8_t rtmr[4][48];
	uint8_t report_data[64];
	bool is_td15;            /* the two fields below are present */
	uint8_t tee_tcb_svn2[16];
	uint8_t mrservicetd[48];
};

/* The SGX report of the Quoting Enclave inside the certification data. */
struct cvm_sgx_report {
	uint8_t cpusvn[16];
	uint32_t miscselect;
	uint8_t attributes[16];
	uint8_t mrenclave[32];
	uint8_t mrsigner[32];
	uint16_t isvprodid;
	uint16_t isvsvn;
	uint8_t report_data[64];
};

/* A parsed quote. Pointers point into the caller's buffer, which must
 * outlive this struct. */
struct cvm_tdx_quote {
	uint16_t version;
	uint16_t att_key_type;
	uint32_t tee_type;
	uint16_t pce_svn;
	uint16_t qe_svn;
	uint8_t qe_vendor_id[16];
	uint16_t body_type; /* v4: CVM_TDX_BODY_TD10 */
	struct cvm_tdx_body body;

	const uint8_t *signed_data; /* header (+ v5 body descriptor) + body */
	size_t signed_len;
	const uint8_t *signature;   /* 64 B r||s, big-endian */
	const uint8_t *att_key;     /* 64 B X||Y, big-endian */
	const uint8_t *qe_report;   /* 384 B, signed by the PCK key */
	struct cvm_sgx_report qe;
	const uint8_t *qe_report_sig; /* 64 B r||s */
	const uint8_t *qe_auth;
	size_t qe_auth_len;
	const uint8_t *pck_chain;   /* PEM text, trailing NULs stripped */
	size_t pck_chain_len;
	size_t trailing;            /* bytes after the signed data */
};

/* Parse @len bytes at @buf. Errors are CVM_EXIT_BADINPUT and name the field
 * and offset. Accepts versions 4 and 5, TDX tee type, ECDSA-P256 keys,
 * certification data type 6 containing type 5. */
int cvm_tdx_quote_parse(const uint8_t *buf, size_t len, struct cvm_tdx_quote *q, cvm_err *err);

/* Names of set TD_ATTRIBUTES bits, comma-separated ("debug,sept_ve_disable");
 * unnamed bits appear as "bitN". Returns @out. */
const char *cvm_tdx_attr_names(uint64_t attrs, char *out, size_t outlen);
/* Bit for a name ("debug", "sept_ve_disable", "migratable", "pks", "kl",
 * "perfmon"), 0 if unknown. */
uint64_t cvm_tdx_attr_bit(const char *name);

#endif
