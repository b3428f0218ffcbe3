#include "tdx_pck.h"

#include <stdio.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "cvm_cleanup.h"
#include "cvm_crypto_cleanup.h"

const uint8_t cvm_intel_sgx_root_sha256[32] = {
	0x44, 0xA0, 0x19, 0x6B, 0x2B, 0x99, 0xF8, 0x89, 0xB8, 0xE1, 0x49, 0xE9, 0x5B, 0x80, 0x7A, 0x35,
	0x0E, 0x74, 0x24, 0x96, 0x43, 0x99, 0xE8, 0x85, 0xA7, 0xCB, 0xB8, 0xCC, 0xFA, 0xB6, 0x74, 0xD3,
};

#define SGX_EXT_OID "1.2.840.113741.1.13.1"

static void seq_freep(STACK_OF(ASN1_TYPE) **p)
{
	if (*p)
		sk_ASN1_TYPE_pop_free(*p, ASN1_TYPE_free);
}
#define auto_seq __attribute__((cleanup(seq_freep)))

int cvm_tdx_pem_chain(const uint8_t *pem, size_t len, STACK_OF(X509) **out, cvm_err *err)
{
	cvm_auto_x509_stack STACK_OF(X509) *sk = sk_X509_new_null();
	cvm_auto_bio BIO *bio = NULL;
	const char *marker = "-----BEGIN";

	if (!sk || len > INT32_MAX || !(bio = BIO_new_mem_buf(pem, (int)len)))
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "PCK chain: out of memory");
	for (;;) {
		X509 *c = PEM_read_bio_X509(bio, NULL, NULL, NULL);
		if (!c)
			break;
		if (!sk_X509_push(sk, c)) {
			X509_free(c);
			return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "PCK chain: out of memory");
		}
	}
	ERR_clear_error();
	/* Every BEGIN marker must have produced a certificate: a chain with a
	 * corrupt member is bad input, not a shorter chain. */
	int markers = 0;
	for (size_t i = 0; i + strlen(marker) <= len; i++)
		if (memcmp(pem + i, marker, strlen(marker)) == 0)
			markers++;
	if (sk_X509_num(sk) == 0)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "PCK chain: no PEM certificate");
	if (markers != sk_X509_num(sk))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "PCK chain: %d PEM blocks but only %d certificates parse",
				   markers, sk_X509_num(sk));
	*out = cvm_steal_ptr(&sk);
	return 0;
}

static bool oid_is(const ASN1_OBJECT *o, const char *dotted)
{
	char buf[64];

	if (OBJ_obj2txt(buf, sizeof(buf), o, 1) <= 0)
		return false;
	return strcmp(buf, dotted) == 0;
}

/* One SEQUENCE { OID, value } of the SGX extension. */
static STACK_OF(ASN1_TYPE) *pair_parse(const ASN1_TYPE *t)
{
	const unsigned char *p;
	STACK_OF(ASN1_TYPE) *pair;

	if (t->type != V_ASN1_SEQUENCE)
		return NULL;
	p = t->value.sequence->data;
	pair = d2i_ASN1_SEQUENCE_ANY(NULL, &p, t->value.sequence->length);
	if (pair && (sk_ASN1_TYPE_num(pair) != 2 || sk_ASN1_TYPE_value(pair, 0)->type != V_ASN1_OBJECT)) {
		sk_ASN1_TYPE_pop_free(pair, ASN1_TYPE_free);
		return NULL;
	}
	return pair;
}

static int get_octets(const ASN1_TYPE *v, uint8_t *out, size_t n)
{
	if (v->type != V_ASN1_OCTET_STRING || (size_t)v->value.octet_string->length != n)
		return -1;
	memcpy(out, v->value.octet_string->data, n);
	return 0;
}

static int get_int(const ASN1_TYPE *v, long max, long *out)
{
	int64_t x;

	if (v->type != V_ASN1_INTEGER || !ASN1_INTEGER_get_int64(&x, v->value.integer) || x < 0 || x > max)
		return -1;
	*out = (long)x;
	return 0;
}

/* TCB: .2.1-.2.16 component SVNs, .2.17 PCESVN (.2.18 CPUSVN repeats the components). */
static int parse_tcb(const ASN1_TYPE *v, struct cvm_sgx_pck_ext *o, unsigned *seen, cvm_err *err)
{
	const unsigned char *p;
	auto_seq STACK_OF(ASN1_TYPE) *tcb = NULL;

	if (v->type != V_ASN1_SEQUENCE)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "PCK SGX extension: TCB is not a SEQUENCE");
	p = v->value.sequence->data;
	if (!(tcb = d2i_ASN1_SEQUENCE_ANY(NULL, &p, v->value.sequence->length)))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "PCK SGX extension: malformed TCB");
	for (int i = 0; i < sk_ASN1_TYPE_num(tcb); i++) {
		auto_seq STACK_OF(ASN1_TYPE) *pair = pair_parse(sk_ASN1_TYPE_value(tcb, i));
		char oid[64], want[64];
		long x;

		if (!pair)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "PCK SGX extension: malformed TCB entry");
		OBJ_obj2txt(oid, sizeof(oid), sk_ASN1_TYPE_value(pair, 0)->value.object, 1);
		for (int c = 1; c <= 17; c++) {
			snprintf(want, sizeof(want), SGX_EXT_OID ".2.%d", c);
			if (strcmp(oid, want) != 0)
				continue;
			if (get_int(sk_ASN1_TYPE_value(pair, 1), c == 17 ? 65535 : 255, &x) < 0)
				return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "PCK SGX extension: bad TCB value %s", oid);
			if (c == 17)
				o->pcesvn = (uint16_t)x;
			else
				o->cpusvn[c - 1] = (uint8_t)x;
			*seen |= 1u << (c - 1);
		}
	}
	return 0;
}

