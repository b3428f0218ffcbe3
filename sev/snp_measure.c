/* Launch digests (sev-snp-measure gctx.py/guest.py, FORMATS.md §2).
 * SNP: a SHA-384 chain over PAGE_INFO structures, one per page the PSP
 * measures; SEV/SEV-ES: one SHA-256 over everything launched. */
#include "sev_measure.h"

#include <errno.h>
#include <string.h>

#include <openssl/evp.h>

#include "cvm_cleanup.h"
#include "cvm_crypto_cleanup.h"
#include "cvm_fileio.h"
#include "sev_hashes.h"
#include "sev_ovmf.h"
#include "sev_vmsa.h"

#define PAGE 4096u
#define VMSA_GPA 0xFFFFFFFFF000ULL
#define MAX_FIRMWARE (64u << 20) /* OVMF is 2-4 MiB; far larger is not firmware */

enum page_type { PT_NORMAL = 1, PT_VMSA = 2, PT_ZERO = 3, PT_UNMEASURED = 4, PT_SECRETS = 5, PT_CPUID = 6 };

/* The running SNP launch digest. */
struct gctx {
	uint8_t ld[48];
};

static int sha384(const void *data, size_t len, uint8_t out[48])
{
	return EVP_Digest(data, len, out, NULL, EVP_sha384(), NULL) ? 0 : -1;
}

static int gctx_update(struct gctx *g, enum page_type type, uint64_t gpa, const uint8_t contents[48],
		       cvm_err *err)
{
	uint8_t info[0x70] = { 0 };
	memcpy(info, g->ld, 48);
	memcpy(info + 48, contents, 48);
	info[96] = 0x70; /* u16 length */
	info[98] = (uint8_t)type;
	/* is_imi, vmpl3/2/1 permissions, reserved: zero */
	for (int i = 0; i < 8; i++)
		info[104 + i] = (uint8_t)(gpa >> (8 * i));
	if (sha384(info, sizeof(info), g->ld) < 0)
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "SHA-384 failed");
	return 0;
}

static int gctx_normal_pages(struct gctx *g, uint64_t gpa, const uint8_t *data, size_t len, cvm_err *err)
{
	uint8_t h[48];
	for (size_t off = 0; off < len; off += PAGE) {
		if (sha384(data + off, PAGE, h) < 0)
			return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "SHA-384 failed");
		if (gctx_update(g, PT_NORMAL, gpa + off, h, err) < 0)
			return -1;
	}
	return 0;
}

static int gctx_empty_pages(struct gctx *g, enum page_type type, uint64_t gpa, uint64_t len, cvm_err *err)
{
	static const uint8_t zero[48];
	for (uint64_t off = 0; off < len; off += PAGE)
		if (gctx_update(g, type, gpa + off, zero, err) < 0)
			return -1;
	return 0;
}

static int kernel_hashes_section(struct gctx *g, const struct cvm_ovmf *o, const struct cvm_ovmf_section *s,
				 const struct cvm_sev_hashes *hashes, cvm_err *err)
{
	if (!hashes)
		return gctx_empty_pages(g, PT_ZERO, s->gpa, s->size, err);
	if (!o->has_hashes_table)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
				   "firmware has a kernel hashes section but no SEV hash table GUID");
	if (s->size != PAGE || o->hashes_table_gpa < s->gpa || o->hashes_table_gpa >= s->gpa + s->size)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
				   "firmware SEV hash table at %#x is not inside its one-page kernel hashes section (%#x + %#x)",
				   o->hashes_table_gpa, s->gpa, s->size);
	uint8_t page[PAGE];
	if (cvm_sev_hashes_page(hashes, o->hashes_table_gpa & (PAGE - 1), page, err) < 0)
		return -1;
	return gctx_normal_pages(g, s->gpa, page, PAGE, err);
}

static int metadata_pages(struct gctx *g, const struct cvm_ovmf *o, const struct cvm_sev_hashes *hashes,
			  cvm_err *err)
{
	if (!o->has_metadata)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
				   "firmware has no SEV metadata (not an OVMF build for SEV-SNP)");
	if (hashes && !cvm_ovmf_has_section(o, CVM_OVMF_KERNEL_HASHES))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
				   "a kernel is given but the firmware has no SNP kernel hashes section "
				   "(use an AmdSev OVMF build, or boot without kernel hashes)");
	for (size_t i = 0; i < o->n_sections; i++) {
		const struct cvm_ovmf_section *s = &o->sections[i];
		int r = 0;
		switch (s->type) {
		case CVM_OVMF_SEC_MEM:
		case CVM_OVMF_SVSM_CAA:
			r = gctx_empty_pages(g, PT_ZERO, s->gpa, s->size, err);
			break;
		case CVM_OVMF_SECRETS:
			r = gctx_empty_pages(g, PT_SECRETS, s->gpa, PAGE, err);
			break;
		case CVM_OVMF_CPUID:
			r = gctx_empty_pages(g, PT_CPUID, s->gpa, PAGE, err);
			break;
		case CVM_OVMF_KERNEL_HASHES:
			r = kernel_hashes_section(g, o, s, hashes, err);
			break;
		default: /* the parser admits only the types above */
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "unknown SEV metadata section type %#x",
					   s->type);
		}
		if (r < 0)
			return -1;
	}
	return 0;
}

