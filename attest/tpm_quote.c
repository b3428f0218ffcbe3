#include "tpm_quote.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <tss2/tss2_mu.h>

#include "cvm_cleanup.h"
#include "cvm_crypto_cleanup.h"
#include "cvm_fileio.h"

/* Buffers OpenSSL's i2d_* allocate go back through OPENSSL_free. */
static inline void ossl_freep(uint8_t **p)
{
	OPENSSL_free(*p);
}
#define auto_ossl __attribute__((cleanup(ossl_freep)))

static const struct {
	TPM2_ALG_ID alg;
	const char *name;
	size_t size;
} tpm_algs[] = {
    {TPM2_ALG_SHA1, "sha1", 20},     {TPM2_ALG_SHA256, "sha256", 32},      {TPM2_ALG_SHA384, "sha384", 48},
    {TPM2_ALG_SHA512, "sha512", 64}, {TPM2_ALG_SM3_256, "sm3_256", 32},    {TPM2_ALG_RSASSA, "rsassa", 0},
    {TPM2_ALG_RSAPSS, "rsapss", 0},  {TPM2_ALG_ECDSA, "ecdsa", 0},         {TPM2_ALG_ECDAA, "ecdaa", 0},
    {TPM2_ALG_SM2, "sm2", 0},        {TPM2_ALG_ECSCHNORR, "ecschnorr", 0}, {TPM2_ALG_HMAC, "hmac", 0},
    {TPM2_ALG_NULL, "null", 0},
};

const char *cvm_tpm_alg_name(TPM2_ALG_ID alg)
{
	for (size_t i = 0; i < sizeof(tpm_algs) / sizeof(tpm_algs[0]); i++)
		if (tpm_algs[i].alg == alg)
			return tpm_algs[i].name;
	return "unknown";
}

size_t cvm_tpm_hash_size(TPMI_ALG_HASH alg)
{
	for (size_t i = 0; i < sizeof(tpm_algs) / sizeof(tpm_algs[0]); i++)
		if (tpm_algs[i].alg == alg)
			return tpm_algs[i].size;
	return 0;
}

TPM2_ALG_ID cvm_tpm_hash_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(tpm_algs) / sizeof(tpm_algs[0]); i++)
		if (tpm_algs[i].size && strcmp(tpm_algs[i].name, name) == 0)
			return tpm_algs[i].alg;
	return TPM2_ALG_ERROR;
}

const EVP_MD *cvm_tpm_hash_md(TPMI_ALG_HASH alg)
{
	switch (alg) {
	case TPM2_ALG_SHA1:
		return EVP_sha1();
	case TPM2_ALG_SHA256:
		return EVP_sha256();
	case TPM2_ALG_SHA384:
		return EVP_sha384();
	case TPM2_ALG_SHA512:
		return EVP_sha512();
	default:
		return NULL;
	}
}

int cvm_tpm_attest_unmarshal(const uint8_t *buf, size_t len, TPMS_ATTEST *out, cvm_err *err)
{
	size_t off = 0;
	TSS2_RC rc;

	memset(out, 0, sizeof(*out));
	rc = Tss2_MU_TPMS_ATTEST_Unmarshal(buf, len, &off, out);
	if (rc != TSS2_RC_SUCCESS)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "not a TPMS_ATTEST (%zu bytes): tpm2-tss MU error 0x%x",
		                   len, rc);
	if (off != len)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
		                   "TPMS_ATTEST ends at byte %zu but the input has %zu bytes", off, len);
	return 0;
}

int cvm_tpm_sig_unmarshal(const uint8_t *buf, size_t len, TPMT_SIGNATURE *out, cvm_err *err)
{
	size_t off = 0;
	TSS2_RC rc;

	memset(out, 0, sizeof(*out));
	rc = Tss2_MU_TPMT_SIGNATURE_Unmarshal(buf, len, &off, out);
	if (rc != TSS2_RC_SUCCESS)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
		                   "not a TPMT_SIGNATURE (%zu bytes): tpm2-tss MU error 0x%x", len, rc);
	if (off != len)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
		                   "TPMT_SIGNATURE ends at byte %zu but the input has %zu bytes", off, len);
	return 0;
}

/* ---- PCR values ---- */

