#include "tdx_testsign.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvm_fileio.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

/* ---- tiny DER writer for the SGX extension ------------------------------------ */

struct buf {
	uint8_t *p;
	size_t n, cap;
};

static void put(struct buf *b, const void *d, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2 + 64;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			abort();
	}
	memcpy(b->p + b->n, d, n);
	b->n += n;
}

static void put_u8(struct buf *b, uint8_t x)
{
	put(b, &x, 1);
}

static void tlv(struct buf *b, uint8_t tag, const uint8_t *d, size_t n)
{
	put_u8(b, tag);
	if (n < 128) {
		put_u8(b, (uint8_t)n);
	} else if (n < 256) {
		put_u8(b, 0x81);
		put_u8(b, (uint8_t)n);
	} else {
		put_u8(b, 0x82);
		put_u8(b, (uint8_t)(n >> 8));
		put_u8(b, (uint8_t)n);
	}
	put(b, d, n);
}

static void wrap(struct buf *out, uint8_t tag, struct buf *in)
{
	tlv(out, tag, in->p, in->n);
	free(in->p);
	memset(in, 0, sizeof(*in));
}

/* 1.2.840.113741.1.13.1 */
static const uint8_t sgx_oid[] = { 0x2A, 0x86, 0x48, 0x86, 0xF8, 0x4D, 0x01, 0x0D, 0x01 };

static void oid(struct buf *b, int a, int c)
{
	uint8_t o[16];
	size_t n = sizeof(sgx_oid);

	memcpy(o, sgx_oid, n);
	o[n++] = (uint8_t)a;
	if (c > 0)
		o[n++] = (uint8_t)c;
	tlv(b, 0x06, o, n);
}

static void integer(struct buf *b, unsigned v)
{
	uint8_t be[4], d[5];
	size_t k = 0, n = 0;

	do {
		be[k++] = (uint8_t)v;
		v >>= 8;
	} while (v);
	if (be[k - 1] & 0x80) /* DER: a positive INTEGER needs a leading zero */
		d[n++] = 0;
	while (k)
		d[n++] = be[--k];
	tlv(b, 0x02, d, n);
}

static void pair_octets(struct buf *seq, int a, int c, const uint8_t *d, size_t n)
{
	struct buf p = { 0 };
	oid(&p, a, c);
	tlv(&p, 0x04, d, n);
	wrap(seq, 0x30, &p);
}

static void pair_int(struct buf *seq, int a, int c, unsigned v)
{
	struct buf p = { 0 };
	oid(&p, a, c);
	integer(&p, v);
	wrap(seq, 0x30, &p);
}

static struct buf sgx_extension(const struct tdx_ts_platform *plat)
{
	static const uint8_t ppid[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	struct buf ext = { 0 }, tcb = { 0 }, p = { 0 };
	uint8_t zero = 0;

	pair_octets(&ext, 1, 0, ppid, 16);
	for (int i = 0; i < 16; i++)
		pair_int(&tcb, 2, i + 1, plat->cpusvn[i]);
	pair_int(&tcb, 2, 17, plat->pcesvn);
	pair_octets(&tcb, 2, 18, plat->cpusvn, 16);
	oid(&p, 2, 0);
	wrap(&p, 0x30, &tcb);
	wrap(&ext, 0x30, &p);
	pair_octets(&ext, 3, 0, plat->pceid, 2);
	pair_octets(&ext, 4, 0, plat->fmspc, 6);
	oid(&p, 5, 0);
	tlv(&p, 0x0A, &zero, 1); /* SGX type: standard */
	wrap(&ext, 0x30, &p);
	struct buf out = { 0 };
	wrap(&out, 0x30, &ext);
	return out;
}

/* ---- keys and certificates ----------------------------------------------------- */

static EVP_PKEY *p256(void)
{
	return EVP_EC_gen("P-256");
}

static X509_NAME *name(const char *cn)
{
	X509_NAME *n = X509_NAME_new();
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC, (const unsigned char *)"Throwaway Test PKI", -1, -1, 0);
	return n;
}

static void add_ext(X509 *c, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509V3_set_ctx(&ctx, issuer, c, NULL, NULL, 0);
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	X509_add_ext(c, e, -1);
	X509_EXTENSION_free(e);
}

