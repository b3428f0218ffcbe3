/* Test-only AMD SEV-SNP PKI and report signer; see snp_testsign.h. */
#include "snp_testsign.h"

#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

static EVP_PKEY *ts_keygen(const char *alg, const char *param, unsigned bits)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, alg, NULL);
	EVP_PKEY *key = NULL;

	if (!ctx || EVP_PKEY_keygen_init(ctx) <= 0)
		goto out;
	if (bits && EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, (int)bits) <= 0)
		goto out;
	if (param && EVP_PKEY_CTX_set_group_name(ctx, param) <= 0)
		goto out;
	if (EVP_PKEY_keygen(ctx, &key) <= 0)
		key = NULL;
out:
	EVP_PKEY_CTX_free(ctx);
	return key;
}

int snp_ts_world_init(struct snp_ts_world *w)
{
	memset(w, 0, sizeof(*w));
	w->ark_key = ts_keygen("RSA", NULL, 4096);
	w->ask_key = ts_keygen("RSA", NULL, 4096);
	w->leaf_key = ts_keygen("EC", "P-384", 0);
	w->other_leaf_key = ts_keygen("EC", "P-384", 0);
	return w->ark_key && w->ask_key && w->leaf_key && w->other_leaf_key ? 0 : -1;
}

void snp_ts_world_free(struct snp_ts_world *w)
{
	EVP_PKEY_free(w->ark_key);
	EVP_PKEY_free(w->ask_key);
	EVP_PKEY_free(w->leaf_key);
	EVP_PKEY_free(w->other_leaf_key);
	memset(w, 0, sizeof(*w));
}

static const char *product_str(enum snp_ts_product p)
{
	return p == SNP_TS_GENOA ? "Genoa" : p == SNP_TS_TURIN ? "Turin" : "Milan";
}

void snp_ts_params_default(struct snp_ts_params *p, enum snp_ts_product product)
{
	memset(p, 0, sizeof(*p));
	p->product = product;
	p->fmc = 1;
	p->bl = 3;
	p->tee = 0;
	p->snp = 8;
	p->ucode = 115;
	p->not_before = 1672531200; /* 2023-01-01 */
	p->not_after = 1893456000;  /* 2030-01-01 */
	p->leaf_serial = 0;         /* like real VCEKs */
}

static X509_NAME *amd_name(const char *cn)
{
	X509_NAME *n = X509_NAME_new();
	const char *f[][2] = {{"OU", "Engineering"},           {"C", "US"}, {"L", "Santa Clara"}, {"ST", "CA"},
	                      {"O", "Advanced Micro Devices"}, {"CN", cn}};

	for (size_t i = 0; n && i < sizeof(f) / sizeof(f[0]); i++)
		if (!X509_NAME_add_entry_by_txt(n, f[i][0], MBSTRING_ASC, (const unsigned char *)f[i][1], -1, -1, 0)) {
			X509_NAME_free(n);
			return NULL;
		}
	return n;
}

/* RSASSA-PSS, SHA-384, MGF1-SHA-384, salt 48: what AMD uses everywhere. */
static EVP_MD_CTX *pss_ctx(EVP_PKEY *key)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;

	if (!md || EVP_DigestSignInit(md, &pctx, EVP_sha384(), NULL, key) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 48) != 1 || EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha384()) != 1) {
		EVP_MD_CTX_free(md);
		return NULL;
	}
	return md;
}

static int add_ext_conf(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *e;
	int ok;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!e)
		return -1;
	ok = X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok ? 0 : -1;
}

/* An extension whose extnValue holds @der verbatim (AMD's hwID is raw bytes,
 * the SPLs are DER INTEGERs, productName an IA5String). */
static int add_ext_raw(X509 *x, const char *oid, const uint8_t *der, size_t len)
{
	ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
	ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
	X509_EXTENSION *e = NULL;
	int ok = 0;

	if (obj && os && ASN1_OCTET_STRING_set(os, der, (int)len))
		e = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, os);
	if (e)
		ok = X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	ASN1_OCTET_STRING_free(os);
	ASN1_OBJECT_free(obj);
	return ok ? 0 : -1;
}

static int add_ext_int(X509 *x, const char *oid, long v)
{
	ASN1_INTEGER *i = ASN1_INTEGER_new();
	unsigned char *der = NULL;
	int len, rc = -1;

	if (i && ASN1_INTEGER_set(i, v) && (len = i2d_ASN1_INTEGER(i, &der)) > 0)
		rc = add_ext_raw(x, oid, der, (size_t)len);
	OPENSSL_free(der);
	ASN1_INTEGER_free(i);
	return rc;
}

