/* What this host can do for memory-encrypted guests (DESIGN §2, FORMATS.md §3).
 *
 * Everything is read under a root prefix: "" is the real host; tests point it
 * at a fake tree holding the same paths:
 *   <root>/sys/module/kvm_amd/parameters/{sev,sev_es,sev_snp}   Y/N/1/0
 *   <root>/dev/sev                                              exists = SEV firmware up
 *   <root>/sys/module/kvm_intel/parameters/tdx                  Y/N
 *   <root>/dev/kvm         real host: the KVM device (KVM_GET_API_VERSION and
 *                          KVM_CHECK_EXTENSION(KVM_CAP_VM_TYPES) ioctls);
 *                          fake root only: a regular file whose content is
 *                          the KVM_CAP_VM_TYPES mask ("0x1d"; empty = 0)
 *   <root>/cvm-fake/cpuid-8000001f   fake root only: "EAX EBX ECX EDX" of
 *                          CPUID leaf 0x8000001F in hex (the real host runs
 *                          the CPUID instruction; a fake root without the
 *                          file has no such leaf, like an Intel CPU).
 */
#ifndef CVM_SEV_PROBE_H
#define CVM_SEV_PROBE_H

#include <stdbool.h>
#include <stdint.h>

struct json_object;

/* KVM_CAP_VM_TYPES bits (linux/kvm.h, x86, since 6.10/6.11). */
#define CVM_KVM_X86_DEFAULT_VM 0
#define CVM_KVM_X86_SW_PROTECTED_VM 1
#define CVM_KVM_X86_SEV_VM 2
#define CVM_KVM_X86_SEV_ES_VM 3
#define CVM_KVM_X86_SNP_VM 4
#define CVM_KVM_X86_TDX_VM 5

/* One capability: @ok, or why not in @reason ("SEV-SNP not enabled
 * (/sys/module/kvm_amd/parameters/sev_snp is N)"). When @ok, @reason may
 * hold a detail. */
struct cvm_sev_cap {
	bool ok;
	char reason[320];
};

struct cvm_sev_host {
	char root[256];
	struct cvm_sev_cap kvm;          /* /dev/kvm opens and speaks API 12 */
	bool vm_types_known;             /* KVM answered KVM_CAP_VM_TYPES (0 = old kernel) */
	uint64_t vm_types;
	bool cpuid_known;                /* leaf 0x8000001F read (AMD only) */
	uint32_t cpuid[4];               /* EAX EBX ECX EDX of leaf 0x8000001F */
	unsigned cbitpos, reduced_phys_bits; /* from CPUID EBX[5:0], EBX[11:6]; 0 if unknown */
	struct cvm_sev_cap sev, sev_es, sev_snp, tdx; /* the verdicts the launcher uses */
};

/* Probe under @host_root ("" = this host). Never fails: each capability
 * ends with ok or a reason. Returns 0. */
int cvm_sev_host_probe(const char *host_root, struct cvm_sev_host *out);

/* Add the probe's verdicts to the JSON object @out (for `probe --json`):
 * kvm_vm_types, sev_cpuid, sev, sev_es, sev_snp, tdx, each
 * {"available": bool, "detail": text (the reason when not available)}. */
void cvm_sev_host_to_json(const struct cvm_sev_host *h, struct json_object *out);

#endif
