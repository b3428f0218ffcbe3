#include "snp_report.h"

#include <stdio.h>
#include <string.h>

const struct cvm_snp_policy_bit cvm_snp_policy_bits[] = {
    {"smt", CVM_SNP_POL_SMT},
    {"migrate_ma", CVM_SNP_POL_MIGRATE_MA},
    {"debug", CVM_SNP_POL_DEBUG},
    {"single_socket", CVM_SNP_POL_SINGLE_SOCKET},
    {"cxl_allow", CVM_SNP_POL_CXL_ALLOW},
    {"mem_aes_256_xts", CVM_SNP_POL_MEM_AES_256_XTS},
    {"rapl_dis", CVM_SNP_POL_RAPL_DIS},
    {"ciphertext_hiding", CVM_SNP_POL_CIPHERTEXT_HIDING},
    {"page_swap_disable", CVM_SNP_POL_PAGE_SWAP_DISABLE},
    {NULL, 0},
};

uint64_t cvm_snp_policy_bit_by_name(const char *name)
{
	for (const struct cvm_snp_policy_bit *b = cvm_snp_policy_bits; b->name; b++)
		if (strcmp(b->name, name) == 0)
			return b->mask;
	return 0;
}

void cvm_snp_policy_bits_str(uint64_t policy, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (const struct cvm_snp_policy_bit *b = cvm_snp_policy_bits; b->name; b++) {
		if (!(policy & b->mask))
			continue;
		int n = snprintf(out + used, size - used, "%s%s", used ? "," : "", b->name);
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
	if (!used)
		snprintf(out, size, "none");
}

const char *cvm_snp_product_name(enum cvm_snp_product p)
{
	switch (p) {
	case CVM_SNP_PRODUCT_MILAN:
		return "Milan";
	case CVM_SNP_PRODUCT_GENOA:
		return "Genoa";
	case CVM_SNP_PRODUCT_TURIN:
		return "Turin";
	case CVM_SNP_PRODUCT_UNKNOWN:
	default:
		return "unknown";
	}
}

enum cvm_snp_product cvm_snp_product_from_name(const char *name)
{
	static const struct {
		const char *prefix;
		enum cvm_snp_product p;
	} names[] = {
	    {"Milan", CVM_SNP_PRODUCT_MILAN},
	    {"Genoa", CVM_SNP_PRODUCT_GENOA},
	    {"Turin", CVM_SNP_PRODUCT_TURIN},
	};

	if (strncmp(name, "SEV-VLEK-", 9) == 0)
		name += 9;
	else if (strncmp(name, "SEV-", 4) == 0 || strncmp(name, "ARK-", 4) == 0)
		name += 4;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = strlen(names[i].prefix);
		/* "Milan" or "Milan-B0" (the VCEK productName carries the stepping) */
		if (strncmp(name, names[i].prefix, n) == 0 && (name[n] == '\0' || name[n] == '-'))
			return names[i].p;
	}
	return CVM_SNP_PRODUCT_UNKNOWN;
}

enum cvm_snp_product cvm_snp_product_from_cpuid(uint8_t fam, uint8_t mod)
{
	if (fam == 0x19 && mod <= 0x0F)
		return CVM_SNP_PRODUCT_MILAN;
	if (fam == 0x19 && ((mod >= 0x10 && mod <= 0x1F) || (mod >= 0xA0 && mod <= 0xAF)))
		return CVM_SNP_PRODUCT_GENOA;
	if (fam == 0x1A && mod <= 0x11)
		return CVM_SNP_PRODUCT_TURIN;
	return CVM_SNP_PRODUCT_UNKNOWN;
}

void cvm_snp_tcb_decode(uint64_t raw, enum cvm_snp_product product, struct cvm_snp_tcb *out)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(raw >> (8 * i));
	memset(out, 0, sizeof(*out));
	out->raw = raw;
	if (product == CVM_SNP_PRODUCT_TURIN) {
		out->has_fmc = true;
		out->fmc = b[0];
		out->bl = b[1];
		out->tee = b[2];
		out->snp = b[3];
	} else {
		out->bl = b[0];
		out->tee = b[1];
		out->snp = b[6];
	}
	out->ucode = b[7];
}

void cvm_snp_tcb_str(const struct cvm_snp_tcb *t, char *out, size_t size)
{
	if (t->has_fmc)
		snprintf(out, size, "fmc=%u bl=%u tee=%u snp=%u ucode=%u", t->fmc, t->bl, t->tee, t->snp, t->ucode);
	else
		snprintf(out, size, "bl=%u tee=%u snp=%u ucode=%u", t->bl, t->tee, t->snp, t->ucode);
}

