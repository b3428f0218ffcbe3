#include "tdx_verify.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/err.h>

#include "attest_util.h"
#include "cvm_cleanup.h"
#include "cvm_crypto_cleanup.h"
#include "cvm_fileio.h"
#include "tdx_claims.h"
#include "tdx_collateral.h"
#include "tdx_pck.h"
#include "tdx_pck_cache.h"
#include "tdx_quote.h"

#define MAX_FILE (4u << 20)
#define MAX_STORED 8

struct cvm_tdx_verifier {
	time_t at;
	STACK_OF(X509) *roots; /* owned: --trust-root certificates (the pinned Intel root is always trusted) */
	STACK_OF(X509_CRL) *crls;
	uint8_t *nonce;
	size_t nonce_len;
	bool has_nonce;
	bool has_collateral;
	struct cvm_tdx_tcb_info ti;
	struct cvm_tdx_qe_identity qi;
	struct cvm_check stored[MAX_STORED]; /* collateral checks, same for every quote */
	size_t n_stored;
	struct cvm_tdx_pck_cache *pck_cache;
	uint8_t ak_xy[64];
	EVP_PKEY *ak; /* NULL: none cached, or ak_xy is not a P-256 point */
};

static void store(struct cvm_tdx_verifier *vf, const char *name, enum cvm_check_result r, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void store(struct cvm_tdx_verifier *vf, const char *name, enum cvm_check_result r, const char *fmt, ...)
{
	va_list ap;

	if (vf->n_stored == MAX_STORED)
		abort(); /* fixed set of collateral checks; more is a programming error */
	struct cvm_check *c = &vf->stored[vf->n_stored++];
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->result = r;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
}

void cvm_tdx_verifier_free(struct cvm_tdx_verifier *vf)
{
	if (!vf)
		return;
	sk_X509_pop_free(vf->roots, X509_free);
	cvm_tdx_pck_cache_free(vf->pck_cache);
	EVP_PKEY_free(vf->ak);
	sk_X509_CRL_pop_free(vf->crls, X509_CRL_free);
	free(vf->nonce);
	free(vf);
}

static void verifier_freep(struct cvm_tdx_verifier **p)
{
	cvm_tdx_verifier_free(*p);
}

/* ---- loading ---------------------------------------------------------------- */

static int add_crl(struct cvm_tdx_verifier *vf, const char *path, cvm_err *err)
{
	X509_CRL *crl = NULL;

	if (cvm_x509_crl_load_file(path, &crl, err) < 0)
		return -1;
	if (!sk_X509_CRL_push(vf->crls, crl)) {
		X509_CRL_free(crl);
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	}
	return 0;
}

static void stack_freep(STACK_OF(X509) **p)
{
	sk_X509_free(*p); /* borrowed members */
}

/* First of @names that exists in @dir, into @out; 0 if found, 1 if none. */
static int find_in_dir(const char *dir, const char *const *names, char *out, size_t outlen)
{
	for (; *names; names++) {
		snprintf(out, outlen, "%s/%s", dir, *names);
		if (access(out, F_OK) == 0)
			return 0;
	}
	return 1;
}

struct signed_doc {
	uint8_t *text;    /* the whole file (owned) */
	const char *body; /* the signed value inside it */
	size_t body_len;
};

/* Check a signed PCS document: the issuer chain to the trust anchor (leaf
 * "SGX TCB Signing"), and the signature over the exact bytes of the signed
 * value. Stores tdx.<what>_chain and tdx.<what>_signature (the caller adds
 * _validity once the value is parsed) and returns the bytes in @d. */
static int check_signed_doc(struct cvm_tdx_verifier *vf, const char *dir, const char *const *files, const char *key,
			    const char *chain_file, const char *what, struct signed_doc *d, cvm_err *err)
{
	char path[PATH_MAX], name[48], why[256];
	cvm_autofree uint8_t *pem = NULL;
	cvm_auto_x509_stack STACK_OF(X509) *chain = NULL;
	cvm_auto_x509_stack STACK_OF(X509) *verified = NULL;
	cvm_auto_evp_pkey EVP_PKEY *key_leaf = NULL;
	uint8_t sig[64];
	size_t len, pem_len;

	if (find_in_dir(dir, files, path, sizeof(path)))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "collateral %s: no %s", dir, files[0]);
	if (cvm_read_file(path, MAX_FILE, &d->text, &len, err) < 0 ||
	    cvm_tdx_signed_json((const char *)d->text, len, key, path, &d->body, &d->body_len, sig, err) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", dir, chain_file);
	if (cvm_read_file(path, MAX_FILE, &pem, &pem_len, err) < 0 ||
	    cvm_tdx_pem_chain(pem, pem_len, &chain, err) < 0)
		return cvm_err_prefix(err, "%s: ", path);

	__attribute__((cleanup(stack_freep))) STACK_OF(X509) *anchors = cvm_tdx_anchors_for(vf->roots, chain);
	char cn[128];
	cvm_x509_cn(X509_get_subject_name(sk_X509_value(chain, 0)), cn, sizeof(cn));
	snprintf(name, sizeof(name), "tdx.%s_chain", what);
	/* PCS signs TCB info and QE identity with its TCB Signing key only */
	if (!strstr(cn, "SGX TCB Signing"))
		store(vf, name, CVM_CHECK_FAIL, "issuer chain leaf \"%s\" is not an SGX TCB Signing certificate", cn);
	else if (!anchors)
		store(vf, name, CVM_CHECK_FAIL, "issuer chain does not contain the pinned Intel SGX Root CA");
	else if (cvm_tdx_chain_verify(chain, anchors, vf->at, &verified, why, sizeof(why)))
		store(vf, name, CVM_CHECK_PASS, "issuer chain verifies to the %s",
		      cvm_tdx_anchor_desc(verified, why, sizeof(why)));
	else
		store(vf, name, CVM_CHECK_FAIL, "issuer chain: %s", why);

	snprintf(name, sizeof(name), "tdx.%s_signature", what);
	key_leaf = X509_get_pubkey(sk_X509_value(chain, 0));
	if (key_leaf && cvm_tdx_ecdsa_verify(key_leaf, sig, (const uint8_t *)d->body, d->body_len))
		store(vf, name, CVM_CHECK_PASS, "signature over the %zu bytes of \"%s\" verifies", d->body_len, key);
	else
		store(vf, name, CVM_CHECK_FAIL, "signature over \"%s\" does not verify with the issuer chain's leaf key", key);
	ERR_clear_error();
	return 0;
}

static void check_validity(struct cvm_tdx_verifier *vf, const char *name, time_t issue, time_t next)
{
	char a[32], b[32], t[32];

	cvm_attest_format_time(issue, a);
	cvm_attest_format_time(next, b);
	cvm_attest_format_time(vf->at, t);
	if (vf->at < issue)
		store(vf, name, CVM_CHECK_FAIL, "issued %s, after the verification time %s", a, t);
	else if (vf->at > next)
		store(vf, name, CVM_CHECK_FAIL, "stale: next update was due %s (verification time %s)", b, t);
	else
		store(vf, name, CVM_CHECK_PASS, "valid %s .. %s", a, b);
}

static int load_collateral(struct cvm_tdx_verifier *vf, const char *dir, cvm_err *err)
{
	static const char *const tcb_files[] = { "tcbInfo.json", "tcb_info.json", NULL };
	static const char *const qe_files[] = { "enclaveIdentity.json", "qeIdentity.json", "qe_identity.json", NULL };
	static const char *const pck_crls[] = { "pckcrl", "pckcrl.der", "pckcrl.pem", NULL };
	static const char *const root_crls[] = { "rootcrl", "rootcrl.der", "rootcrl.pem", NULL };
	struct signed_doc tcb = { 0 }, qe = { 0 };
	char path[PATH_MAX];
	int rc = -1;

	if (check_signed_doc(vf, dir, tcb_files, "tcbInfo", "tcbinfo_issuer_chain.pem", "tcb_info", &tcb, err) < 0 ||
	    cvm_tdx_tcb_info_parse(tcb.body, tcb.body_len, &vf->ti, err) < 0)
		goto out;
	check_validity(vf, "tdx.tcb_info_validity", vf->ti.issue_date, vf->ti.next_update);
	if (check_signed_doc(vf, dir, qe_files, "enclaveIdentity", "qeidentity_issuer_chain.pem", "qe_identity", &qe,
			     err) < 0 ||
	    cvm_tdx_qe_identity_parse(qe.body, qe.body_len, &vf->qi, err) < 0)
		goto out;
	check_validity(vf, "tdx.qe_identity_validity", vf->qi.issue_date, vf->qi.next_update);
	if (!find_in_dir(dir, pck_crls, path, sizeof(path)) && add_crl(vf, path, err) < 0)
		goto out;
	if (!find_in_dir(dir, root_crls, path, sizeof(path)) && add_crl(vf, path, err) < 0)
		goto out;
	vf->has_collateral = true;
	rc = 0;
out:
	if (rc < 0)
		cvm_err_prefix(err, "collateral: ");
	free(tcb.text);
	free(qe.text);
	return rc;
}

int cvm_tdx_verifier_new(const struct cvm_tdx_verify_opts *opts, struct cvm_tdx_verifier **out, cvm_err *err)
{
	__attribute__((cleanup(verifier_freep))) struct cvm_tdx_verifier *vf = calloc(1, sizeof(*vf));

	if (!vf || !(vf->crls = sk_X509_CRL_new_null()) || !(vf->roots = sk_X509_new_null()) ||
	    !(vf->pck_cache = cvm_tdx_pck_cache_new()))
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	vf->at = opts->has_at_time ? opts->at_time : time(NULL);
	if (opts->nonce) {
		if (!(vf->nonce = malloc(opts->nonce_len ? opts->nonce_len : 1)))
			return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
		memcpy(vf->nonce, opts->nonce, opts->nonce_len);
		vf->nonce_len = opts->nonce_len;
		vf->has_nonce = true;
	}
	for (const char *const *r = opts->trust_roots; r && *r; r++)
		if (cvm_x509_load_file(*r, vf->roots, err) < 0)
			return cvm_err_prefix(err, "trust root: ");
	if (opts->collateral_dir && load_collateral(vf, opts->collateral_dir, err) < 0)
		return -1;
	for (const char *const *c = opts->crls; c && *c; c++)
		if (add_crl(vf, *c, err) < 0)
			return -1;
	*out = cvm_steal_ptr(&vf);
	return 0;
}

/* ---- per-quote checks -------------------------------------------------------- */

static void check_crls(const struct cvm_tdx_verifier *vf, const struct cvm_tdx_pck_info *p, const struct cvm_policy_tdx *pol,
		       struct cvm_verdict *v)
{
	if (sk_X509_CRL_num(vf->crls) == 0) {
		cvm_verdict_add(v, "tdx.crl", pol->require_crl ? CVM_CHECK_ERROR : CVM_CHECK_INFO,
				"no CRL given: revocation not checked");
		return;
	}
	for (size_t i = 0; i < p->n_crl_checks; i++)
		cvm_verdict_add(v, p->crl_checks[i].name, p->crl_checks[i].result, "%s", p->crl_checks[i].detail);
}

static void check_qe(const struct cvm_tdx_quote *q, const struct cvm_tdx_pck_info *p, struct cvm_verdict *v)
{
	uint8_t md[32];
	unsigned int mdlen;
	cvm_auto_evp_md_ctx EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	static const uint8_t zero[32];

	if (!p->key)
		cvm_verdict_add(v, "tdx.qe_report_signature", CVM_CHECK_ERROR, "no PCK key to check the QE report with");
	else if (cvm_tdx_ecdsa_verify(p->key, q->qe_report_sig, q->qe_report, CVM_SGX_REPORT_SIZE))
		cvm_verdict_add(v, "tdx.qe_report_signature", CVM_CHECK_PASS, "QE report signed by the PCK key");
	else
		cvm_verdict_add(v, "tdx.qe_report_signature", CVM_CHECK_FAIL, "QE report signature does not verify with the PCK key");

	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 || EVP_DigestUpdate(ctx, q->att_key, 64) != 1 ||
	    EVP_DigestUpdate(ctx, q->qe_auth, q->qe_auth_len) != 1 || EVP_DigestFinal_ex(ctx, md, &mdlen) != 1) {
		cvm_verdict_add(v, "tdx.qe_report_data", CVM_CHECK_ERROR, "SHA-256 failed");
		return;
	}
	if (memcmp(q->qe.report_data, md, 32) != 0)
		cvm_verdict_add(v, "tdx.qe_report_data", CVM_CHECK_FAIL,
				"QE REPORTDATA is not SHA-256(attestation key || QE auth data): key not vouched for by the QE");
	else if (memcmp(q->qe.report_data + 32, zero, 32) != 0)
		cvm_verdict_add(v, "tdx.qe_report_data", CVM_CHECK_FAIL, "QE REPORTDATA[32..64] is not zero");
	else
		cvm_verdict_add(v, "tdx.qe_report_data", CVM_CHECK_PASS,
				"QE REPORTDATA = SHA-256(attestation key || %zu bytes QE auth data)", q->qe_auth_len);
}