static int add_ext_ia5(X509 *x, const char *oid, const char *s)
{
	ASN1_IA5STRING *a = ASN1_IA5STRING_new();
	unsigned char *der = NULL;
	int len, rc = -1;

	if (a && ASN1_STRING_set(a, s, -1) && (len = i2d_ASN1_IA5STRING(a, &der)) > 0)
		rc = add_ext_raw(x, oid, der, (size_t)len);
	OPENSSL_free(der);
	ASN1_IA5STRING_free(a);
	return rc;
}

static X509 *cert_new(EVP_PKEY *pub, const char *subject_cn, X509 *issuer, const char *issuer_cn, long serial,
                      const struct snp_ts_params *p)
{
	X509 *x = X509_new();
	X509_NAME *sn = amd_name(subject_cn), *in = issuer ? NULL : amd_name(issuer_cn);
	int ok = x && sn && (issuer || in) && X509_set_version(x, 2) &&
	         ASN1_INTEGER_set(X509_get_serialNumber(x), serial) && X509_set_subject_name(x, sn) &&
	         X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : in) &&
	         ASN1_TIME_set(X509_getm_notBefore(x), p->not_before) &&
	         ASN1_TIME_set(X509_getm_notAfter(x), p->not_after) && X509_set_pubkey(x, pub);

	X509_NAME_free(sn);
	X509_NAME_free(in);
	if (!ok) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static int cert_sign(X509 *x, EVP_PKEY *key)
{
	EVP_MD_CTX *md = pss_ctx(key);
	int ok = md && X509_sign_ctx(x, md) > 0;

	EVP_MD_CTX_free(md);
	return ok ? 0 : -1;
}

void snp_ts_chip_id(enum snp_ts_product product, uint8_t out[64])
{
	memset(out, 0, 64);
	for (size_t i = 0; i < (product == SNP_TS_TURIN ? 8u : 64u); i++)
		out[i] = (uint8_t)(0xC0 ^ (i * 7));
}

