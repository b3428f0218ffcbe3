/* OVMF footer table and SEV metadata parser (edk2 OvmfPkg/ResetVector,
 * layout as in FORMATS.md §2). Every offset read is bounds-checked against
 * the image because the image is outside input. */
#include "sev_ovmf.h"

#include <string.h>

#include "sev_guid.h"

#define FOUR_GIB 0x100000000ULL
#define ENTRY_HDR 18u /* u16 size + GUID, after the entry's data */
#define FOOTER_GAP 32u /* the table ends 32 bytes before the end of the image */
#define META_HDR 16u
#define META_ITEM 12u

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* Record one table entry's data we care about; others are skipped. */
static int take_entry(struct cvm_ovmf *o, const uint8_t *guid, const uint8_t *data, size_t len,
		      uint32_t *meta_off, bool *has_meta, cvm_err *err)
{
	uint32_t *dst = NULL;
	bool *flag = NULL;
	const char *what = NULL;

	if (memcmp(guid, CVM_GUID_SEV_HASH_TABLE_RV, 16) == 0) {
		dst = &o->hashes_table_gpa, flag = &o->has_hashes_table, what = "SEV hash table";
	} else if (memcmp(guid, CVM_GUID_SEV_ES_RESET_BLOCK, 16) == 0) {
		dst = &o->reset_eip, flag = &o->has_reset_eip, what = "SEV-ES reset block";
	} else if (memcmp(guid, CVM_GUID_SEV_META_DATA, 16) == 0) {
		dst = meta_off, flag = has_meta, what = "SEV metadata";
	} else {
		return 0;
	}
	if (len < 4)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
				   "OVMF footer table: %s entry has %zu data bytes, 4 needed", what, len);
	*dst = le32(data);
	*flag = true;
	return 0;
}

static int parse_footer(struct cvm_ovmf *o, uint32_t *meta_off, bool *has_meta, cvm_err *err)
{
	const uint8_t *d = o->data;
	if (o->len < FOOTER_GAP + ENTRY_HDR)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
				   "OVMF image is %zu bytes, too short for a footer table", o->len);
	size_t footer = o->len - FOOTER_GAP - ENTRY_HDR;
	if (memcmp(d + footer + 2, CVM_GUID_OVMF_TABLE_FOOTER, 16) != 0)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
				   "OVMF footer table GUID not found 32 bytes before the end of the image");
	size_t total = le16(d + footer);
	if (total < ENTRY_HDR || total - ENTRY_HDR > footer)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "OVMF footer table size %zu is invalid", total);
	/* Walk backwards from the footer: each entry's header follows its data. */
	size_t start = footer - (total - ENTRY_HDR), end = footer;
	while (end - start >= ENTRY_HDR) {
		const uint8_t *hdr = d + end - ENTRY_HDR;
		size_t size = le16(hdr);
		if (size < ENTRY_HDR || size > end - start)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
					   "OVMF footer table: entry at offset %zu has invalid size %zu",
					   end - ENTRY_HDR, size);
		if (take_entry(o, hdr + 2, d + end - size, size - ENTRY_HDR, meta_off, has_meta, err) < 0)
			return -1;
		end -= size;
	}
	return 0;
}

static int parse_metadata(struct cvm_ovmf *o, uint32_t off, cvm_err *err)
{
	if (off > o->len || off < META_HDR)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
				   "OVMF SEV metadata offset %u is outside the %zu-byte image", off, o->len);
	const uint8_t *h = o->data + (o->len - off);
	if (memcmp(h, "ASEV", 4) != 0)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "OVMF SEV metadata: bad signature (not \"ASEV\")");
	uint32_t size = le32(h + 4), version = le32(h + 8), n = le32(h + 12);
	if (version != 1)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "OVMF SEV metadata: version %u, only 1 is known",
				   version);
	if (size < META_HDR || size > off || (size - META_HDR) / META_ITEM < n)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
				   "OVMF SEV metadata: size %u cannot hold %u sections", size, n);
	if (n > CVM_OVMF_MAX_SECTIONS)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "OVMF SEV metadata: %u sections, at most %d",
				   n, CVM_OVMF_MAX_SECTIONS);
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *it = h + META_HDR + (size_t)i * META_ITEM;
		struct cvm_ovmf_section s = { le32(it), le32(it + 4), le32(it + 8) };
		switch (s.type) {
		case CVM_OVMF_SEC_MEM:
		case CVM_OVMF_SECRETS:
		case CVM_OVMF_CPUID:
		case CVM_OVMF_SVSM_CAA:
		case CVM_OVMF_KERNEL_HASHES:
			break;
		default:
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
					   "OVMF SEV metadata: section %u has unknown type %#x", i, s.type);
		}
		if ((uint64_t)s.gpa + s.size > FOUR_GIB)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
					   "OVMF SEV metadata: section %u (%#x + %#x) ends above 4 GiB", i,
					   s.gpa, s.size);
		o->sections[o->n_sections++] = s;
	}
	o->has_metadata = true;
	return 0;
}

int cvm_ovmf_parse(const uint8_t *data, size_t len, struct cvm_ovmf *out, cvm_err *err)
{
	memset(out, 0, sizeof(*out));
	out->data = data;
	out->len = len;
	if (len == 0 || len > FOUR_GIB || len % 4096 != 0)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
				   "OVMF image size %zu is not a non-zero multiple of 4096 below 4 GiB", len);
	out->gpa = FOUR_GIB - len;
	uint32_t meta_off = 0;
	bool has_meta = false;
	if (parse_footer(out, &meta_off, &has_meta, err) < 0)
		return -1;
	if (has_meta && parse_metadata(out, meta_off, err) < 0)
		return -1;
	return 0;
}

bool cvm_ovmf_has_section(const struct cvm_ovmf *o, uint32_t type)
{
	for (size_t i = 0; i < o->n_sections; i++)
		if (o->sections[i].type == type)
			return true;
	return false;
}