int cvm_sgx_pck_ext_parse(X509 *pck, struct cvm_sgx_pck_ext *out, cvm_err *err)
{
	ASN1_OBJECT *obj = OBJ_txt2obj(SGX_EXT_OID, 1);
	int idx = obj ? X509_get_ext_by_OBJ(pck, obj, -1) : -1;
	auto_seq STACK_OF(ASN1_TYPE) *seq = NULL;
	unsigned tcb_seen = 0;
	bool have_ppid = false, have_pceid = false, have_fmspc = false;

	ASN1_OBJECT_free(obj);
	memset(out, 0, sizeof(*out));
	if (idx < 0)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "PCK certificate has no SGX extension (%s)", SGX_EXT_OID);
	ASN1_OCTET_STRING *data = X509_EXTENSION_get_data(X509_get_ext(pck, idx));
	const unsigned char *p = data->data;
	if (!(seq = d2i_ASN1_SEQUENCE_ANY(NULL, &p, data->length)))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "PCK SGX extension: not a SEQUENCE");
	for (int i = 0; i < sk_ASN1_TYPE_num(seq); i++) {
		auto_seq STACK_OF(ASN1_TYPE) *pair = pair_parse(sk_ASN1_TYPE_value(seq, i));
		if (!pair)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "PCK SGX extension: malformed entry %d", i);
		const ASN1_OBJECT *o = sk_ASN1_TYPE_value(pair, 0)->value.object;
		const ASN1_TYPE *v = sk_ASN1_TYPE_value(pair, 1);
		int rc = 0;
		if (oid_is(o, SGX_EXT_OID ".1"))
			rc = get_octets(v, out->ppid, 16), have_ppid = true;
		else if (oid_is(o, SGX_EXT_OID ".2"))
			rc = parse_tcb(v, out, &tcb_seen, err);
		else if (oid_is(o, SGX_EXT_OID ".3"))
			rc = get_octets(v, out->pceid, 2), have_pceid = true;
		else if (oid_is(o, SGX_EXT_OID ".4"))
			rc = get_octets(v, out->fmspc, 6), have_fmspc = true;
		if (rc < 0)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "PCK SGX extension: bad value in entry %d", i);
	}
	if (!have_ppid || !have_pceid || !have_fmspc || tcb_seen != 0x1ffffu)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
				   "PCK SGX extension incomplete (need PPID, TCB with 16 SVNs and PCESVN, PCE-ID, FMSPC)");
	return 0;
}

X509 *cvm_tdx_find_by_fingerprint(STACK_OF(X509) *chain, const uint8_t fp[32])
{
	for (int i = 0; i < sk_X509_num(chain); i++) {
		uint8_t md[32];
		unsigned int mdlen = sizeof(md);
		X509 *c = sk_X509_value(chain, i);
		if (X509_digest(c, EVP_sha256(), md, &mdlen) == 1 && mdlen == 32 && memcmp(md, fp, 32) == 0)
			return c;
	}
	return NULL;
}

static void subject_cn(X509 *c, char *out, size_t n)
{
	if (!c || X509_NAME_get_text_by_NID(X509_get_subject_name(c), NID_commonName, out, (int)n) < 0)
		snprintf(out, n, "?");
}

int cvm_tdx_chain_verify(STACK_OF(X509) *chain, STACK_OF(X509) *anchors, time_t at, STACK_OF(X509) **path,
			 char *why, size_t whylen)
{
	cvm_auto_x509_store X509_STORE *store = X509_STORE_new();
	cvm_auto_x509_store_ctx X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	char cn[128];
	bool ok = store && ctx;

	for (int i = 0; ok && i < sk_X509_num(anchors); i++)
		ok = X509_STORE_add_cert(store, sk_X509_value(anchors, i)) == 1;
	if (!ok || sk_X509_num(anchors) == 0 || X509_STORE_CTX_init(ctx, store, sk_X509_value(chain, 0), chain) != 1) {
		snprintf(why, whylen, "could not set up chain verification");
		ERR_clear_error();
		return 0;
	}
	X509_STORE_CTX_set_time(ctx, 0, at);
	if (X509_verify_cert(ctx) == 1) {
		if (path && !(*path = X509_STORE_CTX_get1_chain(ctx))) {
			snprintf(why, whylen, "out of memory");
			return 0;
		}
		return 1;
	}
	subject_cn(X509_STORE_CTX_get_current_cert(ctx), cn, sizeof(cn));
	snprintf(why, whylen, "%s (at \"%s\", depth %d)",
		 X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)), cn,
		 X509_STORE_CTX_get_error_depth(ctx));
	ERR_clear_error();
	return 0;
}

