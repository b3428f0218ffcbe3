#include "tdx_pck_cache.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#define CACHE_SLOTS 8

struct slot {
	bool used;
	uint8_t id[32]; /* SHA-256 of the PEM bytes */
	struct cvm_tdx_pck_info info;
};

struct cvm_tdx_pck_cache {
	struct slot slots[CACHE_SLOTS];
	size_t next; /* round-robin eviction */
};

struct cvm_tdx_pck_cache *cvm_tdx_pck_cache_new(void)
{
	return calloc(1, sizeof(struct cvm_tdx_pck_cache));
}

static void info_clear(struct cvm_tdx_pck_info *i)
{
	sk_X509_pop_free(i->chain, X509_free);
	sk_X509_pop_free(i->path, X509_free);
	free(i->crl_checks);
	memset(i, 0, sizeof(*i));
}

void cvm_tdx_pck_cache_free(struct cvm_tdx_pck_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < CACHE_SLOTS; i++)
		info_clear(&c->slots[i].info);
	free(c);
}

static void note(struct cvm_tdx_pck_info *i, const char *name, enum cvm_check_result r, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void note(struct cvm_tdx_pck_info *i, const char *name, enum cvm_check_result r, const char *fmt, ...)
{
	struct cvm_check *c = &i->checks[i->n_checks++];
	va_list ap;

	snprintf(c->name, sizeof(c->name), "%s", name);
	c->result = r;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
}

STACK_OF(X509) *cvm_tdx_anchors_for(STACK_OF(X509) *roots, STACK_OF(X509) *chain)
{
	X509 *pinned = cvm_tdx_find_by_fingerprint(chain, cvm_intel_sgx_root_sha256);
	STACK_OF(X509) *a = sk_X509_dup(roots);

	if (!a)
		abort(); /* out of memory */
	if (pinned && !sk_X509_push(a, pinned))
		abort();
	if (sk_X509_num(a) == 0) {
		sk_X509_free(a);
		return NULL;
	}
	return a;
}

static void set_check(struct cvm_check *c, const char *name, enum cvm_check_result r, const char *detail)
{
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->result = r;
	snprintf(c->detail, sizeof(c->detail), "%s", detail);
}

/* QVL 4.1.2.4.6-7: each CRL against the verified path (the PCK CRL's issuer
 * must be the PCK's issuer, the root CA CRL covers the intermediate). */
static void check_crls(struct cvm_tdx_pck_info *i, STACK_OF(X509_CRL) *crls, time_t at)
{
	int n = sk_X509_CRL_num(crls);
	char why[256];

	if (n == 0)
		return;
	if (!(i->crl_checks = calloc((size_t)n, sizeof(*i->crl_checks))))
		abort();
	i->n_crl_checks = (size_t)n;
	for (int k = 0; k < n; k++) {
		int covered = -1;
		if (!i->path) {
			set_check(&i->crl_checks[k], "tdx.crl", CVM_CHECK_ERROR, "no verified PCK chain to check the CRL against");
			continue;
		}
		int ok = cvm_tdx_crl_check(sk_X509_CRL_value(crls, k), i->path, at, &covered, why, sizeof(why));
		set_check(&i->crl_checks[k], covered == 0 ? "tdx.pck_crl" : covered > 0 ? "tdx.ca_crl" : "tdx.crl",
			  ok ? CVM_CHECK_PASS : CVM_CHECK_FAIL,
			  ok ? "current, signed by the issuer, certificate not revoked" : why);
	}
}

static void build(struct cvm_tdx_pck_info *i, const uint8_t *pem, size_t len, STACK_OF(X509) *roots,
		  STACK_OF(X509_CRL) *crls, time_t at)
{
	cvm_err err = { 0 };
	char why[256], cn[128] = "";
	STACK_OF(X509) *anchors = NULL;

	if (cvm_tdx_pem_chain(pem, len, &i->chain, &err) < 0) {
		note(i, "tdx.pck_chain", CVM_CHECK_FAIL, "%s", err.msg);
		check_crls(i, crls, at); /* each given CRL: "could not check" */
		return;
	}
	X509 *leaf = sk_X509_value(i->chain, 0);
	i->key = X509_get0_pubkey(leaf);
	if (cvm_sgx_pck_ext_parse(leaf, &i->ext, &err) == 0)
		i->have_ext = true;
	else
		note(i, "tdx.pck_extensions", CVM_CHECK_FAIL, "%s", err.msg);
	X509_NAME_get_text_by_NID(X509_get_subject_name(leaf), NID_commonName, cn, sizeof(cn));
	anchors = cvm_tdx_anchors_for(roots, i->chain);
	/* QVL 4.1.2.4.4: the leaf must be a PCK certificate */
	if (!strstr(cn, "SGX PCK Certificate"))
		note(i, "tdx.pck_chain", CVM_CHECK_FAIL, "leaf \"%s\" is not an SGX PCK Certificate", cn);
	else if (!anchors)
		note(i, "tdx.pck_chain", CVM_CHECK_FAIL,
		     "chain does not contain the pinned Intel SGX Root CA (SHA-256 44a0196b...b674d3)");
	else if (!cvm_tdx_chain_verify(i->chain, anchors, at, &i->path, why, sizeof(why)))
		note(i, "tdx.pck_chain", CVM_CHECK_FAIL, "%s", why);
	else
		note(i, "tdx.pck_chain", CVM_CHECK_PASS, "%d certificates, verified to the %s", sk_X509_num(i->chain),
		     cvm_tdx_anchor_desc(i->path, why, sizeof(why)));
	sk_X509_free(anchors);
	check_crls(i, crls, at);
}

const struct cvm_tdx_pck_info *cvm_tdx_pck_lookup(struct cvm_tdx_pck_cache *c, const uint8_t *pem, size_t len,
						  STACK_OF(X509) *roots, STACK_OF(X509_CRL) *crls, time_t at)
{
	uint8_t id[32];
	unsigned int n = sizeof(id);
	struct slot *s;

	if (EVP_Digest(pem, len, id, &n, EVP_sha256(), NULL) != 1)
		abort();
	for (size_t i = 0; i < CACHE_SLOTS; i++)
		if (c->slots[i].used && memcmp(c->slots[i].id, id, 32) == 0)
			return &c->slots[i].info;
	s = &c->slots[c->next];
	c->next = (c->next + 1) % CACHE_SLOTS;
	info_clear(&s->info);
	memcpy(s->id, id, 32);
	s->used = true;
	build(&s->info, pem, len, roots, crls, at);
	return &s->info;
}
