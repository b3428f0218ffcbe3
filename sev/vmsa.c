/* Initial VMSA contents as KVM sets them for QEMU guests (sev-snp-measure
 * vmsa.py, VMM type QEMU; matches host kernels >= 6.10). Only the fields
 * that are non-zero at reset are written; everything else stays zero. */
#include "sev_vmsa.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

/* Offsets in the SEV-ES save area (AMD APM vol. 2, table B-4). */
enum {
	OFF_ES = 0x000, OFF_CS = 0x010, OFF_SS = 0x020, OFF_DS = 0x030, OFF_FS = 0x040,
	OFF_GS = 0x050, OFF_GDTR = 0x060, OFF_LDTR = 0x070, OFF_IDTR = 0x080, OFF_TR = 0x090,
	OFF_EFER = 0x0d0, OFF_CR4 = 0x148, OFF_CR0 = 0x158, OFF_DR7 = 0x160, OFF_DR6 = 0x168,
	OFF_RFLAGS = 0x170, OFF_RIP = 0x178, OFF_G_PAT = 0x268, OFF_RDX = 0x310,
	OFF_SEV_FEATURES = 0x3b0, OFF_XCR0 = 0x3e8, OFF_MXCSR = 0x408, OFF_X87_FCW = 0x410,
};

static void put_le(uint8_t *p, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A VMCB segment: u16 selector, u16 attrib, u32 limit, u64 base. */
static void put_seg(uint8_t *page, size_t off, uint16_t sel, uint16_t attrib, uint32_t limit, uint64_t base)
{
	put_le(page + off, sel, 2);
	put_le(page + off + 2, attrib, 2);
	put_le(page + off + 4, limit, 4);
	put_le(page + off + 8, base, 8);
}

void cvm_vmsa_build(uint8_t page[4096], uint32_t eip, uint32_t vcpu_sig, uint64_t sev_features)
{
	memset(page, 0, 4096);
	put_seg(page, OFF_ES, 0, 0x93, 0xffff, 0);
	put_seg(page, OFF_CS, 0xf000, 0x9b, 0xffff, eip & 0xffff0000u);
	put_seg(page, OFF_SS, 0, 0x93, 0xffff, 0);
	put_seg(page, OFF_DS, 0, 0x93, 0xffff, 0);
	put_seg(page, OFF_FS, 0, 0x93, 0xffff, 0);
	put_seg(page, OFF_GS, 0, 0x93, 0xffff, 0);
	put_seg(page, OFF_GDTR, 0, 0, 0xffff, 0);
	put_seg(page, OFF_IDTR, 0, 0, 0xffff, 0);
	put_seg(page, OFF_LDTR, 0, 0x82, 0xffff, 0);
	put_seg(page, OFF_TR, 0, 0x8b, 0xffff, 0);
	put_le(page + OFF_EFER, 0x1000, 8); /* KVM sets EFER.SVME */
	put_le(page + OFF_CR4, 0x40, 8);    /* KVM sets CR4.MCE */
	put_le(page + OFF_CR0, 0x10, 8);
	put_le(page + OFF_DR7, 0x400, 8);
	put_le(page + OFF_DR6, 0xffff0ff0, 8);
	put_le(page + OFF_RFLAGS, 0x2, 8);
	put_le(page + OFF_RIP, eip & 0xffff, 8);
	put_le(page + OFF_G_PAT, 0x7040600070406ULL, 8);
	put_le(page + OFF_RDX, vcpu_sig, 8);
	put_le(page + OFF_SEV_FEATURES, sev_features, 8);
	put_le(page + OFF_XCR0, 0x1, 8);
	put_le(page + OFF_MXCSR, 0x1f80, 4);
	put_le(page + OFF_X87_FCW, 0x37f, 2);
}

uint32_t cvm_vcpu_sig(unsigned family, unsigned model, unsigned stepping)
{
	unsigned fam_lo = family > 0xf ? 0xf : family;
	unsigned fam_hi = family > 0xf ? (family - 0xf) & 0xff : 0;
	return (uint32_t)(fam_hi << 20 | ((model >> 4) & 0xf) << 16 | fam_lo << 8 | (model & 0xf) << 4 |
			  (stepping & 0xf));
}

struct vcpu_type {
	const char *name;
	unsigned family, model, stepping;
};

/* QEMU's AMD EPYC CPU models (target/i386/cpu.c) and their versions. */
static const struct vcpu_type vcpu_types[] = {
	{ "EPYC", 23, 1, 2 },         { "EPYC-v1", 23, 1, 2 },      { "EPYC-v2", 23, 1, 2 },
	{ "EPYC-v3", 23, 1, 2 },      { "EPYC-v4", 23, 1, 2 },      { "EPYC-IBPB", 23, 1, 2 },
	{ "EPYC-Rome", 23, 49, 0 },   { "EPYC-Rome-v1", 23, 49, 0 }, { "EPYC-Rome-v2", 23, 49, 0 },
	{ "EPYC-Rome-v3", 23, 49, 0 }, { "EPYC-Rome-v4", 23, 49, 0 }, { "EPYC-Milan", 25, 1, 1 },
	{ "EPYC-Milan-v1", 25, 1, 1 }, { "EPYC-Milan-v2", 25, 1, 1 }, { "EPYC-Genoa", 25, 17, 0 },
	{ "EPYC-Genoa-v1", 25, 17, 0 }, { "EPYC-Turin", 26, 0, 0 },   { "EPYC-Turin-v1", 26, 0, 0 },
};

static const char *const vcpu_names[] = {
	"EPYC", "EPYC-v1", "EPYC-v2", "EPYC-v3", "EPYC-v4", "EPYC-IBPB", "EPYC-Rome", "EPYC-Rome-v1",
	"EPYC-Rome-v2", "EPYC-Rome-v3", "EPYC-Rome-v4", "EPYC-Milan", "EPYC-Milan-v1", "EPYC-Milan-v2",
	"EPYC-Genoa", "EPYC-Genoa-v1", "EPYC-Turin", "EPYC-Turin-v1", NULL,
};

bool cvm_vcpu_sig_by_name(const char *name, uint32_t *sig)
{
	for (size_t i = 0; i < sizeof(vcpu_types) / sizeof(vcpu_types[0]); i++) {
		if (strcasecmp(name, vcpu_types[i].name) == 0) {
			*sig = cvm_vcpu_sig(vcpu_types[i].family, vcpu_types[i].model, vcpu_types[i].stepping);
			return true;
		}
	}
	return false;
}

const char *const *cvm_vcpu_type_names(void)
{
	return vcpu_names;
}
