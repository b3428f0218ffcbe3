/* The AMD extensions of a VCEK/VLEK certificate (prefix 1.3.6.1.4.1.3704.1,
 * go-sev-guest kds/kds.go; snpguest src/verify.rs for fmcSPL). Pure: reads an
 * already parsed X509, no verification. */
#ifndef CVM_SNP_VCEK_H
#define CVM_SNP_VCEK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "snp_report.h"

struct cvm_snp_vcek {
	bool is_vlek;          /* subject CN "SEV-VLEK" (else "SEV-VCEK") */
	long struct_version;   /* -1 if absent */
	char product_name[32]; /* "Milan-B0", "Turin", "" if absent */
	enum cvm_snp_product product;
	/* SPL components, -1 if the extension is absent */
	int bl, tee, snp, ucode, fmc;
	size_t hwid_len; /* 0 if absent; 64, or 8 on Turin */
	uint8_t hwid[64];
	bool has_csp_id;
	char csp_id[64];
};

/* Read the extensions of @x. Returns -1 and explains in @why when an AMD
 * extension is malformed (an SPL that is not an INTEGER 0..255, a hwID of
 * the wrong size, hwID and CSP_ID together, a CN that is neither SEV-VCEK nor
 * SEV-VLEK). Raw hwID bytes are what KDS emits (no OCTET STRING tag). */
int cvm_snp_vcek_parse(X509 *x, struct cvm_snp_vcek *out, char *why, size_t size);

/* The certificate's TCB in the report's terms, for @product's layout. */
void cvm_snp_vcek_tcb(const struct cvm_snp_vcek *v, enum cvm_snp_product product, struct cvm_snp_tcb *out);

#endif
