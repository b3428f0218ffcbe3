/* Host probe for SEV, SEV-ES, SEV-SNP and TDX, in libvirt's order
 * (virHostValidateAMDSev): the kvm_amd parameters, /dev/sev, CPUID
 * 0x8000001F; plus KVM_CAP_VM_TYPES, which SNP and TDX guests need. */
#include "sev_probe.h"

#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "cvm_cleanup.h"

#ifndef KVM_CAP_VM_TYPES
#define KVM_CAP_VM_TYPES 235 /* linux 6.10; the build headers may be older */
#endif

#define CPUID_SEV (1u << 1)
#define CPUID_SEV_ES (1u << 3)
#define CPUID_SNP (1u << 4)

static void cap_set(struct cvm_sev_cap *c, bool ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void cap_set(struct cvm_sev_cap *c, bool ok, const char *fmt, ...)
{
	va_list ap;
	c->ok = ok;
	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
}

/* Read a small text file; "" and -1 when absent. */
static int read_text(const char *root, const char *path, char *buf, size_t len)
{
	char full[512];
	snprintf(full, sizeof(full), "%s%s", root, path);
	buf[0] = 0;
	cvm_autoclose int fd = open(full, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, len - 1);
	if (n < 0)
		return -1;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

enum param { PARAM_ABSENT, PARAM_OFF, PARAM_ON };

/* A kvm module boolean parameter ("Y", "N", "1", "0"); @shown gets its value. */
static enum param read_param(const char *root, const char *path, char *shown, size_t len)
{
	if (read_text(root, path, shown, len) < 0)
		return PARAM_ABSENT;
	return strcmp(shown, "Y") == 0 || strcmp(shown, "y") == 0 || strcmp(shown, "1") == 0 ? PARAM_ON
												   : PARAM_OFF;
}

static bool exists(const char *root, const char *path)
{
	char full[512];
	struct stat st;
	snprintf(full, sizeof(full), "%s%s", root, path);
	return stat(full, &st) == 0;
}

static void probe_kvm(struct cvm_sev_host *h)
{
	char path[512];
	struct stat st;
	snprintf(path, sizeof(path), "%s/dev/kvm", h->root);
	cvm_autoclose int fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		cap_set(&h->kvm, false, "KVM not available (%s: %s)", path, strerror(errno));
		return;
	}
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && h->root[0]) {
		/* fake root: the file holds the KVM_CAP_VM_TYPES mask */
		char buf[64] = "";
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = 0;
		h->vm_types = strtoull(buf, NULL, 0);
		h->vm_types_known = h->vm_types != 0;
		cap_set(&h->kvm, true, "fake KVM at %s", path);
		return;
	}
	int api = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION) {
		cap_set(&h->kvm, false, "KVM not usable (%s: API version %d, %d needed)", path, api, KVM_API_VERSION);
		return;
	}
	int types = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_VM_TYPES);
	h->vm_types = types > 0 ? (uint64_t)types : 0;
	h->vm_types_known = types > 0;
	cap_set(&h->kvm, true, "%s", path);
}

static void probe_cpuid(struct cvm_sev_host *h)
{
	uint32_t *r = h->cpuid;
	if (h->root[0]) {
		char buf[128];
		if (read_text(h->root, "/cvm-fake/cpuid-8000001f", buf, sizeof(buf)) < 0 ||
		    sscanf(buf, "%x %x %x %x", &r[0], &r[1], &r[2], &r[3]) != 4)
			return;
	} else {
		unsigned a = 0, b = 0, c = 0, d = 0;
		/* vendor check: the leaf means something else (or nothing) off AMD */
		__cpuid(0, a, b, c, d);
		if (!(b == 0x68747541 && d == 0x69746e65 && c == 0x444d4163)) /* "AuthenticAMD" */
			return;
		if ((unsigned)__get_cpuid_max(0x80000000, NULL) < 0x8000001fu) /* int in clang, unsigned in gcc */
			return;
		__cpuid(0x8000001f, r[0], r[1], r[2], r[3]);
	}
	h->cpuid_known = true;
	h->cbitpos = r[1] & 0x3f;
	h->reduced_phys_bits = (r[1] >> 6) & 0x3f;
}

/* The kvm_amd parameter @name gates @what; false with a reason if off. */
static bool amd_param(struct cvm_sev_host *h, struct cvm_sev_cap *cap, const char *name, const char *what)
{
	char path[128], val[32];
	snprintf(path, sizeof(path), "/sys/module/kvm_amd/parameters/%s", name);
	switch (read_param(h->root, path, val, sizeof(val))) {
	case PARAM_ON:
		return true;
	case PARAM_OFF:
		cap_set(cap, false, "%s not enabled (%s%s is %s)", what, h->root, path, val);
		return false;
	case PARAM_ABSENT:
	default:
		cap_set(cap, false, "%s not available (no %s%s: kvm_amd not loaded or too old)", what, h->root, path);
		return false;
	}
}

