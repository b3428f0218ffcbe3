#include "tdx_quote.h"

#include <stdio.h>
#include <string.h>

const uint8_t cvm_tdx_intel_qe_vendor_id[16] = { 0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9,
						 0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07 };

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* A bounded reader: every take checks the remaining length, so the parser
 * never reads past @end whatever the length fields claim. */
struct rd {
	const uint8_t *base;
	size_t off, end;
};

static const uint8_t *take(struct rd *r, size_t n, const char *what, cvm_err *err)
{
	if (n > r->end - r->off) {
		cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "TDX quote truncated: %s needs %zu bytes at offset %zu, %zu left",
			    what, n, r->off, r->end - r->off);
		return NULL;
	}
	const uint8_t *p = r->base + r->off;
	r->off += n;
	return p;
}

static void parse_body(const uint8_t *b, bool td15, struct cvm_tdx_body *o)
{
	memcpy(o->tee_tcb_svn, b + 0x00, 16);
	memcpy(o->mrseam, b + 0x10, 48);
	memcpy(o->mrsignerseam, b + 0x40, 48);
	o->seam_attributes = le64(b + 0x70);
	o->td_attributes = le64(b + 0x78);
	o->xfam = le64(b + 0x80);
	memcpy(o->mrtd, b + 0x88, 48);
	memcpy(o->mrconfigid, b + 0xB8, 48);
	memcpy(o->mrowner, b + 0xE8, 48);
	memcpy(o->mrownerconfig, b + 0x118, 48);
	for (int i = 0; i < 4; i++)
		memcpy(o->rtmr[i], b + 0x148 + 48 * i, 48);
	memcpy(o->report_data, b + 0x208, 64);
	o->is_td15 = td15;
	if (td15) {
		memcpy(o->tee_tcb_svn2, b + 0x248, 16);
		memcpy(o->mrservicetd, b + 0x258, 48);
	}
}

static void parse_sgx_report(const uint8_t *b, struct cvm_sgx_report *o)
{
	memcpy(o->cpusvn, b, 16);
	o->miscselect = le32(b + 0x10);
	memcpy(o->attributes, b + 0x30, 16);
	memcpy(o->mrenclave, b + 0x40, 32);
	memcpy(o->mrsigner, b + 0x80, 32);
	o->isvprodid = le16(b + 0x100);
	o->isvsvn = le16(b + 0x102);
	memcpy(o->report_data, b + 0x140, 64);
}

static int parse_header(struct rd *r, struct cvm_tdx_quote *q, cvm_err *err)
{
	const uint8_t *h = take(r, CVM_TDX_HEADER_SIZE, "header", err);
	if (!h)
		return -1;
	q->version = le16(h);
	q->att_key_type = le16(h + 2);
	q->tee_type = le32(h + 4);
	q->pce_svn = le16(h + 8);
	q->qe_svn = le16(h + 10);
	memcpy(q->qe_vendor_id, h + 12, 16);
	if (q->version != 4 && q->version != 5)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "TDX quote: unsupported version %u (need 4 or 5)",
				   q->version);
	if (q->tee_type != CVM_TDX_TEE_TYPE_TDX)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "TDX quote: tee_type 0x%x is not TDX (0x81)",
				   q->tee_type);
	if (q->att_key_type != CVM_TDX_ATT_KEY_ECDSA_P256)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
				   "TDX quote: attestation key type %u unsupported (need 2, ECDSA-256-P256)",
				   q->att_key_type);
	return 0;
}

static int parse_report_body(struct rd *r, struct cvm_tdx_quote *q, cvm_err *err)
{
	size_t size = CVM_TDX_BODY10_SIZE;
	const uint8_t *b;

	q->body_type = CVM_TDX_BODY_TD10;
	if (q->version == 5) {
		const uint8_t *d = take(r, 6, "v5 body descriptor", err);
		if (!d)
			return -1;
		q->body_type = le16(d);
		uint32_t bsize = le32(d + 2);
		if (q->body_type == CVM_TDX_BODY_TD15)
			size = CVM_TDX_BODY15_SIZE;
		else if (q->body_type != CVM_TDX_BODY_TD10)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
					   "TDX quote v5: body type %u unsupported (need 2 or 3)", q->body_type);
		if (bsize != size)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
					   "TDX quote v5: body size %u does not match body type %u (%zu)", bsize,
					   q->body_type, size);
	}
	if (!(b = take(r, size, "TD report body", err)))
		return -1;
	parse_body(b, q->body_type == CVM_TDX_BODY_TD15, &q->body);
	return 0;
}

