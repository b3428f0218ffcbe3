#include "snp_chain.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509_vfy.h>

#include "attest_util.h"
#include "cvm_crypto_cleanup.h"
#include "cvm_fileio.h"

/* SHA-256 of the ARK DER as served by KDS .../vcek/v1/{P}/cert_chain (the
 * same ARK signs the VLEK chain). See attest/roots/README.md. */
const struct cvm_snp_root cvm_snp_builtin_roots[] = {
    {CVM_SNP_PRODUCT_MILAN,
     {0x69, 0xd0, 0x63, 0xb4, 0x53, 0x44, 0xd2, 0x6a, 0x2e, 0x94, 0xe1, 0xf4, 0x21, 0x0d, 0xe4, 0x9e,
      0xf5, 0x55, 0x30, 0x82, 0x87, 0xd4, 0xc1, 0x74, 0x44, 0x5c, 0x95, 0x63, 0x9a, 0x54, 0x0b, 0xcd},
     "AMD ARK-Milan"},
    {CVM_SNP_PRODUCT_GENOA,
     {0x4c, 0x65, 0x98, 0xd1, 0x9c, 0x18, 0x71, 0x9c, 0x5d, 0xfd, 0x4a, 0x7d, 0x33, 0x5f, 0x67, 0x4e,
      0x5b, 0xfe, 0x1d, 0x8f, 0x80, 0x0c, 0xea, 0x2c, 0xf2, 0x70, 0xc1, 0x0d, 0x10, 0x3d, 0xb2, 0xf1},
     "AMD ARK-Genoa"},
    {CVM_SNP_PRODUCT_TURIN,
     {0x1f, 0x08, 0x41, 0x61, 0xa4, 0x4b, 0xb6, 0xd9, 0x37, 0x78, 0xa9, 0x04, 0x87, 0x7d, 0x48, 0x19,
      0xca, 0xfa, 0x5d, 0x05, 0xef, 0x41, 0x93, 0xb2, 0xde, 0xd9, 0xdd, 0x9c, 0x73, 0xdd, 0x3f, 0x6a},
     "AMD ARK-Turin"},
};
const size_t cvm_snp_builtin_roots_n = sizeof(cvm_snp_builtin_roots) / sizeof(cvm_snp_builtin_roots[0]);

#define MAX_EXTRA_ROOTS 16
#define CACHE_SLOTS 8
#define CHAIN_CHECKS_MAX 8

struct cache_entry {
	X509 *leaf, *ask, *ark; /* references; NULL where the caller had none */
	enum cvm_snp_signer signer;
	struct cvm_snp_chain_result res;
	size_t n_checks;
	struct cvm_check checks[CHAIN_CHECKS_MAX];
};

struct cvm_snp_ctx {
	time_t at_time;
	size_t n_roots;
	struct cvm_snp_root roots[MAX_EXTRA_ROOTS];
	STACK_OF(X509_CRL) * crls;
	size_t next_slot;
	struct cache_entry cache[CACHE_SLOTS];
};

struct cvm_snp_ctx *cvm_snp_ctx_new(time_t at_time)
{
	struct cvm_snp_ctx *c = calloc(1, sizeof(*c));

	if (!c || !(c->crls = sk_X509_CRL_new_null()))
		abort();
	c->at_time = at_time;
	return c;
}

static void entry_clear(struct cache_entry *e)
{
	X509_free(e->leaf);
	X509_free(e->ask);
	X509_free(e->ark);
	EVP_PKEY_free(e->res.leaf_key);
	memset(e, 0, sizeof(*e));
}

void cvm_snp_ctx_free(struct cvm_snp_ctx *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < CACHE_SLOTS; i++)
		entry_clear(&c->cache[i]);
	sk_X509_CRL_pop_free(c->crls, X509_CRL_free);
	free(c);
}

time_t cvm_snp_ctx_time(const struct cvm_snp_ctx *c)
{
	return c->at_time;
}

static void cache_flush(struct cvm_snp_ctx *c)
{
	for (size_t i = 0; i < CACHE_SLOTS; i++)
		entry_clear(&c->cache[i]);
}

