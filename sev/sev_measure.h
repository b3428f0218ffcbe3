/* Expected launch measurements of AMD SEV guests, as a verifier compares
 * them with the SNP report's MEASUREMENT (or the SEV/SEV-ES launch digest).
 * The algorithm is sev-snp-measure's (FORMATS.md §2), VMM type QEMU. */
#ifndef CVM_SEV_MEASURE_H
#define CVM_SEV_MEASURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cvm_err.h"

struct cvm_sev_hashes;

enum cvm_measure_mode {
	CVM_MEASURE_SNP = 0,       /* SNP launch digest, SHA-384 (48 bytes) */
	CVM_MEASURE_SNP_OVMF_HASH, /* the SNP digest after the OVMF pages only (48 bytes) */
	CVM_MEASURE_SEV_ES,        /* SEV-ES launch digest, SHA-256 (32 bytes) */
	CVM_MEASURE_SEV,           /* SEV launch digest, SHA-256 (32 bytes) */
};

#define CVM_MEASURE_MAX_LEN 48

struct cvm_measure_args {
	enum cvm_measure_mode mode;
	const char *ovmf;    /* firmware image path (required) */
	const char *kernel;  /* NULL: no kernel hashes table (no direct boot with kernel-hashes) */
	const char *initrd;  /* NULL: none (hashed as empty) */
	const char *append;  /* NULL: empty command line */
	unsigned vcpus;      /* SNP, SEV-ES */
	uint32_t vcpu_sig;   /* CPUID signature of the guest vCPU type (VMSA RDX) */
	uint64_t guest_features; /* SNP: VMSA SEV_FEATURES; 0x1 for QEMU >= 9.1 on kernel >= 6.10 */
	bool has_ovmf_hash;  /* SNP: start from a precomputed snp:ovmf-hash instead of the pages */
	uint8_t ovmf_hash[48];
};

/* Measure per @a: reads the files, writes the digest into @digest (at least
 * CVM_MEASURE_MAX_LEN bytes) and its length into *len. Bad files or
 * firmware fail with CVM_EXIT_BADINPUT naming the problem. */
int cvm_measure(const struct cvm_measure_args *a, uint8_t *digest, size_t *len, cvm_err *err);

/* Pure core: the same over an image in memory and precomputed hashes
 * (@hashes NULL = no kernel given). @a's file paths are ignored. */
int cvm_measure_image(const struct cvm_measure_args *a, const uint8_t *ovmf, size_t ovmf_len,
		      const struct cvm_sev_hashes *hashes, uint8_t *digest, size_t *len, cvm_err *err);

const char *cvm_measure_mode_name(enum cvm_measure_mode m);
/* "snp", "snp:ovmf-hash", "seves", "sev"; false if unknown. */
bool cvm_measure_mode_parse(const char *s, enum cvm_measure_mode *out);

#endif
