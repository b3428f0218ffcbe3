#include "host_probe.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cvm_fileio.h"
#include "kvm_probe.h"
#include "kvm_probe_cache.h"
#include "launch_prepare.h"
#include "sandbox.h"
#include "sev_probe.h"
#include "sev_qemu.h"
#include "svirt_host.h"

static json_object *section(bool available, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static json_object *section(bool available, const char *fmt, ...)
{
	json_object *o = json_object_new_object();
	char detail[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	json_object_object_add(o, "available", json_object_new_boolean(available));
	json_object_object_add(o, "detail", json_object_new_string(detail));
	return o;
}

static json_object *probe_kvm(const struct cvm_hostcfg *cfg, int timeout_ms)
{
	struct cvm_kvm_probe k;
	json_object *o;

	char emu[4096], sha[65];
	cvm_err e = { 0 };
	bool have_emu = cvm_resolve_emulator(cfg->emulator, emu, sizeof(emu), &e) == 0 &&
			cvm_sha256_file_hex(emu, sha, &e) == 0;

	/* probe always tests afresh, and refreshes what `run` reuses this boot */
	cvm_kvm_probe_cached(cfg, have_emu ? emu : NULL, have_emu ? sha : NULL, timeout_ms, true, &k);
	o = section(k.usable, "%s%s", k.detail, have_emu ? "" : " (no emulator: firmware stage not tested)");
	json_object_object_add(o, "device", json_object_new_boolean(k.device));
	json_object_object_add(o, "create_vm", json_object_new_boolean(k.create_vm));
	json_object_object_add(o, "vcpu_runs", json_object_new_boolean(k.runs));
	json_object_object_add(o, "firmware_posts", json_object_new_boolean(k.firmware));
	return o;
}

static json_object *probe_emulator(const struct cvm_hostcfg *cfg)
{
	char path[4096], sha[65];
	cvm_err err = { 0 };
	json_object *o;

	if (cvm_resolve_emulator(cfg->emulator, path, sizeof(path), &err) < 0)
		return section(false, "%s", err.msg);
	if (cvm_sha256_file_hex(path, sha, &err) < 0)
		return section(false, "%s", err.msg);
	struct cvm_qemu_caps caps;
	char cache[4096];
	snprintf(cache, sizeof(cache), "%s/cache", cfg->state_dir);
	if (cvm_mkdir_p(cache, 0700, &err) < 0 || cvm_qemu_probe(path, cache, &caps, &err) < 0)
		return section(false, "%s: %s", path, err.msg);
	o = section(true, "%s (QEMU %u.%u.%u): sev-guest %s, sev-snp-guest %s, tdx-guest %s", path, caps.major,
		    caps.minor, caps.micro, caps.sev_guest ? "yes" : "no", caps.sev_snp_guest ? "yes" : "no (needs 9.1)",
		    caps.tdx_guest ? "yes" : "no (needs 10.1)");
	json_object_object_add(o, "path", json_object_new_string(path));
	json_object_object_add(o, "sha256", json_object_new_string(sha));
	cvm_qemu_caps_to_json(&caps, o);
	return o;
}

/* The selinux module's probe (mode, policy, virt contexts), plus the
 * "available"/"detail" pair every section has. */
static json_object *probe_selinux(void)
{
	struct cvm_svirt_host h;
	json_object *o, *usable = NULL;
	char detail[512];

	cvm_svirt_host_probe(&h);
	o = cvm_svirt_host_json(&h);
	if (!o)
		return section(false, "out of memory");
	json_object_object_get_ex(o, "svirt_usable", &usable);
	if (json_object_get_boolean(usable))
		snprintf(detail, sizeof(detail), "SELinux %s, policy %s; guests run as %s:cA,cB",
			 cvm_svirt_host_state(&h), h.policy_type, h.domain_context);
	else if (h.enabled)
		snprintf(detail, sizeof(detail), "SELinux %s, but sVirt is unusable: %s",
			 cvm_svirt_host_state(&h), h.why);
	else
		snprintf(detail, sizeof(detail), "%s", h.why);
	json_object_object_add(o, "available", json_object_new_boolean(json_object_get_boolean(usable)));
	json_object_object_add(o, "detail", json_object_new_string(detail));
	return o;
}

static json_object *probe_tpm(const struct cvm_hostcfg *cfg)
{
	if (cfg->tpm_tcti[0])
		return section(true, "TCTI from host config: %s (PCR %u)", cfg->tpm_tcti, cfg->tpm_pcr);
	if (access("/dev/tpmrm0", R_OK | W_OK) == 0)
		return section(true, "/dev/tpmrm0 (tpm2-tss loader default, PCR %u)", cfg->tpm_pcr);
	return section(false, "no /dev/tpmrm0 and no tpm_tcti in the host config");
}

static json_object *cap(const struct cvm_sev_cap *c, const char *what)
{
	return section(c->ok, "%s%s%s", c->ok ? what : "", c->ok && c->reason[0] ? ": " : "", c->reason);
}

/* Memory encryption on this host (sev/ reads sysfs, CPUID and KVM_CAP_VM_TYPES
 * under host_root); whether the emulator has the objects is in "emulator". */
static void add_confidential(json_object *o, const struct cvm_hostcfg *cfg)
{
	struct cvm_sev_host h;

	cvm_sev_host_probe(cfg->host_root, &h);
	json_object_object_add(o, "sev", cap(&h.sev, "AMD SEV"));
	json_object_object_add(o, "sev_es", cap(&h.sev_es, "AMD SEV-ES"));
	json_object_object_add(o, "sev_snp", cap(&h.sev_snp, "AMD SEV-SNP"));
	json_object_object_add(o, "tdx", cap(&h.tdx, "Intel TDX"));
}

struct json_object *cvm_host_probe(const struct cvm_hostcfg *cfg, int kvm_timeout_ms)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "kvm", probe_kvm(cfg, kvm_timeout_ms));
	json_object_object_add(o, "emulator", probe_emulator(cfg));
	add_confidential(o, cfg);
	json_object_object_add(o, "selinux", probe_selinux());
	/* seccomp, landlock, cgroup, namespaces: the sandbox measures its own */
	cvm_sandbox_probe_json(o);
	json_object_object_add(o, "tpm", probe_tpm(cfg));
	return o;
}