int cvm_snp_ctx_add_root(struct cvm_snp_ctx *c, X509 *ark, cvm_err *err)
{
	struct cvm_snp_root *r;

	if (c->n_roots == MAX_EXTRA_ROOTS)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "at most %d extra trust roots", MAX_EXTRA_ROOTS);
	r = &c->roots[c->n_roots];
	if (cvm_x509_sha256(ark, r->sha256) < 0)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "cannot hash the trust root");
	r->product = CVM_SNP_PRODUCT_UNKNOWN;
	r->label = "root pinned by --trust-root";
	c->n_roots++;
	cache_flush(c);
	return 0;
}

int cvm_snp_ctx_add_crl(struct cvm_snp_ctx *c, X509_CRL *crl, cvm_err *err)
{
	if (!X509_CRL_up_ref(crl) || !sk_X509_CRL_push(c->crls, crl))
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "out of memory");
	cache_flush(c);
	return 0;
}

static bool cn_is(X509 *x, const char *want)
{
	char cn[64];

	cvm_x509_cn(X509_get_subject_name(x), cn, sizeof(cn));
	return strcmp(cn, want) == 0;
}

static bool self_issued(X509 *x)
{
	return X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x)) == 0;
}

void cvm_snp_chain_pick(STACK_OF(X509) * all, enum cvm_snp_signer signer, struct cvm_snp_chain_certs *out)
{
	const char *leaf_cn = signer == CVM_SNP_SIGNER_VLEK ? "SEV-VLEK" : "SEV-VCEK";
	int n = all ? sk_X509_num(all) : 0;

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < n && !out->leaf; i++)
		if (cn_is(sk_X509_value(all, i), leaf_cn))
			out->leaf = sk_X509_value(all, i);
	if (!out->leaf)
		return;
	for (int i = 0; i < n && !out->ask; i++) {
		X509 *x = sk_X509_value(all, i);
		if (x != out->leaf && !self_issued(x) &&
		    X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(out->leaf)) == 0)
			out->ask = x;
	}
	if (!out->ask)
		return;
	for (int i = 0; i < n && !out->ark; i++) {
		X509 *x = sk_X509_value(all, i);
		if (self_issued(x) && X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(out->ask)) == 0)
			out->ark = x;
	}
}

static bool same_cert(X509 *a, X509 *b)
{
	if (!a || !b)
		return a == b;
	return a == b || X509_cmp(a, b) == 0;
}

/* RSASSA-PSS with SHA-384 (every AMD certificate, the VCEK included). */
static bool pss_sha384(X509 *x)
{
	int mdnid = 0, pknid = 0;

	if (X509_get_signature_nid(x) != NID_rsassaPss)
		return false;
	if (!X509_get_signature_info(x, &mdnid, &pknid, NULL, NULL))
		return false;
	return mdnid == NID_sha384;
}

static bool rsa4096(X509 *x)
{
	EVP_PKEY *k = X509_get0_pubkey(x);

	return k && EVP_PKEY_get_base_id(k) == EVP_PKEY_RSA && EVP_PKEY_get_bits(k) == 4096;
}

static bool ec_p384(EVP_PKEY *k)
{
	char group[32];
	size_t len = 0;

	return k && EVP_PKEY_get_base_id(k) == EVP_PKEY_EC &&
	       EVP_PKEY_get_utf8_string_param(k, "group", group, sizeof(group), &len) == 1 &&
	       strcmp(group, "secp384r1") == 0;
}

static const struct cvm_snp_root *find_root(const struct cvm_snp_ctx *c, const uint8_t fp[32])
{
	for (size_t i = 0; i < cvm_snp_builtin_roots_n; i++)
		if (memcmp(cvm_snp_builtin_roots[i].sha256, fp, 32) == 0)
			return &cvm_snp_builtin_roots[i];
	for (size_t i = 0; i < c->n_roots; i++)
		if (memcmp(c->roots[i].sha256, fp, 32) == 0)
			return &c->roots[i];
	return NULL;
}

/* The product the certificate names claim, or a failure message. The
 * ASK/ASVK CN is "SEV-<P>"/"SEV-VLEK-<P>", the ARK CN "ARK-<P>", the VCEK's
 * productName "<P>[-stepping]"; all present must agree. */
