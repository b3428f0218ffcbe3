/* Test kit for evidence bundles (no TPM): launch records, and a bundle
 * for tenant "a" whose TPM quote is signed here with a throwaway ECDSA AK,
 * optionally carrying an SNP report or a TDX quote with collateral.
 * Included (after cmocka.h) by test_evidence_bundle.c and
 * test_bundle_tdx.c, like tdx_testsign.c; not a test by itself. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <tss2/tss2_mu.h>

#include "b64.h"
#include "bundle.h"
#include "bundle_verify.h"
#include "cvm_cleanup.h"
#include "cvm_fileio.h"
#include "cvm_json.h"
#include "eventlog.h"
#include "evidence_policy.h"
#include "tpm_pubkey.h"
#include "tpm_quote.h"

#define D64 "0000000000000000000000000000000000000000000000000000000000000000"

static __attribute__((unused)) int parse_policy(const char *tpm, const char *rec, struct cvm_evidence_policy *p, cvm_err *err)
{
	cvm_autojson json_object *t = NULL, *r = NULL;

	cvm_evidence_policy_init(p);
	if (tpm && cvm_json_parse_object(tpm, "tpm", &t, err) < 0)
		return -1;
	if (rec && cvm_json_parse_object(rec, "rec", &r, err) < 0)
		return -1;
	return cvm_evidence_policy_parse(t, r, p, err);
}

/* @confidential: the record's "confidential" object. */
static __attribute__((unused)) const char *record_text_conf(const char *tenant, unsigned uid, const char *seccomp, const char *confidential)
{
	static char buf[2][1536];
	static int which;
	char *b = buf[which++ % 2];

	snprintf(
	    b, sizeof(buf[0]),
	    "{\"format\":\"cvm-launch-record/1\",\"tenant\":\"%s\",\"uuid\":\"u-%s\",\"uid\":%u,\"gid\":%u,"
	    "\"emulator\":{\"path\":\"/q\",\"sha256\":\"" D64 "\"},"
	    "\"selinux\":{\"state\":\"enforcing\",\"process_label\":\"system_u:system_r:svirt_t:s0:c1,c2\","
	    "\"image_labels\":[{\"path\":\"/d\",\"label\":\"system_u:object_r:svirt_image_t:s0:c1,c2\"}]},"
	    "\"seccomp\":{\"mode\":\"%s\"},\"landlock\":{\"state\":\"unavailable\"},\"namespaces\":[\"mount\",\"pid\"],"
	    "\"no_new_privs\":true,\"capabilities\":\"none\",\"sandbox_verified\":false,"
	    "\"confidential\":%s}",
	    tenant, tenant, uid, uid, seccomp, confidential);
	return b;
}

static __attribute__((unused)) const char *record_text(const char *tenant, unsigned uid, const char *seccomp)
{
	char conf[160];

	snprintf(conf, sizeof(conf), "{\"type\":\"sev-snp\",\"expected_measurement\":\"%096d\"}", 7);
	return record_text_conf(tenant, uid, seccomp, conf);
}

/* ---- bundles built here ---- */

struct built {
	char *json;
	EVP_PKEY *key;
	char fp[65];
	uint8_t nonce[16];
};

static __attribute__((unused)) void blob_set(struct cvm_blob *b, const void *data, size_t len)
{
	b->data = malloc(len ? len : 1);
	memcpy(b->data, data, len);
	b->len = len;
}

struct build_opts {
	bool with_snp, measurement_ok;
	const char *confidential; /* a's record "confidential" object; NULL: SNP with measurement */
	const uint8_t *tdx_quote; /* carried as "tdx" when set */
	size_t tdx_len;
	const char *tdx_coll_dir; /* collateral files to carry, or NULL */
};

static __attribute__((unused)) char *read_text(const char *dir, const char *name)
{
	char path[256];
	uint8_t *buf = NULL;
	size_t len = 0;
	cvm_err err = {0};

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (cvm_read_file(path, 1 << 20, &buf, &len, &err) < 0)
		fail_msg("%s", err.msg);
	return (char *)buf;
}

/* A bundle for tenant "a" with records of a and b, PCR 23 = replay of both,
 * a quote over PCR 23 signed with a fresh ECDSA key; optional SNP report
 * whose MEASUREMENT is 0x07 repeated (@measurement_ok) or not; optional TDX
 * quote and collateral. */