int snp_ts_chain_make(const struct snp_ts_world *w, const struct snp_ts_params *p, struct snp_ts_chain *out)
{
	char ark_cn[32], ask_cn[32];
	const char *prod = product_str(p->product);
	uint8_t hwid[64];

	memset(out, 0, sizeof(*out));
	snprintf(ark_cn, sizeof(ark_cn), "ARK-%s", prod);
	snprintf(ask_cn, sizeof(ask_cn), p->vlek ? "SEV-VLEK-%s" : "SEV-%s", prod);

	out->ark = cert_new(w->ark_key, ark_cn, NULL, ark_cn, 0x10000, p);
	if (!out->ark || add_ext_conf(out->ark, out->ark, NID_subject_key_identifier, "hash") ||
	    add_ext_conf(out->ark, out->ark, NID_basic_constraints, "critical,CA:TRUE") ||
	    add_ext_conf(out->ark, out->ark, NID_key_usage, "critical,keyCertSign,cRLSign") ||
	    cert_sign(out->ark, w->ark_key))
		goto fail;
	out->ask = cert_new(w->ask_key, ask_cn, out->ark, NULL, 0x10001, p);
	if (!out->ask || add_ext_conf(out->ask, out->ark, NID_subject_key_identifier, "hash") ||
	    add_ext_conf(out->ask, out->ark, NID_authority_key_identifier, "keyid:always") ||
	    add_ext_conf(out->ask, out->ark, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") ||
	    add_ext_conf(out->ask, out->ark, NID_key_usage, "critical,keyCertSign,cRLSign") ||
	    cert_sign(out->ask, w->ark_key))
		goto fail;
	/* The leaf, like a real VCEK: serial 0, no AuthorityKeyIdentifier. */
	out->leaf = cert_new(w->leaf_key, p->vlek ? "SEV-VLEK" : "SEV-VCEK", out->ask, NULL, p->leaf_serial, p);
	if (!out->leaf)
		goto fail;
	const char *pname = p->product_name                         ? p->product_name
	                    : p->vlek || p->product == SNP_TS_TURIN ? prod
	                    : p->product == SNP_TS_GENOA            ? "Genoa-B1"
	                                                            : "Milan-B0";
	if (add_ext_int(out->leaf, "1.3.6.1.4.1.3704.1.1", p->product == SNP_TS_TURIN ? 1 : 0) ||
	    add_ext_ia5(out->leaf, "1.3.6.1.4.1.3704.1.2", pname) ||
	    add_ext_int(out->leaf, "1.3.6.1.4.1.3704.1.3.1", p->bl) ||
	    add_ext_int(out->leaf, "1.3.6.1.4.1.3704.1.3.2", p->tee) ||
	    add_ext_int(out->leaf, "1.3.6.1.4.1.3704.1.3.3", p->snp) ||
	    add_ext_int(out->leaf, "1.3.6.1.4.1.3704.1.3.8", p->ucode))
		goto fail;
	if (p->product == SNP_TS_TURIN) {
		if (add_ext_int(out->leaf, "1.3.6.1.4.1.3704.1.3.9", p->fmc))
			goto fail;
	} else {
		for (int i = 4; i <= 7; i++) { /* spl4..7 exist (as 0) on older parts */
			char oid[32];
			snprintf(oid, sizeof(oid), "1.3.6.1.4.1.3704.1.3.%d", i);
			if (add_ext_int(out->leaf, oid, 0))
				goto fail;
		}
	}
	if (p->vlek) {
		if (add_ext_ia5(out->leaf, "1.3.6.1.4.1.3704.1.5", "test-csp"))
			goto fail;
	} else {
		snp_ts_chip_id(p->product, hwid);
		if (add_ext_raw(out->leaf, "1.3.6.1.4.1.3704.1.4", hwid, p->product == SNP_TS_TURIN ? 8 : 64))
			goto fail;
	}
	if (cert_sign(out->leaf, w->ask_key))
		goto fail;
	return 0;
fail:
	ERR_print_errors_fp(stderr);
	snp_ts_chain_free(out);
	return -1;
}

void snp_ts_chain_free(struct snp_ts_chain *c)
{
	X509_free(c->ark);
	X509_free(c->ask);
	X509_free(c->leaf);
	memset(c, 0, sizeof(*c));
}

STACK_OF(X509) * snp_ts_chain_stack(const struct snp_ts_chain *c)
{
	STACK_OF(X509) *s = sk_X509_new_null();
	X509 *certs[] = {c->leaf, c->ask, c->ark};

	for (size_t i = 0; s && i < 3; i++) {
		if (!certs[i])
			continue;
		X509_up_ref(certs[i]);
		sk_X509_push(s, certs[i]);
	}
	return s;
}

void snp_ts_put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void snp_ts_put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

uint64_t snp_ts_tcb(enum snp_ts_product product, int fmc, int bl, int tee, int snp, int ucode)
{
	uint8_t b[8] = {0};
	uint64_t v = 0;

	if (product == SNP_TS_TURIN) {
		b[0] = (uint8_t)fmc;
		b[1] = (uint8_t)bl;
		b[2] = (uint8_t)tee;
		b[3] = (uint8_t)snp;
	} else {
		b[0] = (uint8_t)bl;
		b[1] = (uint8_t)tee;
		b[6] = (uint8_t)snp;
	}
	b[7] = (uint8_t)ucode;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

void snp_ts_report_init(uint8_t rep[SNP_TS_REPORT_SIZE], uint32_t version, const struct snp_ts_params *p)
{
	uint64_t tcb = snp_ts_tcb(p->product, p->fmc, p->bl, p->tee, p->snp, p->ucode);
	static const uint8_t cpuid[][3] = {{0, 0, 0}, {0x19, 0x01, 0x01}, {0x19, 0x11, 0x01}, {0x1A, 0x02, 0x00}};

	memset(rep, 0, SNP_TS_REPORT_SIZE);
	snp_ts_put32(rep + 0x000, version);
	snp_ts_put32(rep + 0x004, 1);       /* GUEST_SVN */
	snp_ts_put64(rep + 0x008, 0x30000); /* POLICY: SMT allowed, bit 17 */
	snp_ts_put32(rep + 0x034, 1);       /* SIGNATURE_ALGO */
	snp_ts_put64(rep + 0x038, tcb);     /* CURRENT_TCB */
	snp_ts_put64(rep + 0x040, 1);       /* PLATFORM_INFO: SMT_EN */
	snp_ts_put32(rep + 0x048, (p->vlek ? 1u : 0u) << 2);
	for (int i = 0; i < 48; i++)
		rep[0x090 + i] = (uint8_t)(0x40 + i); /* MEASUREMENT */
	memset(rep + 0x140, 0x11, 32);                /* REPORT_ID */
	memset(rep + 0x160, 0xff, 32);                /* REPORT_ID_MA: none */
	snp_ts_put64(rep + 0x180, tcb);               /* REPORTED_TCB */
	if (version >= 3)
		memcpy(rep + 0x188, cpuid[p->product], 3);
	snp_ts_chip_id(p->product, rep + 0x1A0);
	snp_ts_put64(rep + 0x1E0, tcb);                   /* COMMITTED_TCB */
	rep[0x1E8] = 21, rep[0x1E9] = 55, rep[0x1EA] = 1; /* CURRENT 1.55 build 21 */
	rep[0x1EC] = 21, rep[0x1ED] = 55, rep[0x1EE] = 1; /* COMMITTED */
	snp_ts_put64(rep + 0x1F0, tcb);                   /* LAUNCH_TCB */
	if (version >= 5) {
		snp_ts_put64(rep + 0x1F8, 0xb); /* LAUNCH_MIT_VECTOR */
		snp_ts_put64(rep + 0x200, 0xb); /* CURRENT_MIT_VECTOR */
	}
}

int snp_ts_report_sign(uint8_t rep[SNP_TS_REPORT_SIZE], EVP_PKEY *key)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char der[160];
	const unsigned char *p = der;
	size_t len = sizeof(der);
	ECDSA_SIG *sig = NULL;
	int rc = -1;

	if (!md || EVP_DigestSignInit(md, NULL, EVP_sha384(), NULL, key) != 1 ||
	    EVP_DigestSign(md, der, &len, rep, 0x2A0) != 1 || !(sig = d2i_ECDSA_SIG(NULL, &p, (long)len)))
		goto out;
	memset(rep + 0x2A0, 0, SNP_TS_REPORT_SIZE - 0x2A0);
	if (BN_bn2lebinpad(ECDSA_SIG_get0_r(sig), rep + 0x2A0, 72) != 72 ||
	    BN_bn2lebinpad(ECDSA_SIG_get0_s(sig), rep + 0x2E8, 72) != 72)
		goto out;
	rc = 0;
out:
	ECDSA_SIG_free(sig);
	EVP_MD_CTX_free(md);
	return rc;
}

X509_CRL *snp_ts_crl(X509 *issuer, EVP_PKEY *issuer_key, X509 *revoked, time_t last, time_t next)
{
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *t1 = ASN1_TIME_set(NULL, last), *t2 = ASN1_TIME_set(NULL, next);
	EVP_MD_CTX *md = pss_ctx(issuer_key);
	int ok = crl && t1 && t2 && md && X509_CRL_set_version(crl, 1) &&
	         X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer)) && X509_CRL_set1_lastUpdate(crl, t1) &&
	         X509_CRL_set1_nextUpdate(crl, t2);

	if (ok && revoked) {
		X509_REVOKED *r = X509_REVOKED_new();
		ok = r && X509_REVOKED_set_serialNumber(r, X509_get_serialNumber(revoked)) &&
		     X509_REVOKED_set_revocationDate(r, t1) && X509_CRL_add0_revoked(crl, r);
		if (!ok)
			X509_REVOKED_free(r);
	}
	ok = ok && X509_CRL_sort(crl) && X509_CRL_sign_ctx(crl, md) > 0;
	ASN1_TIME_free(t1);
	ASN1_TIME_free(t2);
	EVP_MD_CTX_free(md);
	if (!ok) {
		X509_CRL_free(crl);
		return NULL;
	}
	return crl;
}