static int selection_bank(TPML_PCR_SELECTION *sel, TPMI_ALG_HASH alg)
{
	for (UINT32 i = 0; i < sel->count; i++)
		if (sel->pcrSelections[i].hash == alg)
			return (int)i;
	if (sel->count >= TPM2_NUM_PCR_BANKS)
		return -1;
	sel->pcrSelections[sel->count].hash = alg;
	sel->pcrSelections[sel->count].sizeofSelect = 3;
	memset(sel->pcrSelections[sel->count].pcrSelect, 0, TPM2_PCR_SELECT_MAX);
	return (int)sel->count++;
}

int cvm_tpm_pcrs_add(struct cvm_tpm_pcrs *p, TPMI_ALG_HASH alg, unsigned index, const uint8_t *val, size_t len)
{
	TPMS_PCR_SELECTION *s;
	int bank;

	if (index >= TPM2_MAX_PCRS || cvm_tpm_hash_size(alg) == 0 || len != cvm_tpm_hash_size(alg) ||
	    p->n >= CVM_TPM_PCRS_MAX || cvm_tpm_pcrs_find(p, alg, index))
		return -1;
	bank = selection_bank(&p->sel, alg);
	if (bank < 0)
		return -1;
	s = &p->sel.pcrSelections[bank];
	if (index / 8 >= s->sizeofSelect)
		s->sizeofSelect = (uint8_t)(index / 8 + 1);
	s->pcrSelect[index / 8] |= (uint8_t)(1u << (index % 8));
	p->v[p->n].alg = alg;
	p->v[p->n].index = (uint8_t)index;
	p->v[p->n].size = (uint8_t)len;
	memcpy(p->v[p->n].value, val, len);
	p->n++;
	return 0;
}

const struct cvm_tpm_pcr *cvm_tpm_pcrs_find(const struct cvm_tpm_pcrs *p, TPMI_ALG_HASH alg, unsigned index)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].alg == alg && p->v[i].index == index)
			return &p->v[i];
	return NULL;
}

static bool selected(const TPMS_PCR_SELECTION *s, unsigned index)
{
	return index / 8 < s->sizeofSelect && (s->pcrSelect[index / 8] & (1u << (index % 8)));
}

static bool selection_valid(const TPML_PCR_SELECTION *sel)
{
	if (sel->count > TPM2_NUM_PCR_BANKS)
		return false;
	for (UINT32 i = 0; i < sel->count; i++)
		if (sel->pcrSelections[i].sizeofSelect > TPM2_PCR_SELECT_MAX)
			return false;
	return true;
}

/* Walk @sel in quote order and take digests from @next until it runs dry.
 * The callback hands out the k-th digest; returns -1 when there is none. */
typedef int (*digest_source)(void *ctx, size_t k, const uint8_t **val, size_t *len);

static int pcrs_fill(struct cvm_tpm_pcrs *out, const TPML_PCR_SELECTION *sel, digest_source next, void *ctx,
                     size_t total, cvm_err *err, const char *fmt)
{
	size_t k = 0;

	if (!selection_valid(sel))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s PCR file: invalid PCR selection", fmt);
	memset(out, 0, sizeof(*out));
	for (UINT32 b = 0; b < sel->count; b++) {
		const TPMS_PCR_SELECTION *s = &sel->pcrSelections[b];
		for (unsigned i = 0; i < (unsigned)s->sizeofSelect * 8; i++) {
			const uint8_t *val;
			size_t len;
			if (!selected(s, i))
				continue;
			if (next(ctx, k, &val, &len) < 0)
				return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
				                   "%s PCR file: fewer values than the selection names", fmt);
			if (cvm_tpm_pcrs_add(out, s->hash, i, val, len) < 0)
				return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
				                   "%s PCR file: bad value for %s PCR %u (%zu bytes)", fmt,
				                   cvm_tpm_alg_name(s->hash), i, len);
			k++;
		}
	}
	if (k != total)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s PCR file: %zu values but the selection names %zu",
		                   fmt, total, k);
	/* Keep the file's own selection (with its sizeofSelect) for comparison. */
	out->sel = *sel;
	return 0;
}

struct digest_lists {
	const TPML_DIGEST *lists;
	size_t n_lists;
};

