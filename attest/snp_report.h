/* AMD SEV-SNP attestation report (1184 bytes, ABI spec 56860 Table 23):
 * pure parsing, no crypto and no I/O, so unit tests and the fuzzer reach all
 * of it. Offsets follow /work/shared/FORMATS.md §1 (go-sev-guest
 * abi/abi.go ReportToProto, virtee/sev src/firmware/guest/types/snp.rs). */
#ifndef CVM_SNP_REPORT_H
#define CVM_SNP_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cvm_err.h"

#define CVM_SNP_REPORT_SIZE 0x4A0u
#define CVM_SNP_SIGNED_SIZE 0x2A0u /* the signature covers report[0:0x2A0] */

/* Guest POLICY bits (go-sev-guest ParseSnpPolicy, virtee GuestPolicy). */
#define CVM_SNP_POL_SMT (1ull << 16)
#define CVM_SNP_POL_RESERVED1 (1ull << 17) /* must be 1 */
#define CVM_SNP_POL_MIGRATE_MA (1ull << 18)
#define CVM_SNP_POL_DEBUG (1ull << 19)
#define CVM_SNP_POL_SINGLE_SOCKET (1ull << 20)
#define CVM_SNP_POL_CXL_ALLOW (1ull << 21)
#define CVM_SNP_POL_MEM_AES_256_XTS (1ull << 22)
#define CVM_SNP_POL_RAPL_DIS (1ull << 23)
#define CVM_SNP_POL_CIPHERTEXT_HIDING (1ull << 24)
#define CVM_SNP_POL_PAGE_SWAP_DISABLE (1ull << 25)
#define CVM_SNP_POL_MBZ (~0ull << 26)

/* A named guest policy bit, for policy files and reports. */
struct cvm_snp_policy_bit {
	const char *name;
	uint64_t mask;
};
/* NULL-terminated table of the nine named flags (not ABI_MINOR/MAJOR). */
extern const struct cvm_snp_policy_bit cvm_snp_policy_bits[];
/* Mask of one named bit, 0 if the name is unknown. */
uint64_t cvm_snp_policy_bit_by_name(const char *name);
/* "debug,smt" style list of the named bits set in @policy ("none" if none). */
void cvm_snp_policy_bits_str(uint64_t policy, char *out, size_t size);

enum cvm_snp_signer {
	CVM_SNP_SIGNER_VCEK = 0,
	CVM_SNP_SIGNER_VLEK = 1,
	CVM_SNP_SIGNER_NONE = 7,
};

/* The processor generation decides the TCB_VERSION byte layout and which
 * AMD root signs the chain. Siena/Bergamo are GENOA (KDS product line). */
enum cvm_snp_product {
	CVM_SNP_PRODUCT_UNKNOWN = 0,
	CVM_SNP_PRODUCT_MILAN,
	CVM_SNP_PRODUCT_GENOA,
	CVM_SNP_PRODUCT_TURIN,
};
const char *cvm_snp_product_name(enum cvm_snp_product p); /* "Milan", ..., "unknown" */
/* "Milan", "Milan-B0", "SEV-Milan", "SEV-VLEK-Genoa", ... → product. */
enum cvm_snp_product cvm_snp_product_from_name(const char *name);

/* TCB_VERSION decoded by generation. Milan/Genoa: [0] BL [1] TEE [6] SNP
 * [7] UCODE, no FMC. Turin: [0] FMC [1] BL [2] TEE [3] SNP [7] UCODE
 * (virtee from_legacy_bytes/from_turin_bytes). */
struct cvm_snp_tcb {
	uint64_t raw;
	uint8_t fmc, bl, tee, snp, ucode;
	bool has_fmc;
};
void cvm_snp_tcb_decode(uint64_t raw, enum cvm_snp_product product, struct cvm_snp_tcb *out);
/* "bl=3 tee=0 snp=8 ucode=115" (+ "fmc=N" first on Turin). */
void cvm_snp_tcb_str(const struct cvm_snp_tcb *t, char *out, size_t size);
/* Every component of @a is >= the same component of @b. On failure, *which
 * names the first lower component. FMC is compared only when both have it. */