static X509 *cert(const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key, bool ca, long serial,
		  const struct tdx_ts_platform *plat, bool sgx_ext)
{
	X509 *c = X509_new();
	X509_NAME *n = name(cn);

	X509_set_version(c, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(c), serial);
	X509_set_subject_name(c, n);
	X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer) : n);
	X509_NAME_free(n);
	ASN1_TIME_set(X509_getm_notBefore(c), plat->not_before);
	ASN1_TIME_set(X509_getm_notAfter(c), plat->not_after);
	X509_set_pubkey(c, key);
	add_ext(c, issuer ? issuer : c, NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
	add_ext(c, issuer ? issuer : c, NID_key_usage, ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,nonRepudiation");
	add_ext(c, issuer ? issuer : c, NID_subject_key_identifier, "hash");
	if (issuer)
		add_ext(c, issuer, NID_authority_key_identifier, "keyid");
	if (sgx_ext) {
		struct buf der = sgx_extension(plat);
		ASN1_OBJECT *o = OBJ_txt2obj("1.2.840.113741.1.13.1", 1);
		ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
		ASN1_OCTET_STRING_set(os, der.p, (int)der.n);
		X509_EXTENSION *e = X509_EXTENSION_create_by_OBJ(NULL, o, 0, os);
		X509_add_ext(c, e, -1);
		X509_EXTENSION_free(e);
		ASN1_OCTET_STRING_free(os);
		ASN1_OBJECT_free(o);
		free(der.p);
	}
	X509_sign(c, issuer_key, EVP_sha256());
	return c;
}

void tdx_ts_platform_default(struct tdx_ts_platform *plat)
{
	static const uint8_t cpusvn[16] = { 2, 2, 7, 7, 4, 1, 0, 2 };
	static const uint8_t fmspc[6] = { 0x00, 0xA0, 0x6D, 0x08, 0x00, 0x00 };

	memset(plat, 0, sizeof(*plat));
	memcpy(plat->fmspc, fmspc, 6);
	memcpy(plat->cpusvn, cpusvn, 16);
	plat->pcesvn = 11;
	plat->not_before = 1704067200; /* 2024-01-01 */
	plat->not_after = 2019686400;  /* 2034-01-01 */
}

int tdx_ts_pki_new(struct tdx_ts_pki *k, const struct tdx_ts_platform *plat)
{
	memset(k, 0, sizeof(*k));
	k->plat = *plat;
	if (!(k->root_key = p256()) || !(k->ca_key = p256()) || !(k->pck_key = p256()) || !(k->tcb_key = p256()) ||
	    !(k->att_key = p256()))
		return -1;
	k->root = cert("Intel SGX Root CA", k->root_key, NULL, k->root_key, true, 1, plat, false);
	k->ca = cert("Intel SGX PCK Platform CA", k->ca_key, k->root, k->root_key, true, 2, plat, false);
	k->pck = cert("Intel SGX PCK Certificate", k->pck_key, k->ca, k->ca_key, false, 3, plat, true);
	k->tcb_signer = cert("Intel SGX TCB Signing", k->tcb_key, k->root, k->root_key, false, 4, plat, false);
	return k->root && k->ca && k->pck && k->tcb_signer ? 0 : -1;
}

void tdx_ts_pki_free(struct tdx_ts_pki *k)
{
	EVP_PKEY_free(k->root_key);
	EVP_PKEY_free(k->ca_key);
	EVP_PKEY_free(k->pck_key);
	EVP_PKEY_free(k->tcb_key);
	EVP_PKEY_free(k->att_key);
	X509_free(k->root);
	X509_free(k->ca);
	X509_free(k->pck);
	X509_free(k->tcb_signer);
	memset(k, 0, sizeof(*k));
}

/* ---- signing --------------------------------------------------------------------- */

/* ECDSA-SHA256 as raw big-endian r||s. */
static void sign_raw(EVP_PKEY *key, const uint8_t *msg, size_t len, uint8_t rs[64])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char der[128];
	size_t derlen = sizeof(der);
	const unsigned char *p = der;
	const BIGNUM *r, *s;

	EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key);
	EVP_DigestSign(md, der, &derlen, msg, len);
	EVP_MD_CTX_free(md);
	ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)derlen);
	ECDSA_SIG_get0(sig, &r, &s);
	BN_bn2binpad(r, rs, 32);
	BN_bn2binpad(s, rs + 32, 32);
	ECDSA_SIG_free(sig);
}

