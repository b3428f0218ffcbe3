/* Whether this host and emulator can run the spec's confidential type, and
 * the expected launch measurement for the launch record. */
#include "sev_conf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cvm_fileio.h"
#include "sev_measure.h"
#include "sev_probe.h"
#include "sev_qemu.h"
#include "sev_vmsa.h"

struct missing {
	char msg[1024];
	size_t n;
};

static void add(struct missing *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct missing *m, const char *fmt, ...)
{
	va_list ap;
	if (m->n && m->n < sizeof(m->msg))
		m->n += (size_t)snprintf(m->msg + m->n, sizeof(m->msg) - m->n, "; ");
	if (m->n >= sizeof(m->msg))
		return;
	va_start(ap, fmt);
	int r = vsnprintf(m->msg + m->n, sizeof(m->msg) - m->n, fmt, ap);
	va_end(ap);
	if (r > 0)
		m->n += (size_t)r;
}

/* The QEMU object a type needs and the first release that has it. */
static void check_qemu(const struct cvm_conf_spec *c, const struct cvm_qemu_caps *q, struct missing *m)
{
	const char *obj = NULL, *since = NULL;
	bool have = false;
	switch (c->type) {
	case CVM_CONF_SEV:
	case CVM_CONF_SEV_ES:
		obj = "sev-guest", since = "2.12", have = q->sev_guest;
		break;
	case CVM_CONF_SEV_SNP:
		obj = "sev-snp-guest", since = "9.1", have = q->sev_snp_guest;
		break;
	case CVM_CONF_TDX:
		obj = "tdx-guest", since = "10.1", have = q->tdx_guest;
		break;
	case CVM_CONF_NONE:
	default:
		return;
	}
	if (!have)
		add(m, "QEMU %u.%u has no %s; %s or newer is needed", q->major, q->minor, obj, since);
	else if (c->kernel_hashes && c->type != CVM_CONF_SEV_SNP && !cvm_qemu_version_at_least(q, 6, 2))
		add(m, "QEMU %u.%u has no sev-guest kernel-hashes; 6.2 or newer is needed", q->major, q->minor);
}

static void check_host(const struct cvm_conf_spec *c, const struct cvm_sev_host *h, struct missing *m)
{
	const struct cvm_sev_cap *cap = c->type == CVM_CONF_SEV      ? &h->sev
				      : c->type == CVM_CONF_SEV_ES   ? &h->sev_es
				      : c->type == CVM_CONF_SEV_SNP  ? &h->sev_snp
				      : c->type == CVM_CONF_TDX      ? &h->tdx
								     : NULL;
	if (cap && !cap->ok)
		add(m, "host: %s", cap->reason);
	bool sev = c->type == CVM_CONF_SEV || c->type == CVM_CONF_SEV_ES || c->type == CVM_CONF_SEV_SNP;
	if (sev && cap && cap->ok && h->cpuid_known) {
		if (c->cbitpos && c->cbitpos != h->cbitpos)
			add(m, "host: confidential.cbitpos %u differs from the host's C-bit position %u", c->cbitpos,
			    h->cbitpos);
		if (c->reduced_phys_bits && c->reduced_phys_bits != h->reduced_phys_bits)
			add(m, "host: confidential.reduced_phys_bits %u differs from the host's %u",
			    c->reduced_phys_bits, h->reduced_phys_bits);
	}
}

int cvm_conf_check_support(const struct cvm_conf_spec *c, const struct cvm_sev_host *host,
			   const struct cvm_qemu_caps *qemu, cvm_err *err)
{
	struct missing m = { .n = 0 };
	m.msg[0] = 0;
	if (c->type == CVM_CONF_NONE)
		return 0;
	check_qemu(c, qemu, &m);
	check_host(c, host, &m);
	if (m.n)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "confidential.type %s: %s", cvm_conf_type_name(c->type),
				   m.msg);
	return 0;
}

void cvm_conf_resolve(struct cvm_conf_spec *c, const struct cvm_sev_host *host)
{
	if (c->type < CVM_CONF_SEV || c->type > CVM_CONF_SEV_SNP || !host->cpuid_known)
		return;
	if (!c->cbitpos)
		c->cbitpos = host->cbitpos;
	if (!c->reduced_phys_bits)
		c->reduced_phys_bits = host->reduced_phys_bits;
}

int cvm_conf_expected_measurement(const struct cvm_conf_spec *c, const char *firmware, const char *kernel,
				  const char *initrd, const char *cmdline, unsigned vcpus, char *hex_out,
				  size_t len, cvm_err *err)
{
	struct cvm_measure_args a = { .vcpus = vcpus, .guest_features = c->guest_features };
	if (len < 2 * CVM_MEASURE_MAX_LEN + 1)
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "measurement buffer too small");
	hex_out[0] = 0;
	switch (c->type) {
	case CVM_CONF_SEV:
		a.mode = CVM_MEASURE_SEV;
		break;
	case CVM_CONF_SEV_ES:
		a.mode = CVM_MEASURE_SEV_ES;
		break;
	case CVM_CONF_SEV_SNP:
		a.mode = CVM_MEASURE_SNP;
		break;
	case CVM_CONF_NONE:
	case CVM_CONF_TDX:
	default:
		return 0;
	}
	if (!firmware || !*firmware)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
				   "firmware: confidential.type %s needs an OVMF firmware image to measure",
				   cvm_conf_type_name(c->type));
	if (!cvm_vcpu_sig_by_name(c->vcpu_type, &a.vcpu_sig))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "confidential.vcpu_type: unknown vCPU type '%s'",
				   c->vcpu_type);
	a.ovmf = firmware;
	if (c->kernel_hashes) {
		if (!kernel || !*kernel)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
					   "confidential.kernel_hashes: needs a kernel in the spec");
		a.kernel = kernel;
		a.initrd = initrd && *initrd ? initrd : NULL;
		a.append = cmdline;
	}
	uint8_t d[CVM_MEASURE_MAX_LEN];
	size_t n = 0;
	if (cvm_measure(&a, d, &n, err) < 0)
		return -1;
	cvm_hex_encode(d, n, hex_out);
	return 0;
}
