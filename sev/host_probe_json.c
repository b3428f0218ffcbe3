/* JSON form of the host probe (for `cvm-launch probe --json`). Every member
 * is {"available": bool, "detail": text} like the launcher's other probe
 * entries, so the caller can merge them into its object and print them the
 * same way; "detail" holds the reason when not available. */
#include "sev_probe.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

static void add(struct json_object *out, const char *key, bool ok, const char *detail)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "available", json_object_new_boolean(ok));
	json_object_object_add(o, "detail", json_object_new_string(detail));
	json_object_object_add(out, key, o);
}

static const char *const vm_type_names[] = { "default", "sw_protected", "sev", "sev_es", "snp", "tdx" };

void cvm_sev_host_to_json(const struct cvm_sev_host *h, struct json_object *out)
{
	char d[512];
	size_t n = (size_t)snprintf(d, sizeof(d), "%#llx", (unsigned long long)h->vm_types);
	for (unsigned i = 0; i < sizeof(vm_type_names) / sizeof(vm_type_names[0]) && n < sizeof(d); i++)
		if (h->vm_types & (1ull << i))
			n += (size_t)snprintf(d + n, sizeof(d) - n, " %s", vm_type_names[i]);
	add(out, "kvm_vm_types", h->vm_types_known,
	    h->vm_types_known ? d : h->kvm.ok ? "KVM does not report KVM_CAP_VM_TYPES (kernel older than 6.10)" : h->kvm.reason);
	if (h->cpuid_known)
		snprintf(d, sizeof(d), "cbitpos %u, reduced-phys-bits %u (EAX %#x EBX %#x ECX %#x EDX %#x)", h->cbitpos,
			 h->reduced_phys_bits, h->cpuid[0], h->cpuid[1], h->cpuid[2], h->cpuid[3]);
	else
		snprintf(d, sizeof(d), "no leaf 0x8000001F (not an AMD CPU with memory encryption)");
	add(out, "sev_cpuid", h->cpuid_known, d);
	add(out, "sev", h->sev.ok, h->sev.reason);
	add(out, "sev_es", h->sev_es.ok, h->sev_es.reason);
	add(out, "sev_snp", h->sev_snp.ok, h->sev_snp.reason);
	add(out, "tdx", h->tdx.ok, h->tdx.reason);
}