static int from_lists(void *ctx, size_t k, const uint8_t **val, size_t *len)
{
	const struct digest_lists *d = ctx;

	for (size_t l = 0; l < d->n_lists; l++) {
		if (k < d->lists[l].count) {
			*val = d->lists[l].digests[k].buffer;
			*len = d->lists[l].digests[k].size;
			return 0;
		}
		k -= d->lists[l].count;
	}
	return -1;
}

static size_t lists_total(const TPML_DIGEST *lists, size_t n)
{
	size_t t = 0;

	for (size_t i = 0; i < n; i++)
		t += lists[i].count;
	return t;
}

#define PCRS_MAX_LISTS (CVM_TPM_PCRS_MAX / 8)

/* tpm2-tools fwrite()s the structs as they sit in memory on the writing
 * host; we read them field by field at their C offsets (little-endian hosts
 * only, like the tool's own reader) so no padding or alignment is assumed
 * beyond what tss2_tpm2_types.h fixes. */
static int pcrs_serialized(const uint8_t *buf, size_t len, struct cvm_tpm_pcrs *out, cvm_err *err)
{
	cvm_autofree TPML_DIGEST *lists = NULL;
	TPML_PCR_SELECTION sel;
	UINT32 n;
	size_t off = sizeof(TPML_PCR_SELECTION);

	if (len < off + sizeof(UINT32))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "serialized PCR file: too short");
	memcpy(&sel, buf, sizeof(sel));
	memcpy(&n, buf + off, sizeof(n));
	off += sizeof(n);
	if (n > PCRS_MAX_LISTS || len != off + (size_t)n * sizeof(TPML_DIGEST))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
		                   "serialized PCR file: %zu bytes do not hold %u digest lists", len, n);
	lists = calloc(n ? n : 1, sizeof(*lists));
	if (!lists)
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	memcpy(lists, buf + off, (size_t)n * sizeof(TPML_DIGEST));
	for (UINT32 i = 0; i < n; i++) {
		if (lists[i].count > 8)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
			                   "serialized PCR file: digest list %u has count %u", i, lists[i].count);
		for (UINT32 j = 0; j < lists[i].count; j++)
			if (lists[i].digests[j].size > sizeof(lists[i].digests[j].buffer))
				return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "serialized PCR file: digest size %u",
				                   lists[i].digests[j].size);
	}
	struct digest_lists d = {lists, n};
	return pcrs_fill(out, &sel, from_lists, &d, lists_total(lists, n), err, "serialized");
}

static int pcrs_marshaled(const uint8_t *buf, size_t len, struct cvm_tpm_pcrs *out, cvm_err *err)
{
	cvm_autofree TPML_DIGEST *lists = NULL;
	TPML_PCR_SELECTION sel;
	UINT32 n;
	size_t off = 0;

	if (Tss2_MU_TPML_PCR_SELECTION_Unmarshal(buf, len, &off, &sel) != TSS2_RC_SUCCESS ||
	    Tss2_MU_UINT32_Unmarshal(buf, len, &off, &n) != TSS2_RC_SUCCESS)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "marshaled PCR file: bad header");
	if (n > PCRS_MAX_LISTS)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "marshaled PCR file: %u digest lists", n);
	lists = calloc(n ? n : 1, sizeof(*lists));
	if (!lists)
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	for (UINT32 i = 0; i < n; i++)
		if (Tss2_MU_TPML_DIGEST_Unmarshal(buf, len, &off, &lists[i]) != TSS2_RC_SUCCESS)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "marshaled PCR file: bad digest list %u", i);
	if (off != len)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "marshaled PCR file: %zu trailing bytes", len - off);
	struct digest_lists d = {lists, n};
	return pcrs_fill(out, &sel, from_lists, &d, lists_total(lists, n), err, "marshaled");
}

struct raw_values {
	const uint8_t *buf;
	size_t len, off;
	const TPML_PCR_SELECTION *sel;
};

/* Values files are consumed in selection order, each digest the size of its
 * bank's hash; k only ever increases by one. */