static enum cvm_snp_product names_product(const struct cvm_snp_chain_certs *cc, const struct cvm_snp_vcek *vcek,
                                          enum cvm_snp_signer signer, const struct cvm_snp_root *root, char *why,
                                          size_t size)
{
	char ask_cn[64], ark_cn[64];
	enum cvm_snp_product p_ask, p_ark, p = CVM_SNP_PRODUCT_UNKNOWN;

	cvm_x509_cn(X509_get_subject_name(cc->ask), ask_cn, sizeof(ask_cn));
	cvm_x509_cn(X509_get_subject_name(cc->ark), ark_cn, sizeof(ark_cn));
	bool asvk = strncmp(ask_cn, "SEV-VLEK-", 9) == 0;
	if (asvk != (signer == CVM_SNP_SIGNER_VLEK)) {
		snprintf(why, size, "%s signer needs an %s, got \"%s\"",
		         signer == CVM_SNP_SIGNER_VLEK ? "VLEK" : "VCEK",
		         signer == CVM_SNP_SIGNER_VLEK ? "ASVK (SEV-VLEK-<product>)" : "ASK (SEV-<product>)", ask_cn);
		return CVM_SNP_PRODUCT_UNKNOWN;
	}
	p_ask = cvm_snp_product_from_name(ask_cn);
	p_ark = cvm_snp_product_from_name(ark_cn);
	if (!p_ask || !p_ark || strncmp(ark_cn, "ARK-", 4) != 0) {
		snprintf(why, size, "unknown product in certificate names \"%s\" / \"%s\"", ask_cn, ark_cn);
		return CVM_SNP_PRODUCT_UNKNOWN;
	}
	p = p_ask;
	if (p_ark != p || (vcek && vcek->product && vcek->product != p) ||
	    (root && root->product && root->product != p)) {
		snprintf(why, size, "products disagree: ASK \"%s\", ARK \"%s\", VCEK productName \"%s\"%s%s", ask_cn,
		         ark_cn, vcek ? vcek->product_name : "?", root && root->product ? ", pinned root " : "",
		         root && root->product ? root->label : "");
		return CVM_SNP_PRODUCT_UNKNOWN;
	}
	return p;
}

static int x509_verify(const struct cvm_snp_ctx *c, const struct cvm_snp_chain_certs *cc, char *why, size_t size)
{
	cvm_auto_x509_store X509_STORE *store = X509_STORE_new();
	cvm_auto_x509_store_ctx X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	int rc = -1;

	if (!store || !ctx || !untrusted || !X509_STORE_add_cert(store, cc->ark) || !sk_X509_push(untrusted, cc->ask) ||
	    !X509_STORE_CTX_init(ctx, store, cc->leaf, untrusted)) {
		snprintf(why, size, "OpenSSL could not set up the verification");
		goto out;
	}
	/* No X509_V_FLAG_X509_STRICT: real VCEKs lack an AuthorityKeyIdentifier
	 * and strict mode rejects them (FORMATS.md gotcha 5). The ARK's own
	 * signature is checked too (CHECK_SS_SIGNATURE). */
	X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_CHECK_SS_SIGNATURE);
	X509_VERIFY_PARAM_set_time(param, c->at_time);
	X509_VERIFY_PARAM_set_depth(param, 2);
	if (X509_verify_cert(ctx) != 1) {
		int e = X509_STORE_CTX_get_error(ctx);
		X509 *at = X509_STORE_CTX_get_current_cert(ctx);
		char cn[64] = "?";
		if (at)
			cvm_x509_cn(X509_get_subject_name(at), cn, sizeof(cn));
		snprintf(why, size, "%s: %s (depth %d)", cn, X509_verify_cert_error_string(e),
		         X509_STORE_CTX_get_error_depth(ctx));
		goto out;
	}
	STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
	if (sk_X509_num(chain) != 3 || X509_cmp(sk_X509_value(chain, 1), cc->ask) != 0 ||
	    X509_cmp(sk_X509_value(chain, 2), cc->ark) != 0) {
		snprintf(why, size, "the chain did not go leaf -> ASK -> ARK");
		goto out;
	}
	rc = 0;
out:
	sk_X509_free(untrusted);
	ERR_clear_error();
	return rc;
}

/* CRLs: each one issued (and signed) by this chain's ARK covers the ASK,
 * one issued by the ASK covers the leaf. A CRL past its nextUpdate at the
 * verification time cannot vouch for anything: that is "could not check". */