static int check_vcpus(const struct cvm_measure_args *a, const struct cvm_ovmf *o, cvm_err *err)
{
	if (a->vcpus == 0 || a->vcpus > 4096)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "vcpus must be 1..4096, not %u", a->vcpus);
	if (a->vcpus > 1 && !o->has_reset_eip)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
				   "firmware has no SEV-ES reset block: cannot start %u vCPUs", a->vcpus);
	return 0;
}

static int snp_digest(const struct cvm_measure_args *a, const struct cvm_ovmf *o,
		      const struct cvm_sev_hashes *hashes, uint8_t out[48], cvm_err *err)
{
	struct gctx g = { { 0 } };
	if (a->mode == CVM_MEASURE_SNP && a->has_ovmf_hash)
		memcpy(g.ld, a->ovmf_hash, 48);
	else if (gctx_normal_pages(&g, o->gpa, o->data, o->len, err) < 0)
		return -1;
	if (a->mode == CVM_MEASURE_SNP) {
		if (check_vcpus(a, o, err) < 0 || metadata_pages(&g, o, hashes, err) < 0)
			return -1;
		uint8_t page[PAGE], h[48];
		for (unsigned i = 0; i < a->vcpus; i++) {
			cvm_vmsa_build(page, i == 0 ? CVM_VMSA_BSP_EIP : o->reset_eip, a->vcpu_sig, a->guest_features);
			if (sha384(page, PAGE, h) < 0)
				return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "SHA-384 failed");
			if (gctx_update(&g, PT_VMSA, VMSA_GPA, h, err) < 0)
				return -1;
		}
	}
	memcpy(out, g.ld, 48);
	return 0;
}

static int sev_digest(const struct cvm_measure_args *a, const struct cvm_ovmf *o,
		      const struct cvm_sev_hashes *hashes, uint8_t out[32], cvm_err *err)
{
	if (a->mode == CVM_MEASURE_SEV_ES && check_vcpus(a, o, err) < 0)
		return -1;
	cvm_auto_evp_md_ctx EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) || !EVP_DigestUpdate(ctx, o->data, o->len))
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "SHA-256 failed");
	if (hashes) {
		uint8_t table[CVM_SEV_HASH_TABLE_PADDED_LEN];
		cvm_sev_hashes_table(hashes, table);
		if (!EVP_DigestUpdate(ctx, table, sizeof(table)))
			return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "SHA-256 failed");
	}
	if (a->mode == CVM_MEASURE_SEV_ES) {
		uint8_t page[PAGE];
		for (unsigned i = 0; i < a->vcpus; i++) {
			/* SEV-ES VMSAs carry no SEV_FEATURES */
			cvm_vmsa_build(page, i == 0 ? CVM_VMSA_BSP_EIP : o->reset_eip, a->vcpu_sig, 0);
			if (!EVP_DigestUpdate(ctx, page, PAGE))
				return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "SHA-256 failed");
		}
	}
	if (!EVP_DigestFinal_ex(ctx, out, NULL))
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "SHA-256 failed");
	return 0;
}

int cvm_measure_image(const struct cvm_measure_args *a, const uint8_t *ovmf, size_t ovmf_len,
		      const struct cvm_sev_hashes *hashes, uint8_t *digest, size_t *len, cvm_err *err)
{
	struct cvm_ovmf o;
	if (cvm_ovmf_parse(ovmf, ovmf_len, &o, err) < 0)
		return cvm_err_prefix(err, "firmware: ");
	switch (a->mode) {
	case CVM_MEASURE_SNP:
	case CVM_MEASURE_SNP_OVMF_HASH:
		*len = 48;
		return snp_digest(a, &o, a->mode == CVM_MEASURE_SNP ? hashes : NULL, digest, err);
	case CVM_MEASURE_SEV_ES:
	case CVM_MEASURE_SEV:
		*len = 32;
		return sev_digest(a, &o, hashes, digest, err);
	default:
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "unknown measurement mode %d", (int)a->mode);
	}
}

int cvm_measure(const struct cvm_measure_args *a, uint8_t *digest, size_t *len, cvm_err *err)
{
	if (!a->ovmf)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "no firmware (OVMF) image given");
	struct cvm_sev_hashes h;
	bool with_hashes = a->kernel != NULL && a->mode != CVM_MEASURE_SNP_OVMF_HASH;
	if (with_hashes && cvm_sev_hashes_compute(a->kernel, a->initrd, a->append, &h, err) < 0)
		return -1;
	cvm_autofree uint8_t *fw = NULL;
	size_t fw_len = 0;
	if (cvm_read_file(a->ovmf, MAX_FIRMWARE, &fw, &fw_len, err) < 0)
		return cvm_err_prefix(err, "firmware: ");
	return cvm_measure_image(a, fw, fw_len, with_hashes ? &h : NULL, digest, len, err);
}

static const char *const mode_names[] = {
	[CVM_MEASURE_SNP] = "snp",
	[CVM_MEASURE_SNP_OVMF_HASH] = "snp:ovmf-hash",
	[CVM_MEASURE_SEV_ES] = "seves",
	[CVM_MEASURE_SEV] = "sev",
};

const char *cvm_measure_mode_name(enum cvm_measure_mode m)
{
	return (unsigned)m < sizeof(mode_names) / sizeof(mode_names[0]) ? mode_names[m] : "?";
}

bool cvm_measure_mode_parse(const char *s, enum cvm_measure_mode *out)
{
	for (size_t i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++) {
		if (strcmp(s, mode_names[i]) == 0) {
			*out = (enum cvm_measure_mode)i;
			return true;
		}
	}
	return false;
}