/* The attestation key of the last quote: a QE keeps its key across quotes. */
static EVP_PKEY *att_key(struct cvm_tdx_verifier *vf, const uint8_t xy[64])
{
	if (!vf->ak || memcmp(vf->ak_xy, xy, 64) != 0) {
		EVP_PKEY_free(vf->ak);
		vf->ak = cvm_tdx_p256_key(xy);
		memcpy(vf->ak_xy, xy, 64);
	}
	return vf->ak;
}

static void check_quote_sig(struct cvm_tdx_verifier *vf, const struct cvm_tdx_quote *q, struct cvm_verdict *v)
{
	EVP_PKEY *ak = att_key(vf, q->att_key);

	if (!ak)
		cvm_verdict_add(v, "tdx.quote_signature", CVM_CHECK_FAIL, "attestation key is not a P-256 point");
	else if (cvm_tdx_ecdsa_verify(ak, q->signature, q->signed_data, q->signed_len))
		cvm_verdict_add(v, "tdx.quote_signature", CVM_CHECK_PASS,
				"attestation key signs the %zu bytes of header and TD report", q->signed_len);
	else
		cvm_verdict_add(v, "tdx.quote_signature", CVM_CHECK_FAIL, "quote signature does not verify with the attestation key");
}

static void check_collateral(const struct cvm_tdx_verifier *vf, const struct cvm_tdx_quote *q,
			     const struct cvm_tdx_pck_info *p, const struct cvm_policy_tdx *pol, json_object *claims,
			     struct cvm_verdict *v)
{
	enum cvm_tdx_tcb_status qe_status = CVM_TDX_TCB_NOT_SUPPORTED;
	struct cvm_tdx_tcb_eval ev;
	char why[256], hex[13];
	int qe_ok;