static __attribute__((unused)) void build_bundle_opts(struct built *out, const struct build_opts *o)
{
	cvm_autobundle struct cvm_bundle b = {0};
	const char *ra = o->confidential ? record_text_conf("a", 200001, "enforce", o->confidential)
	                                 : record_text("a", 200001, "enforce");
	bool with_snp = o->with_snp, measurement_ok = o->measurement_ok;
	char ra_copy[1536];
	const char *rb;
	struct cvm_evlog_entry e = {0};
	uint8_t pcr[32] = {0}, attest[1024], sig[256], raw[128], md[64];
	unsigned mdlen;
	size_t off = 0, rawlen = sizeof(raw);
	TPMS_ATTEST a = {0};
	TPMT_SIGNATURE s = {0};
	char why[65];
	cvm_err err = {0};

	snprintf(ra_copy, sizeof(ra_copy), "%s", ra);
	rb = record_text("b", 200002, "enforce");
	out->key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	cvm_tpm_ak_fingerprint(out->key, out->fp);
	memset(out->nonce, 0x42, sizeof(out->nonce));
	snprintf(b.tenant, sizeof(b.tenant), "a");
	snprintf(b.created, sizeof(b.created), "2026-11-26T00:00:00Z");
	blob_set(&b.nonce, out->nonce, sizeof(out->nonce));
	b.records = calloc(1, sizeof(*b.records));
	blob_set(&b.records[0], ra_copy, strlen(ra_copy));
	b.n_records = 1;
	const char *recs[2] = {ra_copy, rb};
	for (int i = 0; i < 2; i++) {
		e.seq = (unsigned long)i + 1;
		e.pcr = 23;
		cvm_sha256_hex(recs[i], strlen(recs[i]), why);
		cvm_hex_decode(why, e.digest, 32);
		snprintf(e.record, sizeof(e.record), "%s/u-%s", i ? "b" : "a", i ? "b" : "a");
		cvm_evlog_append(&b.log, &e);
		cvm_evlog_extend(pcr, e.digest);
	}
	b.pcrs = calloc(1, sizeof(*b.pcrs));
	cvm_tpm_pcrs_add(b.pcrs, TPM2_ALG_SHA256, 23, pcr, 32);
	a.magic = TPM2_GENERATED_VALUE;
	a.type = TPM2_ST_ATTEST_QUOTE;
	a.extraData.size = sizeof(out->nonce);
	memcpy(a.extraData.buffer, out->nonce, sizeof(out->nonce));
	a.attested.quote.pcrSelect = b.pcrs->sel;
	cvm_tpm_pcr_digest(b.pcrs, &b.pcrs->sel, TPM2_ALG_SHA256, md, &mdlen, why, sizeof(why));
	a.attested.quote.pcrDigest.size = (UINT16)mdlen;
	memcpy(a.attested.quote.pcrDigest.buffer, md, mdlen);
	Tss2_MU_TPMS_ATTEST_Marshal(&a, attest, sizeof(attest), &off);
	blob_set(&b.quote, attest, off);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, out->key);
	EVP_DigestSign(ctx, raw, &rawlen, attest, off);
	EVP_MD_CTX_free(ctx);
	const uint8_t *p = raw;
	ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)rawlen);
	s.sigAlg = TPM2_ALG_ECDSA;
	s.signature.ecdsa.hash = TPM2_ALG_SHA256;
	s.signature.ecdsa.signatureR.size =
	    (UINT16)BN_bn2binpad(ECDSA_SIG_get0_r(es), s.signature.ecdsa.signatureR.buffer, 32);
	s.signature.ecdsa.signatureS.size =
	    (UINT16)BN_bn2binpad(ECDSA_SIG_get0_s(es), s.signature.ecdsa.signatureS.buffer, 32);
	ECDSA_SIG_free(es);
	off = 0;
	Tss2_MU_TPMT_SIGNATURE_Marshal(&s, sig, sizeof(sig), &off);
	blob_set(&b.signature, sig, off);
	b.ak_pem = cvm_tpm_pkey_pem(out->key);
	if (with_snp) {
		uint8_t report[1184] = {2};
		memset(report + CVM_BUNDLE_SNP_MEASUREMENT_OFF, 0, CVM_BUNDLE_SNP_MEASUREMENT_LEN);
		/* the record's expected measurement is "%096d" of 7: 95 zeros then '7' */
		report[CVM_BUNDLE_SNP_MEASUREMENT_OFF + CVM_BUNDLE_SNP_MEASUREMENT_LEN - 1] =
		    measurement_ok ? 0x07 : 0x08;
		blob_set(&b.snp_report, report, sizeof(report));
	}
	if (o->tdx_quote)
		blob_set(&b.tdx_quote, o->tdx_quote, o->tdx_len);
	if (o->tdx_coll_dir) {
		b.tdx_tcb_info = read_text(o->tdx_coll_dir, "tcbInfo.json");
		b.tdx_tcb_info_chain = read_text(o->tdx_coll_dir, "tcbinfo_issuer_chain.pem");
		b.tdx_qe_identity = read_text(o->tdx_coll_dir, "enclaveIdentity.json");
		b.tdx_qe_identity_chain = read_text(o->tdx_coll_dir, "qeidentity_issuer_chain.pem");
	}
	out->json = cvm_bundle_format(&b, &err);
	assert_non_null(out->json);
}

static __attribute__((unused)) void build_bundle(struct built *out, bool with_snp, bool measurement_ok)
{
	struct build_opts o = {.with_snp = with_snp, .measurement_ok = measurement_ok};
	build_bundle_opts(out, &o);
}

static __attribute__((unused)) void built_free(struct built *b)
{
	free(b->json);
	EVP_PKEY_free(b->key);
}

static __attribute__((unused)) void bundle_bad(const char *text, const char *want)
{
	cvm_autobundle struct cvm_bundle b = {0};
	cvm_err err = {0};

	assert_int_equal(cvm_bundle_parse(text, &b, &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
	if (!strstr(err.msg, want))
		fail_msg("\"%s\" lacks \"%s\"", err.msg, want);
}

static __attribute__((unused)) char *replace(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	char *out;

	assert_non_null(at);
	out = malloc(strlen(s) + strlen(to) + 1);
	memcpy(out, s, (size_t)(at - s));
	strcpy(out + (at - s), to);
	strcat(out, at + strlen(from));
	return out;
}