bool cvm_snp_tcb_ge(const struct cvm_snp_tcb *a, const struct cvm_snp_tcb *b, const char **which);
bool cvm_snp_tcb_eq(const struct cvm_snp_tcb *a, const struct cvm_snp_tcb *b, const char **which);

struct cvm_snp_report {
	const uint8_t *raw; /* borrowed: the 1184 bytes the fields were read from */
	uint32_t version;
	uint32_t guest_svn;
	uint64_t policy;
	uint8_t family_id[16], image_id[16];
	uint32_t vmpl;
	uint32_t sig_algo;
	uint64_t current_tcb, platform_info;
	uint32_t signer_info;
	bool author_key_en, mask_chip_key;
	unsigned signing_key; /* enum cvm_snp_signer or a reserved value */
	uint8_t report_data[64], measurement[48], host_data[32];
	uint8_t id_key_digest[48], author_key_digest[48];
	uint8_t report_id[32], report_id_ma[32];
	uint64_t reported_tcb;
	bool has_cpuid; /* v3+ */
	uint8_t cpuid_fam, cpuid_mod, cpuid_step;
	uint8_t chip_id[64];
	uint64_t committed_tcb;
	uint8_t current_build, current_minor, current_major;
	uint8_t committed_build, committed_minor, committed_major;
	uint64_t launch_tcb;
	bool has_mit; /* v5+ */
	uint64_t launch_mit_vector, current_mit_vector;
	uint8_t sig_r[72], sig_s[72]; /* little-endian, as in the report */
	/* Which product the report itself says it ran on, and how sure it is:
	 * from CPUID (v3+), or the Turin-style CHIP_ID heuristic (v2). */
	enum cvm_snp_product product;
	const char *product_source; /* "cpuid", "chip_id", or NULL if unknown */
};

/* Parse exactly CVM_SNP_REPORT_SIZE bytes. Only a wrong length fails (it is
 * bad input, exit 2): field-level problems (unknown version, reserved bits)
 * are reported by cvm_snp_report_lint() so that a tampered report is a
 * *rejection* naming the check rather than a parse error. @r borrows @buf. */
int cvm_snp_report_parse(const uint8_t *buf, size_t len, struct cvm_snp_report *r, cvm_err *err);

/* Format problems of a parsed report: unsupported VERSION (supported: 2, 3,
 * 4 read as 3, 5 and later read as 5), SIGNATURE_ALGO != 1, POLICY bit 17
 * clear or bits 63:26 set, signer bits 31:5 set or a reserved SIGNING_KEY,
 * VMPL > 3, non-zero reserved bytes. Fills @why and returns false on the first
 * problem. */
bool cvm_snp_report_lint(const struct cvm_snp_report *r, char *why, size_t size);

/* Product from a report alone: CPUID family/model on v3+ (virtee
 * identify_cpu, snpguest get_processor_model); on v2 a non-zero CHIP_ID whose
 * bytes 8..63 are zero means Turin; otherwise unknown. */
enum cvm_snp_product cvm_snp_product_from_cpuid(uint8_t fam, uint8_t mod);

/* Extended report (SNP_GET_EXT_REPORT): the report followed by the AMD cert
 * table: 24-byte entries {GUID, u32 offset, u32 length} ended by an all-zero
 * entry; offsets are relative to the start of the table. */
enum cvm_snp_cert_kind {
	CVM_SNP_CERT_UNKNOWN = 0,
	CVM_SNP_CERT_VCEK,
	CVM_SNP_CERT_VLEK,
	CVM_SNP_CERT_ASK, /* ASK or ASVK: the GUID is shared */
	CVM_SNP_CERT_ARK,
};
struct cvm_snp_cert_entry {
	enum cvm_snp_cert_kind kind;
	const uint8_t *der; /* borrowed from the table buffer */
	size_t len;
};
#define CVM_SNP_CERT_TABLE_MAX 16
/* Parse @len bytes of cert table. Entries with an unknown GUID are kept as
 * CVM_SNP_CERT_UNKNOWN. Bad offsets, a missing terminator or too many
 * entries fail with CVM_EXIT_BADINPUT. */
int cvm_snp_cert_table_parse(const uint8_t *buf, size_t len, struct cvm_snp_cert_entry *out, size_t *n, cvm_err *err);

#endif