static bool cpuid_bit(struct cvm_sev_host *h, struct cvm_sev_cap *cap, uint32_t bit, const char *what)
{
	if (!h->cpuid_known) {
		cap_set(cap, false, "%s not available (CPUID leaf 0x8000001F absent: not an AMD CPU with memory encryption)",
			what);
		return false;
	}
	if (!(h->cpuid[0] & bit)) {
		cap_set(cap, false, "%s not supported by the CPU (CPUID 0x8000001F EAX=%#x lacks bit %d)", what,
			h->cpuid[0], __builtin_ctz(bit));
		return false;
	}
	return true;
}

static bool vm_type(struct cvm_sev_host *h, struct cvm_sev_cap *cap, int type, const char *name, const char *what)
{
	if (h->vm_types & (1ull << type))
		return true;
	if (!h->vm_types_known)
		cap_set(cap, false, "%s not available (KVM does not report KVM_CAP_VM_TYPES: kernel older than 6.10)", what);
	else
		cap_set(cap, false, "%s not available (KVM_CAP_VM_TYPES %#llx lacks %s)", what,
			(unsigned long long)h->vm_types, name);
	return false;
}

static void verdicts(struct cvm_sev_host *h)
{
	bool kvm = h->kvm.ok;
	const char *nokvm = h->kvm.reason;
	/* SEV: module parameter, firmware device, CPU (libvirt's order) */
	if (!kvm)
		cap_set(&h->sev, false, "%s", nokvm);
	else if (amd_param(h, &h->sev, "sev", "SEV") && cpuid_bit(h, &h->sev, CPUID_SEV, "SEV")) {
		if (!exists(h->root, "/dev/sev"))
			cap_set(&h->sev, false, "SEV firmware not initialised (no %s/dev/sev)", h->root);
		else
			cap_set(&h->sev, true, "cbitpos %u, reduced-phys-bits %u", h->cbitpos, h->reduced_phys_bits);
	}
	if (!h->sev.ok)
		cap_set(&h->sev_es, false, "SEV-ES needs SEV: %s", h->sev.reason);
	else if (amd_param(h, &h->sev_es, "sev_es", "SEV-ES") && cpuid_bit(h, &h->sev_es, CPUID_SEV_ES, "SEV-ES"))
		cap_set(&h->sev_es, true, "%s", "enabled");
	if (!h->sev.ok)
		cap_set(&h->sev_snp, false, "SEV-SNP needs SEV: %s", h->sev.reason);
	else if (amd_param(h, &h->sev_snp, "sev_snp", "SEV-SNP") &&
		 cpuid_bit(h, &h->sev_snp, CPUID_SNP, "SEV-SNP") &&
		 vm_type(h, &h->sev_snp, CVM_KVM_X86_SNP_VM, "KVM_X86_SNP_VM", "SEV-SNP"))
		cap_set(&h->sev_snp, true, "%s", "enabled, KVM_X86_SNP_VM");
	char val[32];
	enum param tdx = read_param(h->root, "/sys/module/kvm_intel/parameters/tdx", val, sizeof(val));
	if (!kvm)
		cap_set(&h->tdx, false, "%s", nokvm);
	else if (tdx == PARAM_ABSENT)
		cap_set(&h->tdx, false, "TDX not available (no %s/sys/module/kvm_intel/parameters/tdx: kvm_intel not loaded or too old)",
			h->root);
	else if (tdx == PARAM_OFF)
		cap_set(&h->tdx, false, "TDX not enabled (%s/sys/module/kvm_intel/parameters/tdx is %s)", h->root, val);
	else if (vm_type(h, &h->tdx, CVM_KVM_X86_TDX_VM, "KVM_X86_TDX_VM", "TDX"))
		cap_set(&h->tdx, true, "%s", "enabled, KVM_X86_TDX_VM");
}

int cvm_sev_host_probe(const char *host_root, struct cvm_sev_host *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->root, sizeof(out->root), "%s", host_root ? host_root : "");
	/* a trailing slash would double up in every path shown */
	size_t n = strlen(out->root);
	while (n > 1 && out->root[n - 1] == '/')
		out->root[--n] = 0;
	if (strcmp(out->root, "/") == 0)
		out->root[0] = 0;
	probe_kvm(out);
	probe_cpuid(out);
	verdicts(out);
	return 0;
}