const char *cvm_tdx_anchor_desc(STACK_OF(X509) *path, char *out, size_t outlen)
{
	X509 *anchor = sk_X509_value(path, sk_X509_num(path) - 1);
	char cn[128];
	STACK_OF(X509) *one = sk_X509_new_null();

	if (one && anchor && sk_X509_push(one, anchor) && cvm_tdx_find_by_fingerprint(one, cvm_intel_sgx_root_sha256))
		snprintf(out, outlen, "pinned Intel SGX Root CA");
	else {
		subject_cn(anchor, cn, sizeof(cn));
		snprintf(out, outlen, "given root \"%s\"", cn);
	}
	sk_X509_free(one);
	return out;
}

int cvm_tdx_crl_check(X509_CRL *crl, STACK_OF(X509) *chain, time_t at, int *covered, char *why, size_t whylen)
{
	const X509_NAME *iname = X509_CRL_get_issuer(crl);
	X509 *issuer = NULL;
	X509 *cert = NULL;
	X509_REVOKED *rev = NULL;
	EVP_PKEY *key;
	char cn[128] = "?";
	int idx = -1;

	X509_NAME_get_text_by_NID((X509_NAME *)iname, NID_commonName, cn, sizeof(cn));
	/* The certificate this CRL covers: the first one it issued that is not
	 * self-issued (a root is never revoked by its own CRL). */
	for (int i = 0; i < sk_X509_num(chain) && idx < 0; i++) {
		X509 *c = sk_X509_value(chain, i);
		if (X509_NAME_cmp(X509_get_issuer_name(c), iname) == 0 &&
		    X509_NAME_cmp(X509_get_subject_name(c), iname) != 0)
			idx = i;
	}
	if (covered)
		*covered = idx;
	/* in a verified path the issuer of path[idx] is path[idx + 1] */
	if (idx >= 0 && idx + 1 < sk_X509_num(chain))
		issuer = sk_X509_value(chain, idx + 1);
	if (idx < 0 || !issuer) {
		snprintf(why, whylen, "CRL issuer \"%s\" issued no certificate of the chain", cn);
		return 0;
	}
	cert = sk_X509_value(chain, idx);
	if (!(key = X509_get0_pubkey(issuer)) || X509_CRL_verify(crl, key) != 1) {
		ERR_clear_error();
		snprintf(why, whylen, "CRL signature does not verify with \"%s\"", cn);
		return 0;
	}
	const ASN1_TIME *last = X509_CRL_get0_lastUpdate(crl), *next = X509_CRL_get0_nextUpdate(crl);
	if (!last || X509_cmp_time(last, &at) > 0) {
		snprintf(why, whylen, "CRL of \"%s\" is not yet valid", cn);
		return 0;
	}
	if (!next || X509_cmp_time(next, &at) < 0) {
		snprintf(why, whylen, "CRL of \"%s\" has expired (stale revocation data)", cn);
		return 0;
	}
	if (X509_CRL_get0_by_cert(crl, &rev, cert) == 1) {
		char scn[128];
		subject_cn(cert, scn, sizeof(scn));
		snprintf(why, whylen, "\"%s\" is revoked by the CRL of \"%s\"", scn, cn);
		return 0;
	}
	return 1;
}

EVP_PKEY *cvm_tdx_p256_key(const uint8_t xy[64])
{
	uint8_t pt[65] = { 0x04 }; /* uncompressed point */
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_PKEY *k = NULL;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)"prime256v1", 0),
		OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof(pt)),
		OSSL_PARAM_construct_end(),
	};

	memcpy(pt + 1, xy, 64);
	/* import checks that the point lies on the curve */
	if (!ctx || EVP_PKEY_fromdata_init(ctx) != 1 || EVP_PKEY_fromdata(ctx, &k, EVP_PKEY_PUBLIC_KEY, params) != 1)
		k = NULL;
	EVP_PKEY_CTX_free(ctx);
	ERR_clear_error();
	return k;
}

int cvm_tdx_ecdsa_verify(EVP_PKEY *key, const uint8_t rs[64], const uint8_t *msg, size_t len)
{
	cvm_auto_ecdsa_sig ECDSA_SIG *sig = ECDSA_SIG_new();
	cvm_auto_evp_md_ctx EVP_MD_CTX *md = EVP_MD_CTX_new();
	BIGNUM *r = BN_bin2bn(rs, 32, NULL), *s = BN_bin2bn(rs + 32, 32, NULL);
	unsigned char *der = NULL;
	int derlen, ok = 0;

	if (!sig || !md || !r || !s || !ECDSA_SIG_set0(sig, r, s)) {
		BN_free(r);
		BN_free(s);
		return 0;
	}
	if ((derlen = i2d_ECDSA_SIG(sig, &der)) > 0 && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1)
		ok = EVP_DigestVerify(md, der, (size_t)derlen, msg, len) == 1;
	OPENSSL_free(der);
	ERR_clear_error();
	return ok;
}