	for (size_t i = 0; i < vf->n_stored; i++)
		cvm_verdict_add(v, vf->stored[i].name, vf->stored[i].result, "%s", vf->stored[i].detail);
	if (!p->have_ext) {
		cvm_verdict_add(v, "tdx.tcb_status", CVM_CHECK_ERROR, "PCK SGX extensions unavailable: TCB status not computed");
		return;
	}
	if (memcmp(p->ext.fmspc, vf->ti.fmspc, 6) != 0 || memcmp(p->ext.pceid, vf->ti.pceid, 2) != 0) {
		cvm_hex_encode(p->ext.fmspc, 6, hex);
		cvm_verdict_add(v, "tdx.tcb_info_match", CVM_CHECK_FAIL,
				"TCB info is for another platform (PCK FMSPC %s, PCE-ID %02x%02x)", hex, p->ext.pceid[0],
				p->ext.pceid[1]);
		cvm_verdict_add(v, "tdx.tcb_status", CVM_CHECK_ERROR, "no TCB info for this platform");
		return;
	}
	cvm_hex_encode(p->ext.fmspc, 6, hex);
	cvm_verdict_add(v, "tdx.tcb_info_match", CVM_CHECK_PASS, "FMSPC %s and PCE-ID match the PCK", hex);
	cvm_verdict_add(v, "tdx.module_identity",
			cvm_tdx_module_identity_match(&vf->ti, &q->body, q->version, why, sizeof(why)) ? CVM_CHECK_PASS
													: CVM_CHECK_FAIL,
			"%s", why);
	qe_ok = cvm_tdx_qe_identity_match(&vf->qi, &q->qe, &qe_status, why, sizeof(why));
	if (qe_ok)
		cvm_verdict_add(v, "tdx.qe_identity", CVM_CHECK_PASS, "QE matches TD_QE identity, ISVSVN %u: %s",
				q->qe.isvsvn, cvm_tdx_tcb_status_name(qe_status));
	else
		cvm_verdict_add(v, "tdx.qe_identity", CVM_CHECK_FAIL, "%s", why);
	cvm_tdx_tcb_evaluate(&vf->ti, &p->ext, &q->body, q->version, qe_ok ? (int)qe_status : -1, &ev);
	json_object_object_add(claims, "tcb_status", json_object_new_string(cvm_tdx_tcb_status_name(ev.status)));
	if (ev.advisories[0])
		json_object_object_add(claims, "tcb_advisories", json_object_new_string(ev.advisories));
	if (ev.date[0])
		json_object_object_add(claims, "tcb_date", json_object_new_string(ev.date));
	cvm_verdict_add(v, "tdx.tcb_status", cvm_policy_tdx_status_ok(pol, (int)ev.status) ? CVM_CHECK_PASS : CVM_CHECK_FAIL,
			"%s (platform %s, TDX module %s, QE %s)%s%s", cvm_tdx_tcb_status_name(ev.status),
			cvm_tdx_tcb_status_name(ev.tdx_status), cvm_tdx_tcb_status_name(ev.module_status),
			qe_ok ? cvm_tdx_tcb_status_name(qe_status) : "mismatch", ev.advisories[0] ? "; advisories " : "",
			ev.advisories);
}