static bool tcb_cmp(const struct cvm_snp_tcb *a, const struct cvm_snp_tcb *b, bool eq, const char **which)
{
	const struct {
		const char *name;
		uint8_t x, y;
		bool use;
	} c[] = {
	    {"fmc", a->fmc, b->fmc, a->has_fmc && b->has_fmc},
	    {"bl", a->bl, b->bl, true},
	    {"tee", a->tee, b->tee, true},
	    {"snp", a->snp, b->snp, true},
	    {"ucode", a->ucode, b->ucode, true},
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		if (!c[i].use)
			continue;
		if (eq ? c[i].x != c[i].y : c[i].x < c[i].y) {
			if (which)
				*which = c[i].name;
			return false;
		}
	}
	return true;
}

bool cvm_snp_tcb_ge(const struct cvm_snp_tcb *a, const struct cvm_snp_tcb *b, const char **which)
{
	return tcb_cmp(a, b, false, which);
}

bool cvm_snp_tcb_eq(const struct cvm_snp_tcb *a, const struct cvm_snp_tcb *b, const char **which)
{
	return tcb_cmp(a, b, true, which);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

/* The field layout follows VERSION: CPUID FMS appeared in v3 (v4 uses the v3
 * layout), the MIT vectors in v5. Later versions are read as v5 (virtee). */
static unsigned layout_of(uint32_t version)
{
	if (version >= 5)
		return 5;
	if (version >= 3)
		return 3;
	return 2;
}

int cvm_snp_report_parse(const uint8_t *buf, size_t len, struct cvm_snp_report *r, cvm_err *err)
{
	unsigned layout;

	if (len != CVM_SNP_REPORT_SIZE)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "SNP report must be %u bytes (got %zu)",
		                   CVM_SNP_REPORT_SIZE, len);
	memset(r, 0, sizeof(*r));
	r->raw = buf;
	r->version = le32(buf + 0x000);
	r->guest_svn = le32(buf + 0x004);
	r->policy = le64(buf + 0x008);
	memcpy(r->family_id, buf + 0x010, 16);
	memcpy(r->image_id, buf + 0x020, 16);
	r->vmpl = le32(buf + 0x030);
	r->sig_algo = le32(buf + 0x034);
	r->current_tcb = le64(buf + 0x038);
	r->platform_info = le64(buf + 0x040);
	r->signer_info = le32(buf + 0x048);
	r->author_key_en = r->signer_info & 1;
	r->mask_chip_key = (r->signer_info >> 1) & 1;
	r->signing_key = (r->signer_info >> 2) & 7;
	memcpy(r->report_data, buf + 0x050, 64);
	memcpy(r->measurement, buf + 0x090, 48);
	memcpy(r->host_data, buf + 0x0C0, 32);
	memcpy(r->id_key_digest, buf + 0x0E0, 48);
	memcpy(r->author_key_digest, buf + 0x110, 48);
	memcpy(r->report_id, buf + 0x140, 32);
	memcpy(r->report_id_ma, buf + 0x160, 32);
	r->reported_tcb = le64(buf + 0x180);
	layout = layout_of(r->version);
	if (layout >= 3) {
		r->has_cpuid = true;
		r->cpuid_fam = buf[0x188];
		r->cpuid_mod = buf[0x189];
		r->cpuid_step = buf[0x18A];
	}
	memcpy(r->chip_id, buf + 0x1A0, 64);
	r->committed_tcb = le64(buf + 0x1E0);
	r->current_build = buf[0x1E8];
	r->current_minor = buf[0x1E9];
	r->current_major = buf[0x1EA];
	r->committed_build = buf[0x1EC];
	r->committed_minor = buf[0x1ED];
	r->committed_major = buf[0x1EE];
	r->launch_tcb = le64(buf + 0x1F0);
	if (layout >= 5) {
		r->has_mit = true;
		r->launch_mit_vector = le64(buf + 0x1F8);
		r->current_mit_vector = le64(buf + 0x200);
	}
	memcpy(r->sig_r, buf + 0x2A0, 72);
	memcpy(r->sig_s, buf + 0x2E8, 72);

	if (r->has_cpuid) {
		r->product = cvm_snp_product_from_cpuid(r->cpuid_fam, r->cpuid_mod);
		r->product_source = r->product ? "cpuid" : NULL;
	} else if (!all_zero(r->chip_id, 8) && all_zero(r->chip_id + 8, 56)) {
		/* Turin's hwID is 8 bytes; older parts use all 64 (FORMATS.md §1). */
		r->product = CVM_SNP_PRODUCT_TURIN;
		r->product_source = "chip_id";
	}
	return 0;
}