static void crl_check(const struct cvm_snp_ctx *c, const struct cvm_snp_chain_certs *cc, struct cvm_verdict *v,
                      bool *ok)
{
	int applied = 0;

	if (sk_X509_CRL_num(c->crls) == 0) {
		cvm_verdict_add(v, "snp.crl", CVM_CHECK_INFO, "no CRL given: revocation not checked");
		return;
	}
	for (int i = 0; i < sk_X509_CRL_num(c->crls); i++) {
		X509_CRL *crl = sk_X509_CRL_value(c->crls, i);
		X509 *issuer = NULL, *subject = NULL;
		X509_REVOKED *rev = NULL;
		char when[32];

		if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(cc->ark)) == 0)
			issuer = cc->ark, subject = cc->ask;
		else if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(cc->ask)) == 0)
			issuer = cc->ask, subject = cc->leaf;
		else
			continue;
		applied++;
		if (X509_CRL_verify(crl, X509_get0_pubkey(issuer)) != 1) {
			ERR_clear_error();
			*ok = false;
			cvm_verdict_add(v, "snp.crl", CVM_CHECK_FAIL,
			                "CRL %d: signature does not verify with its issuer", i + 1);
			return;
		}
		const ASN1_TIME *next = X509_CRL_get0_nextUpdate(crl);
		time_t t = c->at_time;
		if (X509_cmp_time(X509_CRL_get0_lastUpdate(crl), &t) > 0 || (next && X509_cmp_time(next, &t) < 0)) {
			cvm_attest_format_time(c->at_time, when);
			*ok = false;
			cvm_verdict_add(v, "snp.crl", CVM_CHECK_ERROR,
			                "CRL %d is not current at %s (stale or future); revocation not checked", i + 1,
			                when);
			return;
		}
		if (X509_CRL_get0_by_cert(crl, &rev, subject) == 1) {
			char cn[64];
			cvm_x509_cn(X509_get_subject_name(subject), cn, sizeof(cn));
			*ok = false;
			cvm_verdict_add(v, "snp.crl", CVM_CHECK_FAIL, "%s is revoked (CRL %d)", cn, i + 1);
			return;
		}
	}
	if (!applied) {
		*ok = false;
		cvm_verdict_add(v, "snp.crl", CVM_CHECK_ERROR, "no given CRL was issued by this chain's ARK or ASK");
		return;
	}
	cvm_verdict_add(v, "snp.crl", CVM_CHECK_PASS, "not revoked (%d CRL%s checked)", applied,
	                applied > 1 ? "s" : "");
}

static void compute(struct cvm_snp_ctx *c, const struct cvm_snp_chain_certs *cc, enum cvm_snp_signer signer,
                    struct cvm_snp_chain_result *res, struct cvm_verdict *v)
{
	const char *leaf_name = signer == CVM_SNP_SIGNER_VLEK ? "VLEK" : "VCEK";
	const struct cvm_snp_root *root = NULL;
	char why[256], hex[65];
	uint8_t fp[32];

