/* OVMF firmware image: the footer GUID table and the SEV metadata that say
 * which guest pages the launch measurement covers (FORMATS.md §2).
 * Pure parsing over a caller-owned buffer: no I/O, fuzzed. */
#ifndef CVM_SEV_OVMF_H
#define CVM_SEV_OVMF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cvm_err.h"

/* SEV metadata section types (OvmfPkg/ResetVector SEV metadata). */
enum cvm_ovmf_section_type {
	CVM_OVMF_SEC_MEM = 1,
	CVM_OVMF_SECRETS = 2,
	CVM_OVMF_CPUID = 3,
	CVM_OVMF_SVSM_CAA = 4,
	CVM_OVMF_KERNEL_HASHES = 0x10,
};

struct cvm_ovmf_section {
	uint32_t gpa, size, type;
};

/* Far more than any edk2 build has (7 in 2024); a bound keeps the parser's
 * output fixed-size. */
#define CVM_OVMF_MAX_SECTIONS 64

struct cvm_ovmf {
	const uint8_t *data; /* borrowed: the whole image */
	size_t len;
	uint64_t gpa;        /* where the image ends at 4 GiB: 4 GiB - len */
	bool has_reset_eip;
	uint32_t reset_eip;  /* SEV-ES reset block: the APs' start address */
	bool has_hashes_table;
	uint32_t hashes_table_gpa;
	bool has_metadata;
	size_t n_sections;
	struct cvm_ovmf_section sections[CVM_OVMF_MAX_SECTIONS];
};

/* Parse @data (borrowed; must outlive @out). A bad footer table or metadata
 * fails with CVM_EXIT_BADINPUT naming what is wrong. An image without a SEV
 * metadata GUID parses (has_metadata false): SEV/SEV-ES do not need it. */
int cvm_ovmf_parse(const uint8_t *data, size_t len, struct cvm_ovmf *out, cvm_err *err);

bool cvm_ovmf_has_section(const struct cvm_ovmf *o, uint32_t type);

#endif
