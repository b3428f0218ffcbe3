/* The launcher's single entry point for confidential guests: probe, refuse
 * or resolve, and build the QEMU arguments (sev_conf.h). */
#include "sev_conf.h"

#include <string.h>

#include "sev_probe.h"
#include "sev_qemu.h"

const char *cvm_conf_cpu_model(const struct cvm_conf_spec *c)
{
	return c->type == CVM_CONF_SEV_ES || c->type == CVM_CONF_SEV_SNP ? c->vcpu_type : NULL;
}

int cvm_conf_prepare(const struct cvm_conf_spec *in, const char *host_root, const char *emulator,
		     const char *cache_dir, unsigned long long memory_mib, struct cvm_conf_spec *out,
		     struct cvm_argv *args, char *machine_props, size_t machine_props_len, cvm_err *err)
{
	struct cvm_sev_host host;
	struct cvm_qemu_caps caps;
	memcpy(out, in, sizeof(*out));
	if (machine_props_len)
		machine_props[0] = 0;
	if (in->type == CVM_CONF_NONE)
		return 0;
	cvm_sev_host_probe(host_root, &host);
	if (cvm_qemu_probe(emulator, cache_dir, &caps, err) < 0)
		return -1;
	if (cvm_conf_check_support(in, &host, &caps, err) < 0)
		return -1;
	cvm_conf_resolve(out, &host);
	return cvm_conf_qemu_args(out, memory_mib, args, machine_props, machine_props_len, err);
}