	res->ok = false;
	if (!cc->leaf) {
		cvm_verdict_add(v, "snp.chain", CVM_CHECK_ERROR,
		                "no %s certificate given (pass --certs, or an extended report with its cert table)",
		                leaf_name);
		return;
	}
	EVP_PKEY *key = X509_get0_pubkey(cc->leaf);
	ERR_clear_error();
	if (ec_p384(key) && EVP_PKEY_up_ref(key))
		res->leaf_key = key;
	if (cvm_snp_vcek_parse(cc->leaf, &res->vcek, why, sizeof(why)) < 0) {
		cvm_verdict_add(v, "snp.vcek.extensions", CVM_CHECK_FAIL, "%s: %s", leaf_name, why);
	} else {
		res->vcek_ok = true;
		if (res->vcek.is_vlek != (signer == CVM_SNP_SIGNER_VLEK))
			res->vcek_ok = false;
		cvm_verdict_add(v, "snp.vcek.extensions", res->vcek_ok ? CVM_CHECK_PASS : CVM_CHECK_FAIL,
		                "%s productName \"%s\", %s%s", res->vcek.is_vlek ? "VLEK" : "VCEK",
		                res->vcek.product_name, res->vcek.hwid_len ? "hwID" : "no hwID",
		                res->vcek.has_csp_id ? ", CSP_ID" : "");
	}
	if (!cc->ask || !cc->ark) {
		cvm_verdict_add(v, "snp.chain", CVM_CHECK_ERROR,
		                "the %s's issuer %s not given (pass the KDS cert_chain)", leaf_name,
		                cc->ask ? "ARK was" : "ASK/ASVK and ARK were");
		return;
	}
	if (cvm_x509_sha256(cc->ark, fp) == 0)
		root = find_root(c, fp);
	cvm_hex_encode(fp, 32, hex);
	if (!root) {
		cvm_verdict_add(v, "snp.chain.root", CVM_CHECK_FAIL,
		                "ARK sha256 %s is not a pinned AMD root (--trust-root pins another)", hex);
	} else {
		cvm_verdict_add(v, "snp.chain.root", CVM_CHECK_PASS, "ARK sha256 %.16s... is the %s", hex, root->label);
	}
	res->product = names_product(cc, res->vcek_ok ? &res->vcek : NULL, signer, root, why, sizeof(why));
	bool names_ok = res->product != CVM_SNP_PRODUCT_UNKNOWN;
	bool algs_ok = pss_sha384(cc->leaf) && pss_sha384(cc->ask) && pss_sha384(cc->ark) && rsa4096(cc->ask) &&
	               rsa4096(cc->ark) && res->leaf_key;
	bool verify_ok = false;
	if (!names_ok)
		cvm_verdict_add(v, "snp.chain", CVM_CHECK_FAIL, "%s", why);
	else if (!algs_ok)
		cvm_verdict_add(v, "snp.chain", CVM_CHECK_FAIL,
		                "expected RSASSA-PSS/SHA-384 signatures, RSA-4096 ARK/ASK keys and a P-384 %s key",
		                leaf_name);
	else if (x509_verify(c, cc, why, sizeof(why)) < 0)
		cvm_verdict_add(v, "snp.chain", CVM_CHECK_FAIL, "%s", why);
	else
		verify_ok = true;
	if (verify_ok) {
		char when[32];
		cvm_attest_format_time(c->at_time, when);
		cvm_verdict_add(v, "snp.chain", CVM_CHECK_PASS, "%s <- %s <- ARK (%s), RSA-PSS, valid at %s", leaf_name,
		                signer == CVM_SNP_SIGNER_VLEK ? "ASVK" : "ASK", cvm_snp_product_name(res->product),
		                when);
	}
	bool crl_ok = true;
	if (verify_ok)
		crl_check(c, cc, v, &crl_ok);
	res->ok = root && verify_ok && crl_ok && res->vcek_ok;
}

const struct cvm_snp_chain_result *cvm_snp_chain_check(struct cvm_snp_ctx *c, const struct cvm_snp_chain_certs *cc,
                                                       enum cvm_snp_signer signer, struct cvm_verdict *v)
{
	struct cache_entry *e;
	cvm_autoverdict struct cvm_verdict tmp = {0};

	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		e = &c->cache[i];
		if (e->leaf && e->signer == signer && same_cert(e->leaf, cc->leaf) && same_cert(e->ask, cc->ask) &&
		    same_cert(e->ark, cc->ark)) {
			for (size_t j = 0; j < e->n_checks; j++)
				cvm_verdict_add(v, e->checks[j].name, e->checks[j].result, "%s", e->checks[j].detail);
			return &e->res;
		}
	}
	e = &c->cache[c->next_slot];
	c->next_slot = (c->next_slot + 1) % CACHE_SLOTS;
	entry_clear(e);
	cvm_verdict_init(&tmp);
	compute(c, cc, signer, &e->res, &tmp);
	for (size_t j = 0; j < tmp.n && j < CHAIN_CHECKS_MAX; j++) {
		e->checks[e->n_checks++] = tmp.checks[j];
		cvm_verdict_add(v, tmp.checks[j].name, tmp.checks[j].result, "%s", tmp.checks[j].detail);
	}
	/* Only a chain with a leaf is worth caching (the lookup keys on it). */
	if (cc->leaf) {
		e->signer = signer;
		X509_up_ref(e->leaf = cc->leaf);
		if ((e->ask = cc->ask))
			X509_up_ref(e->ask);
		if ((e->ark = cc->ark))
			X509_up_ref(e->ark);
	}
	return &e->res;
}