int cvm_tdx_verifier_check(struct cvm_tdx_verifier *vf, const uint8_t *quote, size_t len,
			   const struct cvm_policy_tdx *pol, struct cvm_verdict *v, cvm_err *err)
{
	struct cvm_tdx_quote q;
	const struct cvm_tdx_pck_info *p;
	json_object *claims;

	if (cvm_tdx_quote_parse(quote, len, &q, err) < 0)
		return -1;
	claims = json_object_new_object();
	cvm_verdict_add(v, "tdx.quote_format", CVM_CHECK_INFO, "quote v%u, %s report body, %zu trailing bytes", q.version,
			q.body_type == CVM_TDX_BODY_TD15 ? "TDX 1.5" : "TDX 1.0", q.trailing);
	if (memcmp(q.qe_vendor_id, cvm_tdx_intel_qe_vendor_id, 16) != 0)
		cvm_verdict_add(v, "tdx.qe_vendor", CVM_CHECK_FAIL, "QE vendor ID is not Intel's");
	p = cvm_tdx_pck_lookup(vf->pck_cache, q.pck_chain, q.pck_chain_len, vf->roots, vf->crls, vf->at);
	for (size_t i = 0; i < p->n_checks; i++)
		cvm_verdict_add(v, p->checks[i].name, p->checks[i].result, "%s", p->checks[i].detail);
	check_crls(vf, p, pol, v);
	check_qe(&q, p, v);
	check_quote_sig(vf, &q, v);
	if (vf->has_collateral)
		check_collateral(vf, &q, p, pol, claims, v);
	else
		cvm_verdict_add(v, "tdx.tcb_status", pol->has_tcb_status ? CVM_CHECK_ERROR : CVM_CHECK_INFO,
				"not checked: no collateral given (--collateral)%s",
				pol->has_tcb_status ? ", but the policy requires a TCB status" : "");
	cvm_policy_tdx_evaluate(pol, &q, vf->has_nonce ? vf->nonce : NULL, vf->nonce_len, v);
	cvm_tdx_claims(claims, &q, p->have_ext ? &p->ext : NULL);
	json_object_object_add(v->claims, "tdx", claims);
	return 0;
}

int cvm_tdx_verify(const uint8_t *quote, size_t len, const struct cvm_tdx_verify_opts *opts,
		   const struct cvm_policy_tdx *pol, struct cvm_verdict *v, cvm_err *err)
{
	__attribute__((cleanup(verifier_freep))) struct cvm_tdx_verifier *vf = NULL;

	if (cvm_tdx_verifier_new(opts, &vf, err) < 0)
		return -1;
	return cvm_tdx_verifier_check(vf, quote, len, pol, v, err);
}
