/* The initial VMSA (SEV-ES save area) QEMU/KVM give each vCPU, as measured
 * into SEV-ES and SEV-SNP launch digests; and the vCPU types whose CPUID
 * signature KVM puts in RDX. */
#ifndef CVM_SEV_VMSA_H
#define CVM_SEV_VMSA_H

#include <stdbool.h>
#include <stdint.h>

#define CVM_VMSA_BSP_EIP 0xfffffff0u

/* Pure: fill the 4 KiB VMSA page of a vCPU starting at @eip, with RDX =
 * @vcpu_sig and SEV_FEATURES = @sev_features (0 for SEV-ES). VMM type QEMU
 * (KVM, host kernel >= 6.10). */
void cvm_vmsa_build(uint8_t page[4096], uint32_t eip, uint32_t vcpu_sig, uint64_t sev_features);

/* CPUID(1).EAX signature from family/model/stepping. */
uint32_t cvm_vcpu_sig(unsigned family, unsigned model, unsigned stepping);
/* Signature of a QEMU CPU model name (EPYC, EPYC-v4, EPYC-Milan, EPYC-Genoa,
 * EPYC-Turin, ... case-insensitive); false if unknown. */
bool cvm_vcpu_sig_by_name(const char *name, uint32_t *sig);
/* The known names, NULL-terminated, for help texts. */
const char *const *cvm_vcpu_type_names(void);

#endif