/* The PCK chain (type 5) inside the QE report certification data (type 6). */
static int parse_inner_cert(struct rd *r, struct cvm_tdx_quote *q, cvm_err *err)
{
	const uint8_t *p, *a;

	if (!(q->qe_report = take(r, CVM_SGX_REPORT_SIZE, "QE report", err)))
		return -1;
	parse_sgx_report(q->qe_report, &q->qe);
	if (!(q->qe_report_sig = take(r, 64, "QE report signature", err)) ||
	    !(a = take(r, 2, "QE auth data size", err)))
		return -1;
	q->qe_auth_len = le16(a);
	if (!(q->qe_auth = take(r, q->qe_auth_len, "QE auth data", err)) ||
	    !(p = take(r, 6, "PCK certification data header", err)))
		return -1;
	if (le16(p) != CVM_TDX_CERT_PCK_CHAIN)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
				   "TDX quote: QE certification data type %u unsupported (need 5, PCK chain)", le16(p));
	size_t n = le32(p + 2);
	if (!(q->pck_chain = take(r, n, "PCK certificate chain", err)))
		return -1;
	while (n > 0 && q->pck_chain[n - 1] == '\0')
		n--;
	q->pck_chain_len = n;
	return 0;
}

static int parse_signed_data(struct rd *r, struct cvm_tdx_quote *q, cvm_err *err)
{
	const uint8_t *p;

	if (!(q->signature = take(r, 64, "quote signature", err)) ||
	    !(q->att_key = take(r, 64, "attestation key", err)) ||
	    !(p = take(r, 6, "certification data header", err)))
		return -1;
	if (le16(p) != CVM_TDX_CERT_QE_REPORT)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
				   "TDX quote: certification data type %u unsupported (need 6, QE report)", le16(p));
	size_t n = le32(p + 2);
	if (n != r->end - r->off)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
				   "TDX quote: certification data size %zu does not match signature data (%zu left)", n,
				   r->end - r->off);
	if (parse_inner_cert(r, q, err) < 0)
		return -1;
	if (r->off != r->end)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
				   "TDX quote: %zu unparsed bytes inside the certification data", r->end - r->off);
	return 0;
}

int cvm_tdx_quote_parse(const uint8_t *buf, size_t len, struct cvm_tdx_quote *q, cvm_err *err)
{
	struct rd r = { .base = buf, .off = 0, .end = len };
	const uint8_t *p;

	memset(q, 0, sizeof(*q));
	if (parse_header(&r, q, err) < 0 || parse_report_body(&r, q, err) < 0)
		return -1;
	q->signed_data = buf;
	q->signed_len = r.off;
	if (!(p = take(&r, 4, "signature data size", err)))
		return -1;
	size_t sig_len = le32(p);
	if (sig_len > len - r.off)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
				   "TDX quote truncated: signature data size %zu at offset %zu, %zu bytes left", sig_len,
				   r.off - 4, len - r.off);
	/* Parse the signature data as its own bounded region; what follows it
	 * is trailing data (39, 70 or 3065 bytes in real quotes). */
	struct rd s = { .base = buf, .off = r.off, .end = r.off + sig_len };
	q->trailing = len - s.end;
	return parse_signed_data(&s, q, err);
}

static const struct {
	const char *name;
	uint64_t bit;
} attr_names[] = {
	{ "debug", CVM_TDX_ATTR_DEBUG },	 { "sept_ve_disable", CVM_TDX_ATTR_SEPT_VE_DISABLE },
	{ "migratable", CVM_TDX_ATTR_MIGRATABLE }, { "pks", CVM_TDX_ATTR_PKS },
	{ "kl", CVM_TDX_ATTR_KL },		 { "perfmon", CVM_TDX_ATTR_PERFMON },
};

uint64_t cvm_tdx_attr_bit(const char *name)
{
	for (size_t i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]); i++)
		if (strcmp(name, attr_names[i].name) == 0)
			return attr_names[i].bit;
	return 0;
}

const char *cvm_tdx_attr_names(uint64_t attrs, char *out, size_t outlen)
{
	size_t used = 0;

	if (outlen == 0)
		return out;
	out[0] = '\0';
	for (int b = 0; b < 64; b++) {
		uint64_t bit = 1ull << b;
		const char *name = NULL;
		char tmp[8];

		if (!(attrs & bit))
			continue;
		for (size_t i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]); i++)
			if (attr_names[i].bit == bit)
				name = attr_names[i].name;
		if (!name) {
			snprintf(tmp, sizeof(tmp), "bit%d", b);
			name = tmp;
		}
		int n = snprintf(out + used, outlen - used, "%s%s", used ? "," : "", name);
		if (n < 0 || (size_t)n >= outlen - used) {
			out[used] = '\0'; /* whole names only */
			break;
		}
		used += (size_t)n;
	}
	return out;
}