bool cvm_snp_report_lint(const struct cvm_snp_report *r, char *why, size_t size)
{
	const uint8_t *b = r->raw;
	unsigned layout = layout_of(r->version);
	size_t rsv_lo = layout >= 3 ? 0x18B : 0x188;
	size_t tail_lo = layout >= 5 ? 0x208 : 0x1F8;

	if (r->version < 2) {
		snprintf(why, size, "unsupported report version %u (supported: 2, 3, 4, 5)", r->version);
		return false;
	}
	if (r->sig_algo != 1) {
		snprintf(why, size, "SIGNATURE_ALGO %u is not 1 (ECDSA P-384 with SHA-384)", r->sig_algo);
		return false;
	}
	if (!(r->policy & CVM_SNP_POL_RESERVED1) || (r->policy & CVM_SNP_POL_MBZ)) {
		snprintf(why, size, "POLICY 0x%llx: bit 17 must be 1 and bits 63:26 zero",
		         (unsigned long long)r->policy);
		return false;
	}
	if (r->signer_info >> 5) {
		snprintf(why, size, "signer info 0x%x has reserved bits 31:5 set", r->signer_info);
		return false;
	}
	if (r->signing_key != CVM_SNP_SIGNER_VCEK && r->signing_key != CVM_SNP_SIGNER_VLEK &&
	    r->signing_key != CVM_SNP_SIGNER_NONE) {
		snprintf(why, size, "SIGNING_KEY %u is reserved", r->signing_key);
		return false;
	}
	if (r->vmpl > 3) {
		snprintf(why, size, "VMPL %u is out of range 0..3", r->vmpl);
		return false;
	}
	const struct {
		size_t lo, hi;
	} mbz[] = {
	    {0x04C, 0x050}, {rsv_lo, 0x1A0},  {0x1EB, 0x1EC},
	    {0x1EF, 0x1F0}, {tail_lo, 0x2A0}, {0x330, CVM_SNP_REPORT_SIZE},
	};
	for (size_t i = 0; i < sizeof(mbz) / sizeof(mbz[0]); i++) {
		if (!all_zero(b + mbz[i].lo, mbz[i].hi - mbz[i].lo)) {
			snprintf(why, size, "reserved bytes 0x%zx..0x%zx are not zero", mbz[i].lo, mbz[i].hi - 1);
			return false;
		}
	}
	snprintf(why, size, "version %u (layout v%u), signature algorithm ECDSA P-384", r->version, layout);
	return true;
}

/* GUIDs of the cert table (go-sev-guest abi.go). The firmware ABI does not
 * pin the byte order; both RFC 4122 order and the mixed-endian Windows GUID
 * order are accepted, since the entry only selects a slot and every
 * certificate is then checked on its own merits. */
static const struct {
	enum cvm_snp_cert_kind kind;
	uint8_t guid[16];
} cert_guids[] = {
    {CVM_SNP_CERT_VCEK,
     {0x63, 0xda, 0x75, 0x8d, 0xe6, 0x64, 0x45, 0x64, 0xad, 0xc5, 0xf4, 0xb9, 0x3b, 0xe8, 0xac, 0xcd}},
    {CVM_SNP_CERT_VLEK,
     {0xa8, 0x07, 0x4b, 0xc2, 0xa2, 0x5a, 0x48, 0x3e, 0xaa, 0xe6, 0x39, 0xc0, 0x45, 0xa0, 0xb8, 0xa1}},
    {CVM_SNP_CERT_ASK,
     {0x4a, 0xb7, 0xb3, 0x79, 0xbb, 0xac, 0x4f, 0xe4, 0xa0, 0x2f, 0x05, 0xae, 0xf3, 0x27, 0xc7, 0x82}},
    {CVM_SNP_CERT_ARK,
     {0xc0, 0xb4, 0x06, 0xa4, 0xa8, 0x03, 0x49, 0x52, 0x97, 0x43, 0x3f, 0xb6, 0x01, 0x4c, 0xd0, 0xae}},
};

static enum cvm_snp_cert_kind guid_kind(const uint8_t *g)
{
	for (size_t i = 0; i < sizeof(cert_guids) / sizeof(cert_guids[0]); i++) {
		const uint8_t *e = cert_guids[i].guid;
		uint8_t mixed[16] = {e[3], e[2], e[1], e[0], e[5], e[4], e[7], e[6]};
		memcpy(mixed + 8, e + 8, 8);
		if (memcmp(g, e, 16) == 0 || memcmp(g, mixed, 16) == 0)
			return cert_guids[i].kind;
	}
	return CVM_SNP_CERT_UNKNOWN;
}

int cvm_snp_cert_table_parse(const uint8_t *buf, size_t len, struct cvm_snp_cert_entry *out, size_t *n, cvm_err *err)
{
	size_t count = 0;

	for (size_t pos = 0;; pos += 24) {
		if (pos > len || len - pos < 24)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "SNP cert table: no terminating all-zero entry");
		const uint8_t *e = buf + pos;
		if (all_zero(e, 24))
			break;
		uint32_t off = le32(e + 16), elen = le32(e + 20);
		if (off > len || elen > len - off || elen == 0)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
			                   "SNP cert table entry %zu: offset %u length %u outside the %zu-byte table",
			                   count, off, elen, len);
		if (off < pos + 24)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
			                   "SNP cert table entry %zu: data at offset %u overlaps the entries", count,
			                   off);
		if (count == CVM_SNP_CERT_TABLE_MAX)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "SNP cert table: more than %d entries",
			                   CVM_SNP_CERT_TABLE_MAX);
		out[count].kind = guid_kind(e);
		out[count].der = buf + off;
		out[count].len = elen;
		count++;
	}
	*n = count;
	return 0;
}