void snp_ts_fingerprint(X509 *x, char out[65])
{
	unsigned char md[32];
	unsigned int len = sizeof(md);

	X509_digest(x, EVP_sha256(), md, &len);
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

int snp_ts_write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -1;
	ok = fwrite(data, 1, len, f) == len;
	return fclose(f) == 0 && ok ? 0 : -1;
}

int snp_ts_write_der(const char *path, X509 *x)
{
	unsigned char *der = NULL;
	int len = i2d_X509(x, &der), rc = -1;

	if (len > 0)
		rc = snp_ts_write_file(path, der, (size_t)len);
	OPENSSL_free(der);
	return rc;
}

int snp_ts_write_pem(const char *path, X509 *const *certs, size_t n)
{
	FILE *f = fopen(path, "w");
	int ok = f != NULL;

	for (size_t i = 0; ok && i < n; i++)
		ok = PEM_write_X509(f, certs[i]) == 1;
	if (f && fclose(f) != 0)
		ok = 0;
	return ok ? 0 : -1;
}

int snp_ts_write_crl(const char *path, X509_CRL *crl)
{
	unsigned char *der = NULL;
	int len = i2d_X509_CRL(crl, &der), rc = -1;

	if (len > 0)
		rc = snp_ts_write_file(path, der, (size_t)len);
	OPENSSL_free(der);
	return rc;
}