static int from_raw(void *ctx, size_t k, const uint8_t **val, size_t *len)
{
	struct raw_values *r = ctx;
	size_t seen = 0;

	(void)k;
	for (UINT32 b = 0; b < r->sel->count; b++) {
		const TPMS_PCR_SELECTION *s = &r->sel->pcrSelections[b];
		for (unsigned i = 0; i < (unsigned)s->sizeofSelect * 8; i++) {
			if (!selected(s, i))
				continue;
			if (seen++ < k)
				continue;
			size_t sz = cvm_tpm_hash_size(s->hash);
			if (sz == 0 || r->off + sz > r->len)
				return -1;
			*val = r->buf + r->off;
			*len = sz;
			r->off += sz;
			return 0;
		}
	}
	return -1;
}

static int pcrs_values(const uint8_t *buf, size_t len, const TPML_PCR_SELECTION *sel, struct cvm_tpm_pcrs *out,
                       cvm_err *err)
{
	struct raw_values r = {buf, len, 0, sel};
	size_t want = 0;

	if (!selection_valid(sel))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "values PCR file: invalid PCR selection");
	for (UINT32 b = 0; b < sel->count; b++)
		for (unsigned i = 0; i < (unsigned)sel->pcrSelections[b].sizeofSelect * 8; i++)
			if (selected(&sel->pcrSelections[b], i))
				want += cvm_tpm_hash_size(sel->pcrSelections[b].hash);
	if (want != len)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "values PCR file: %zu bytes but the selection needs %zu",
		                   len, want);
	size_t count = 0;
	for (UINT32 b = 0; b < sel->count; b++)
		for (unsigned i = 0; i < (unsigned)sel->pcrSelections[b].sizeofSelect * 8; i++)
			count += selected(&sel->pcrSelections[b], i);
	return pcrs_fill(out, sel, from_raw, &r, count, err, "values");
}

int cvm_tpm_pcrs_parse(const uint8_t *buf, size_t len, enum cvm_tpm_pcrs_format fmt,
                       const TPML_PCR_SELECTION *values_sel, struct cvm_tpm_pcrs *out, cvm_err *err)
{
	switch (fmt) {
	case CVM_TPM_PCRS_SERIALIZED:
		return pcrs_serialized(buf, len, out, err);
	case CVM_TPM_PCRS_MARSHALED:
		return pcrs_marshaled(buf, len, out, err);
	case CVM_TPM_PCRS_VALUES:
		if (!values_sel)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "values PCR file needs a PCR selection");
		return pcrs_values(buf, len, values_sel, out, err);
	case CVM_TPM_PCRS_AUTO:
	default:
		break;
	}
	if (pcrs_serialized(buf, len, out, NULL) == 0 || pcrs_marshaled(buf, len, out, NULL) == 0)
		return 0;
	if (values_sel && pcrs_values(buf, len, values_sel, out, NULL) == 0)
		return 0;
	return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
	                   "PCR file (%zu bytes) is neither serialized, marshaled nor plain values%s", len,
	                   values_sel ? " matching the quote's selection" : "");
}

int cvm_tpm_pcr_digest(const struct cvm_tpm_pcrs *p, const TPML_PCR_SELECTION *sel, TPMI_ALG_HASH alg,
                       uint8_t out[EVP_MAX_MD_SIZE], unsigned *out_len, char *why, size_t why_len)
{
	cvm_auto_evp_md_ctx EVP_MD_CTX *ctx = NULL;
	const EVP_MD *md = cvm_tpm_hash_md(alg);

	if (!md) {
		snprintf(why, why_len, "unsupported digest algorithm %s (0x%04x)", cvm_tpm_alg_name(alg), alg);
		return -1;
	}
	if (!selection_valid(sel)) {
		snprintf(why, why_len, "invalid PCR selection");
		return -1;
	}
	ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, md, NULL)) {
		snprintf(why, why_len, "out of memory");
		return -1;
	}
	for (UINT32 b = 0; b < sel->count; b++) {
		const TPMS_PCR_SELECTION *s = &sel->pcrSelections[b];
		for (unsigned i = 0; i < (unsigned)s->sizeofSelect * 8; i++) {
			const struct cvm_tpm_pcr *v;
			if (!selected(s, i))
				continue;
			v = cvm_tpm_pcrs_find(p, s->hash, i);
			if (!v) {
				snprintf(why, why_len, "no value for %s PCR %u", cvm_tpm_alg_name(s->hash), i);
				return -1;
			}
			EVP_DigestUpdate(ctx, v->value, v->size);
		}
	}
	if (!EVP_DigestFinal_ex(ctx, out, out_len)) {
		snprintf(why, why_len, "digest failed");
		return -1;
	}
	return 0;
}