static void pub_xy(EVP_PKEY *key, uint8_t xy[64])
{
	uint8_t pt[65];
	size_t n = 0;

	EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof(pt), &n);
	memcpy(xy, pt + 1, 64);
}

static void le16(struct buf *b, uint16_t v)
{
	uint8_t d[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
	put(b, d, 2);
}

static void le32(struct buf *b, uint32_t v)
{
	uint8_t d[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	put(b, d, 4);
}

static void le64(struct buf *b, uint64_t v)
{
	le32(b, (uint32_t)v);
	le32(b, (uint32_t)(v >> 32));
}

void tdx_ts_quote_opts_default(struct tdx_ts_quote_opts *o, uint16_t version, uint16_t body_type)
{
	memset(o, 0, sizeof(*o));
	o->version = version;
	o->body_type = version == 5 ? body_type : 2;
	o->td_attributes = 1ull << 28; /* SEPT_VE_DISABLE, as real TDs */
	o->xfam = 0x61ae7;
	o->tee_tcb_svn[0] = 5;
	o->tee_tcb_svn[1] = 0;
	o->tee_tcb_svn[2] = 2;
	memcpy(o->tee_tcb_svn2, o->tee_tcb_svn, 16);
	memset(o->mrtd, 0xA1, 48);
	for (int i = 0; i < 4; i++)
		memset(o->rtmr[i], 0xB0 + i, 48);
	o->qe_isvsvn = 7;
}

static void body(struct buf *b, const struct tdx_ts_quote_opts *o)
{
	uint8_t z[48] = { 0 }, mrseam[48];

	memset(mrseam, 0x5E, 48);
	put(b, o->tee_tcb_svn, 16);
	put(b, mrseam, 48);
	put(b, z, 48); /* MRSIGNERSEAM: Intel's module is all-zero */
	le64(b, 0);    /* SEAM_ATTRIBUTES */
	le64(b, o->td_attributes);
	le64(b, o->xfam);
	put(b, o->mrtd, 48);
	put(b, o->mrconfigid, 48);
	put(b, o->mrowner, 48);
	put(b, z, 48);
	for (int i = 0; i < 4; i++)
		put(b, o->rtmr[i], 48);
	put(b, o->report_data, 64);
	if (o->version == 5 && o->body_type == 3) {
		put(b, o->tee_tcb_svn2, 16);
		put(b, z, 48);
	}
}

static void qe_report(struct buf *b, const struct tdx_ts_pki *k, const struct tdx_ts_quote_opts *o,
		      const uint8_t att[64], const uint8_t auth[32])
{
	uint8_t r[384] = { 0 };
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned int n;

	memcpy(r, k->plat.cpusvn, 16);
	r[0x30] = 0x15;                  /* ATTRIBUTES: INIT, MODE64BIT, PROVISIONKEY */
	memset(r + 0x40, 0xEE, 32);      /* MRENCLAVE */
	memset(r + 0x80, 0xDC, 32);      /* MRSIGNER */
	r[0x100] = 2;                    /* ISVPRODID: TD_QE */
	r[0x102] = (uint8_t)o->qe_isvsvn;
	r[0x103] = (uint8_t)(o->qe_isvsvn >> 8);
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	EVP_DigestUpdate(md, att, 64);
	EVP_DigestUpdate(md, auth, 32);
	EVP_DigestFinal_ex(md, r + 0x140, &n);
	EVP_MD_CTX_free(md);
	if (o->bad_qe_binding)
		r[0x140] ^= 1;
	put(b, r, sizeof(r));
}

static void pem_of(struct buf *b, X509 *c)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *p;
	long n;

	PEM_write_bio_X509(bio, c);
	n = BIO_get_mem_data(bio, &p);
	put(b, p, (size_t)n);
	BIO_free(bio);
}

uint8_t *tdx_ts_quote(const struct tdx_ts_pki *k, const struct tdx_ts_quote_opts *o, size_t *len)
{
	struct buf q = { 0 }, cert = { 0 }, pem = { 0 };
	uint8_t att[64], auth[32], rs[64], zero20[20] = { 0 };

	for (int i = 0; i < 32; i++)
		auth[i] = (uint8_t)i;
	pub_xy(k->att_key, att);
	/* header */
	le16(&q, o->version);
	le16(&q, 2);
	le32(&q, 0x81);
	le16(&q, k->plat.pcesvn);
	le16(&q, o->qe_isvsvn);
	put(&q, (const uint8_t[16]){ 0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9, 0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f,
				     0x06, 0x07 },
	    16);
	put(&q, zero20, 20);
	if (o->version == 5) {
		le16(&q, o->body_type);
		le32(&q, o->body_type == 3 ? 648 : 584);
	}
	body(&q, o);
	size_t signed_len = q.n;

	/* certification data: QE report, its signature, auth data, PCK chain */
	qe_report(&cert, k, o, att, auth);
	sign_raw(k->pck_key, cert.p, 384, rs);
	put(&cert, rs, 64);
	le16(&cert, 32);
	put(&cert, auth, 32);
	pem_of(&pem, k->pck);
	pem_of(&pem, k->ca);
	pem_of(&pem, k->root);
	if (!o->no_nul)
		put_u8(&pem, 0);
	le16(&cert, 5);
	le32(&cert, (uint32_t)pem.n);
	put(&cert, pem.p, pem.n);

	sign_raw(k->att_key, q.p, signed_len, rs);
	le32(&q, (uint32_t)(64 + 64 + 6 + cert.n));
	put(&q, rs, 64);
	put(&q, att, 64);
	le16(&q, 6);
	le32(&q, (uint32_t)cert.n);
	put(&q, cert.p, cert.n);
	for (size_t i = 0; i < o->trailing; i++)
		put_u8(&q, (uint8_t)(0xA5 ^ i));
	free(cert.p);
	free(pem.p);
	*len = q.n;
	return q.p;
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void tdx_ts_layout(const uint8_t *q, size_t len, struct tdx_ts_layout *l)
{
	(void)len;
	uint16_t version = (uint16_t)(q[0] | q[1] << 8);
	size_t off = 48;

	if (version == 5)
		off += 6 + rd32(q + 50);
	else
		off += 584;
	l->signed_len = off;
	l->sig_off = off + 4;
	l->key_off = l->sig_off + 64;
	l->qe_off = l->key_off + 64 + 6;
	l->qe_sig_off = l->qe_off + 384;
	l->auth_len = (size_t)(q[l->qe_sig_off + 64] | q[l->qe_sig_off + 65] << 8);
	l->auth_off = l->qe_sig_off + 66;
	l->pem_off = l->auth_off + l->auth_len + 6;
	l->pem_len = rd32(q + l->pem_off - 4);
}

/* ---- collateral -------------------------------------------------------------------- */

void tdx_ts_coll_opts_default(struct tdx_ts_coll_opts *o, const struct tdx_ts_pki *k)
{
	memset(o, 0, sizeof(*o));
	o->issue = 1767225600; /* 2026-01-01 */
	o->next = 1798761600;  /* 2027-01-01 */
	memcpy(o->fmspc, k->plat.fmspc, 6);
	o->qe_isvsvn = 4;
	o->qe_isvprodid = 2;
}

static void fmt_time(time_t t, char out[32])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void put_str(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

static void putf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct buf *b, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	put_str(b, tmp);
}

static void components(struct buf *b, const char *key, const uint8_t svn[16])
{
	putf(b, "\"%s\":[", key);
	for (int i = 0; i < 16; i++)
		putf(b, "%s{\"svn\":%u%s}", i ? "," : "", svn[i], i == 0 ? ",\"category\":\"BIOS\"" : "");
	put_str(b, "]");
}

static void hexs(char *out, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02X", b[i]);
}

static void tcb_info_body(struct buf *b, const struct tdx_ts_pki *k, const struct tdx_ts_coll_opts *o)
{
	char is[32], nx[32], fmspc[13], pceid[5];
	const char *sep = o->pretty ? "\n  " : "";

	fmt_time(o->issue, is);
	fmt_time(o->next, nx);
	hexs(fmspc, o->fmspc, 6);
	hexs(pceid, k->plat.pceid, 2);
	putf(b, "{%s\"id\":\"TDX\",\"version\":3,\"issueDate\":\"%s\",\"nextUpdate\":\"%s\",\"fmspc\":\"%s\","
		"\"pceId\":\"%s\",\"tcbType\":0,\"tcbEvaluationDataNumber\":17,",
	     sep, is, nx, fmspc, pceid);
	put_str(b, "\"tdxModule\":{\"mrsigner\":\"000000000000000000000000000000000000000000000000000000000000000000000000"
		   "000000000000000000000000\",\"attributes\":\"0000000000000000\",\"attributesMask\":\"FFFFFFFFFFFFFFFF\"},");
	if (o->module_version)
		putf(b,
		     "\"tdxModuleIdentities\":[{\"id\":\"TDX_%02X\",\"mrsigner\":\"0000000000000000000000000000000000"
		     "00000000000000000000000000000000000000000000000000000000000000\",\"attributes\":\"0000000000000000\","
		     "\"attributesMask\":\"FFFFFFFFFFFFFFFF\",\"tcbLevels\":[{\"tcb\":{\"isvsvn\":%u},\"tcbDate\":"
		     "\"2024-03-13T00:00:00Z\",\"tcbStatus\":\"UpToDate\"},{\"tcb\":{\"isvsvn\":0},\"tcbDate\":"
		     "\"2023-01-01T00:00:00Z\",\"tcbStatus\":\"OutOfDate\"}]}],",
		     o->module_version, o->module_isvsvn);
	put_str(b, "\"tcbLevels\":[");
	for (size_t i = 0; i < o->n_levels; i++) {
		const struct tdx_ts_level *l = &o->levels[i];
		putf(b, "%s%s{\"tcb\":{", i ? "," : "", sep);
		components(b, "sgxtcbcomponents", l->sgx);
		putf(b, ",\"pcesvn\":%u,", l->pcesvn);
		components(b, "tdxtcbcomponents", l->tdx);
		putf(b, "},\"tcbDate\":\"2024-03-13T00:00:00Z\",\"tcbStatus\":\"%s\"%s}", l->status,
		     strcmp(l->status, "UpToDate") ? ",\"advisoryIDs\":[\"INTEL-SA-00001\",\"INTEL-SA-00002\"]" : "");
	}
	putf(b, "]%s}", o->pretty ? "\n" : "");
}

static void qe_identity_body(struct buf *b, const struct tdx_ts_coll_opts *o)
{
	char is[32], nx[32];

	fmt_time(o->issue, is);
	fmt_time(o->next, nx);
	putf(b,
	     "{\"id\":\"TD_QE\",\"version\":2,\"issueDate\":\"%s\",\"nextUpdate\":\"%s\",\"tcbEvaluationDataNumber\":17,"
	     "\"miscselect\":\"00000000\",\"miscselectMask\":\"FFFFFFFF\",\"attributes\":\"11000000000000000000000000000000\","
	     "\"attributesMask\":\"FBFFFFFFFFFFFFFF0000000000000000\",\"mrsigner\":"
	     "\"DCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDC\",\"isvprodid\":%u,\"tcbLevels\":["
	     "{\"tcb\":{\"isvsvn\":%u},\"tcbDate\":\"2024-03-13T00:00:00Z\",\"tcbStatus\":\"UpToDate\"},"
	     "{\"tcb\":{\"isvsvn\":0},\"tcbDate\":\"2023-01-01T00:00:00Z\",\"tcbStatus\":\"OutOfDate\"}]}",
	     is, nx, o->qe_isvprodid, o->qe_isvsvn);
}

static int write_file(const char *dir, const char *name, const void *d, size_t n)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t w = fwrite(d, 1, n, f);
	return fclose(f) == 0 && w == n ? 0 : -1;
}

static int write_signed(EVP_PKEY *signer, const char *dir, const char *file, const char *key, struct buf *body,
			bool tamper)
{
	uint8_t rs[64];
	char hex[129];
	struct buf doc = { 0 };

	sign_raw(signer, body->p, body->n, rs);
	if (tamper) /* flip one digit of the first svn after signing */
		for (size_t i = 0; i + 6 < body->n; i++)
			if (memcmp(body->p + i, "\"svn\":", 6) == 0) {
				body->p[i + 6] = body->p[i + 6] == '9' ? '8' : (uint8_t)(body->p[i + 6] + 1);
				break;
			}
	for (int i = 0; i < 64; i++)
		sprintf(hex + 2 * i, "%02x", rs[i]);
	putf(&doc, "{\"%s\":", key);
	put(&doc, body->p, body->n);
	putf(&doc, ",\"signature\":\"%s\"}", hex);
	int rc = write_file(dir, file, doc.p, doc.n);
	free(doc.p);
	return rc;
}

int tdx_ts_write_root(const struct tdx_ts_pki *k, const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	PEM_write_X509(f, k->root);
	return fclose(f);
}

int tdx_ts_write_collateral(const struct tdx_ts_pki *k, const struct tdx_ts_coll_opts *o, const char *dir)
{
	struct buf ti = { 0 }, qi = { 0 }, chain = { 0 };
	char root[4096];
	int rc = 0;

	tcb_info_body(&ti, k, o);
	qe_identity_body(&qi, o);
	EVP_PKEY *signer = o->ca_signs ? k->ca_key : k->tcb_key;
	rc |= write_signed(signer, dir, "tcbInfo.json", "tcbInfo", &ti, o->tamper_tcb_info);
	rc |= write_signed(signer, dir, "enclaveIdentity.json", "enclaveIdentity", &qi, false);
	pem_of(&chain, o->ca_signs ? k->ca : k->tcb_signer);
	pem_of(&chain, k->root);
	rc |= write_file(dir, "tcbinfo_issuer_chain.pem", chain.p, chain.n);
	rc |= write_file(dir, "qeidentity_issuer_chain.pem", chain.p, chain.n);
	snprintf(root, sizeof(root), "%s/root.pem", dir);
	rc |= tdx_ts_write_root(k, root);
	free(ti.p);
	free(qi.p);
	free(chain.p);
	return rc ? -1 : 0;
}

int tdx_ts_write_crl(const struct tdx_ts_pki *k, bool pck_ca, bool revoke, time_t this_update, time_t next_update,
		     const char *path)
{
	X509_CRL *crl = X509_CRL_new();
	X509 *issuer = pck_ca ? k->ca : k->root, *victim = pck_ca ? k->pck : k->ca;
	ASN1_TIME *t1 = ASN1_TIME_set(NULL, this_update), *t2 = ASN1_TIME_set(NULL, next_update);
	unsigned char *der = NULL;
	int n, rc = -1;

	X509_CRL_set_version(crl, 1);
	X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer));
	X509_CRL_set1_lastUpdate(crl, t1);
	X509_CRL_set1_nextUpdate(crl, t2);
	if (revoke) {
		X509_REVOKED *r = X509_REVOKED_new();
		X509_REVOKED_set_serialNumber(r, X509_get_serialNumber(victim));
		X509_REVOKED_set_revocationDate(r, t1);
		X509_CRL_add0_revoked(crl, r);
	}
	X509_CRL_sort(crl);
	X509_CRL_sign(crl, pck_ca ? k->ca_key : k->root_key, EVP_sha256());
	if ((n = i2d_X509_CRL(crl, &der)) > 0) {
		FILE *f = fopen(path, "wb");
		if (f) {
			rc = fwrite(der, 1, (size_t)n, f) == (size_t)n ? 0 : -1;
			rc |= fclose(f);
		}
	}
	OPENSSL_free(der);
	ASN1_TIME_free(t1);
	ASN1_TIME_free(t2);
	X509_CRL_free(crl);
	return rc;
}

/* A file of the shared public vectors (${CVM_VECTORS_DIR}/@rel), malloc'd and
 * NUL-terminated, or NULL when the vectors are absent (callers skip). */
static __attribute__((unused)) uint8_t *tts_read_vector(const char *rel, size_t *len)
{
	const char *dir = getenv("CVM_VECTORS_DIR");
	char path[4096];
	uint8_t *buf = NULL;
	cvm_err err = { 0 };

	if (!dir)
		return NULL;
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if (cvm_read_file(path, 1 << 20, &buf, len, &err) < 0)
		return NULL;
	return buf;
}
