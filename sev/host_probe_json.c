/* JSON form of the host probe (for `cvm-launch probe --json`). */
#include "sev_probe.h"

#include <stdio.h>

#include <json-c/json.h>

static struct json_object *cap_json(const struct cvm_sev_cap *c)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "available", json_object_new_boolean(c->ok));
	if (c->reason[0])
		json_object_object_add(o, c->ok ? "detail" : "reason", json_object_new_string(c->reason));
	return o;
}

static const char *const vm_type_names[] = { "default", "sw_protected", "sev", "sev_es", "snp", "tdx" };

void cvm_sev_host_to_json(const struct cvm_sev_host *h, struct json_object *out)
{
	char hex[24];
	json_object_object_add(out, "host_root", json_object_new_string(h->root[0] ? h->root : "/"));
	json_object_object_add(out, "kvm", cap_json(&h->kvm));
	struct json_object *vt = json_object_new_object();
	json_object_object_add(vt, "known", json_object_new_boolean(h->vm_types_known));
	snprintf(hex, sizeof(hex), "%#llx", (unsigned long long)h->vm_types);
	json_object_object_add(vt, "mask", json_object_new_string(hex));
	struct json_object *names = json_object_new_array();
	for (unsigned i = 0; i < sizeof(vm_type_names) / sizeof(vm_type_names[0]); i++)
		if (h->vm_types & (1ull << i))
			json_object_array_add(names, json_object_new_string(vm_type_names[i]));
	json_object_object_add(vt, "types", names);
	json_object_object_add(out, "kvm_vm_types", vt);
	if (h->cpuid_known) {
		struct json_object *c = json_object_new_object();
		const char *regs[] = { "eax", "ebx", "ecx", "edx" };
		for (int i = 0; i < 4; i++) {
			snprintf(hex, sizeof(hex), "%#x", h->cpuid[i]);
			json_object_object_add(c, regs[i], json_object_new_string(hex));
		}
		json_object_object_add(c, "cbitpos", json_object_new_int((int)h->cbitpos));
		json_object_object_add(c, "reduced_phys_bits", json_object_new_int((int)h->reduced_phys_bits));
		json_object_object_add(out, "cpuid_8000001f", c);
	}
	json_object_object_add(out, "sev", cap_json(&h->sev));
	json_object_object_add(out, "sev_es", cap_json(&h->sev_es));
	json_object_object_add(out, "sev_snp", cap_json(&h->sev_snp));
	json_object_object_add(out, "tdx", cap_json(&h->tdx));
}