bool cvm_tpm_selection_equal(const TPML_PCR_SELECTION *a, const TPML_PCR_SELECTION *b)
{
	if (a->count != b->count || !selection_valid(a) || !selection_valid(b))
		return false;
	for (UINT32 i = 0; i < a->count; i++) {
		const TPMS_PCR_SELECTION *x = &a->pcrSelections[i], *y = &b->pcrSelections[i];
		if (x->hash != y->hash)
			return false;
		for (unsigned k = 0; k < TPM2_PCR_SELECT_MAX; k++) {
			uint8_t bx = k < x->sizeofSelect ? x->pcrSelect[k] : 0;
			uint8_t by = k < y->sizeofSelect ? y->pcrSelect[k] : 0;
			if (bx != by)
				return false;
		}
	}
	return true;
}

void cvm_tpm_selection_format(const TPML_PCR_SELECTION *sel, char *buf, size_t len)
{
	size_t off = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (UINT32 b = 0; b < sel->count && b < TPM2_NUM_PCR_BANKS; b++) {
		const TPMS_PCR_SELECTION *s = &sel->pcrSelections[b];
		bool first = true;
		int n = snprintf(buf + off, len - off, "%s%s:", b ? "+" : "", cvm_tpm_alg_name(s->hash));
		if (n < 0 || (size_t)n >= len - off)
			goto trunc;
		off += (size_t)n;
		for (unsigned i = 0; i < (unsigned)s->sizeofSelect * 8 && i < TPM2_MAX_PCRS; i++) {
			if (!selected(s, i))
				continue;
			n = snprintf(buf + off, len - off, "%s%u", first ? "" : ",", i);
			if (n < 0 || (size_t)n >= len - off)
				goto trunc;
			off += (size_t)n;
			first = false;
		}
	}
	return;
trunc:
	if (len > 4)
		memcpy(buf + len - 4, "...", 4);
}

/* ---- signatures and keys ---- */

static int sig_to_der(const TPMT_SIGNATURE *sig, uint8_t **der, size_t *der_len, char *why, size_t why_len)
{
	cvm_auto_ecdsa_sig ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *r, *s;
	const TPMS_SIGNATURE_ECC *e = &sig->signature.ecdsa;
	int n;

	if (!es)
		return snprintf(why, why_len, "out of memory"), -1;
	r = BN_bin2bn(e->signatureR.buffer, e->signatureR.size, NULL);
	s = BN_bin2bn(e->signatureS.buffer, e->signatureS.size, NULL);
	if (!r || !s || !ECDSA_SIG_set0(es, r, s)) {
		BN_free(r);
		BN_free(s);
		return snprintf(why, why_len, "bad ECDSA signature values"), -1;
	}
	*der = NULL;
	n = i2d_ECDSA_SIG(es, der);
	if (n <= 0)
		return snprintf(why, why_len, "cannot encode ECDSA signature"), -1;
	*der_len = (size_t)n;
	return 0;
}

int cvm_tpm_sig_verify(EVP_PKEY *ak, const TPMT_SIGNATURE *sig, const uint8_t *msg, size_t msg_len, char *why,
                       size_t why_len)
{
	cvm_auto_evp_md_ctx EVP_MD_CTX *ctx = NULL;
	EVP_PKEY_CTX *pctx = NULL; /* owned by ctx */
	auto_ossl uint8_t *der = NULL;
	const uint8_t *sigbuf;
	size_t siglen;
	TPMI_ALG_HASH hash;
	int want_type;
	const EVP_MD *md;

	switch (sig->sigAlg) {
	case TPM2_ALG_RSASSA:
	case TPM2_ALG_RSAPSS:
		/* The rsassa and rsapss union members share one layout. */
		hash = sig->signature.rsassa.hash;
		sigbuf = sig->signature.rsassa.sig.buffer;
		siglen = sig->signature.rsassa.sig.size;
		want_type = EVP_PKEY_RSA;
		break;
	case TPM2_ALG_ECDSA:
		hash = sig->signature.ecdsa.hash;
		want_type = EVP_PKEY_EC;
		if (sig_to_der(sig, &der, &siglen, why, why_len) < 0)
			return -1;
		sigbuf = der;
		break;
	default:
		snprintf(why, why_len, "signature scheme %s (0x%04x) is not supported", cvm_tpm_alg_name(sig->sigAlg),
		         sig->sigAlg);
		return -1;
	}
	if (EVP_PKEY_get_base_id(ak) != want_type) {
		snprintf(why, why_len, "%s signature but the AK is not an %s key", cvm_tpm_alg_name(sig->sigAlg),
		         want_type == EVP_PKEY_RSA ? "RSA" : "EC");
		return -1;
	}
	if (hash == TPM2_ALG_SHA1 || !(md = cvm_tpm_hash_md(hash))) {
		snprintf(why, why_len, "signature hash %s is not accepted (SHA-256/384/512 only)",
		         cvm_tpm_alg_name(hash));
		return -1;
	}
	ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestVerifyInit(ctx, &pctx, md, NULL, ak) != 1) {
		snprintf(why, why_len, "cannot set up verification");
		return -1;
	}
	if (sig->sigAlg == TPM2_ALG_RSAPSS && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	                                       EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) != 1)) {
		snprintf(why, why_len, "cannot select RSA-PSS");
		return -1;
	}
	if (sig->sigAlg == TPM2_ALG_RSASSA && EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
		snprintf(why, why_len, "cannot select RSASSA-PKCS1-v1_5");
		return -1;
	}
	if (EVP_DigestVerify(ctx, sigbuf, siglen, msg, msg_len) != 1) {
		snprintf(why, why_len, "%s-%s signature does not verify with the AK", cvm_tpm_alg_name(sig->sigAlg),
		         cvm_tpm_alg_name(hash));
		return -1;
	}
	snprintf(why, why_len, "%s-%s signature verifies with the AK", cvm_tpm_alg_name(sig->sigAlg),
	         cvm_tpm_alg_name(hash));
	return 0;
}

int cvm_tpm_ak_check(EVP_PKEY *k, cvm_err *err)
{
	char curve[32] = "";

	switch (EVP_PKEY_get_base_id(k)) {
	case EVP_PKEY_RSA:
		if (EVP_PKEY_get_bits(k) < 2048)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "AK is a %d-bit RSA key (at least 2048 needed)",
			                   EVP_PKEY_get_bits(k));
		return 0;
	case EVP_PKEY_EC:
		if (!EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof(curve), NULL))
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "AK has an unnamed EC curve");
		if (strcmp(curve, "prime256v1") && strcmp(curve, "secp384r1") && strcmp(curve, "secp521r1"))
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "AK uses EC curve %s (P-256/384/521 only)",
			                   curve);
		return 0;
	default:
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "AK is neither an RSA nor an EC key");
	}
}

int cvm_tpm_ak_load(const uint8_t *buf, size_t len, EVP_PKEY **out, cvm_err *err)
{
	cvm_auto_evp_pkey EVP_PKEY *k = NULL;
	const uint8_t *p = buf;

	if (len > 10 && memmem(buf, len, "-----BEGIN", 10)) {
		cvm_auto_bio BIO *bio = BIO_new_mem_buf(buf, (int)len);
		if (bio)
			k = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	} else if (len <= 65536) {
		k = d2i_PUBKEY(NULL, &p, (long)len);
		if (k && p != buf + len) {
			EVP_PKEY_free(k);
			k = NULL;
		}
	}
	if (!k)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "not a PEM or DER public key (SubjectPublicKeyInfo)");
	if (cvm_tpm_ak_check(k, err) < 0)
		return -1;
	*out = cvm_steal_ptr(&k);
	return 0;
}

int cvm_tpm_ak_fingerprint(EVP_PKEY *ak, char out[65])
{
	auto_ossl uint8_t *der = NULL;
	int n = i2d_PUBKEY(ak, &der);

	if (n <= 0)
		return -1;
	cvm_sha256_hex(der, (size_t)n, out);
	return 0;
}
