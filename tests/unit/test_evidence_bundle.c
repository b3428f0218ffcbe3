/* Pure parts of launch evidence, without a TPM: the event log (parse,
 * replay known answer, tamper detection), the evidence policy sections, the
 * launch-record checks, the bundle format (parse errors, round trip,
 * redaction) and bundle verification over a bundle built and signed here
 * (including the SNP measurement cross-check through the hook, and a TDX
 * quote signed with the throwaway PKI of tdx_testsign.c verified through
 * the real TDX verifier). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <tss2/tss2_mu.h>

#include "b64.h"
#include "bundle.h"
#include "bundle_verify.h"
#include "cvm_cleanup.h"
#include "cvm_crypto_cleanup.h"
#include "cvm_fileio.h"
#include "cvm_json.h"
#include "eventlog.h"
#include "evidence_policy.h"
#include "bundle_tdx.h"
#include "record_check.h"
#include "tdx_testsign.c"
#include "tpm_pubkey.h"
#include "tpm_quote.h"

/* ---- event log ---- */

static void test_evlog_replay_known_answer(void **state)
{
	const char *text = "{\"seq\":1,\"pcr\":23,\"digest\":\"" /* SHA-256("a") */
	                   "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb\",\"record\":\"t/u\"}\n";
	struct cvm_evlog log = {0};
	uint8_t pcr[32], want[32], buf[64] = {0};
	unsigned n = 32;
	cvm_err err = {0};

	assert_int_equal(cvm_evlog_parse_lines(text, strlen(text), "log", &log, &err), 0);
	assert_int_equal(log.n, 1);
	assert_string_equal(log.e[0].record, "t/u");
	assert_int_equal(cvm_evlog_replay(&log, 23, pcr), 1);
	memcpy(buf + 32, log.e[0].digest, 32);
	EVP_Digest(buf, 64, want, &n, EVP_sha256(), NULL);
	assert_memory_equal(pcr, want, 32);
	assert_int_equal(cvm_evlog_replay(&log, 16, pcr), 0);
	memset(want, 0, 32);
	assert_memory_equal(pcr, want, 32);
	/* the line we write is the line we read */
	cvm_autofree char *line = cvm_evlog_entry_line(&log.e[0]);
	assert_string_equal(line, text);
	cvm_evlog_free(&log);
}

static void evlog_bad(const char *text, const char *want)
{
	struct cvm_evlog log = {0};
	cvm_err err = {0};

	assert_int_equal(cvm_evlog_parse_lines(text, strlen(text), "log", &log, &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
	if (!strstr(err.msg, want))
		fail_msg("\"%s\" lacks \"%s\"", err.msg, want);
	cvm_evlog_free(&log);
}

#define D64 "0000000000000000000000000000000000000000000000000000000000000000"

static void test_evlog_errors(void **state)
{
	evlog_bad("{\"seq\":1,\"pcr\":23,\"digest\":\"" D64 "\"}", "incomplete last line");
	evlog_bad("{\"seq\":1,\"pcr\":23,\"digest\":\"" D64 "\"}\n{\"seq\":3,\"pcr\":23,\"digest\":\"" D64 "\"}\n",
	          "log:2: seq 3 follows 1");
	evlog_bad("{\"seq\":1,\"pcr\":24,\"digest\":\"" D64 "\"}\n", "\"pcr\" must be an integer 0-23");
	evlog_bad("{\"seq\":1,\"pcr\":23,\"digest\":\"00\"}\n", "64 hex digits");
	evlog_bad("{\"seq\":1,\"pcr\":23,\"digest\":\"" D64 "\",\"extra\":1}\n", "unknown key \"extra\"");
	evlog_bad("{\"seq\":1,\"pcr\":23,\"digest\":\"" D64 "\",\"record\":\"no-slash\"}\n", "<tenant>/<uuid>");
	evlog_bad("{\"seq\":1,\"pcr\":23}\n", "lacks \"digest\"");
	evlog_bad("\n", "not a JSON object");
}

/* ---- policy ---- */

static int parse_policy(const char *tpm, const char *rec, struct cvm_evidence_policy *p, cvm_err *err)
{
	cvm_autojson json_object *t = NULL, *r = NULL;

	cvm_evidence_policy_init(p);
	if (tpm && cvm_json_parse_object(tpm, "tpm", &t, err) < 0)
		return -1;
	if (rec && cvm_json_parse_object(rec, "rec", &r, err) < 0)
		return -1;
	return cvm_evidence_policy_parse(t, r, p, err);
}

static void policy_bad(const char *tpm, const char *rec, const char *want)
{
	struct cvm_evidence_policy p;
	cvm_err err = {0};

	assert_int_equal(parse_policy(tpm, rec, &p, &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
	if (!strstr(err.msg, want))
		fail_msg("\"%s\" lacks \"%s\"", err.msg, want);
}

static void test_policy_parse(void **state)
{
	struct cvm_evidence_policy p;
	cvm_err err = {0};

	assert_int_equal(parse_policy("{\"trusted_ak_sha256\":[\"" D64 "\"],\"pcr\":16}",
	                              "{\"confidential_type\":[\"sev-snp\",\"tdx\"],\"expected_measurement\":\"AB01" D64
	                              "\","
	                              "\"uid_range\":[10,20],\"seccomp\":\"enforce\",\"require_label\":true}",
	                              &p, &err),
	                 0);
	assert_int_equal(p.n_ak, 1);
	assert_int_equal(p.pcr, 16);
	assert_int_equal(p.n_ctype, 2);
	assert_string_equal(p.confidential_type[1], "tdx");
	assert_string_equal(p.measurement[0], "ab01" D64); /* hex is lower-cased */
	assert_true(p.uid_range_set && p.uid_lo == 10 && p.uid_hi == 20);
	assert_true(p.require_label);
	policy_bad("{\"trusted_aks\":[]}", NULL, "policy \"tpm\": unknown key \"trusted_aks\"");
	policy_bad("{\"trusted_ak_sha256\":[\"abcd\"]}", NULL, "64-64 hex digits");
	policy_bad("{\"pcr\":24}", NULL, "0-23");
	policy_bad("{\"trusted_ak_pem\":[\"not a key\"]}", NULL, "trusted_ak_pem");
	policy_bad(NULL, "{\"seccomp\":\"strict\"}", "enforce|log|off");
	policy_bad(NULL, "{\"uid_range\":[20,10]}", "uid_range");
	policy_bad(NULL, "{\"uid_range\":[0,10]}", "uid_range");
	policy_bad(NULL, "{\"require_label\":1}", "true or false");
	policy_bad(NULL, "{\"namespaces\":\"pid\"}", "array of strings");
	policy_bad(NULL, "{\"seccom\":\"enforce\"}", "policy \"launch_record\": unknown key \"seccom\"");
}

/* ---- record checks ---- */

/* @confidential: the record's "confidential" object. */
static const char *record_text_conf(const char *tenant, unsigned uid, const char *seccomp, const char *confidential)
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

static const char *record_text(const char *tenant, unsigned uid, const char *seccomp)
{
	char conf[160];

	snprintf(conf, sizeof(conf), "{\"type\":\"sev-snp\",\"expected_measurement\":\"%096d\"}", 7);
	return record_text_conf(tenant, uid, seccomp, conf);
}

static int check_one(const char *pol_rec, const char *rec_text, const char *other_text, const char *name)
{
	struct cvm_evidence_policy p;
	cvm_autojson json_object *rec = NULL, *other = NULL;
	cvm_autoverdict struct cvm_verdict v;
	cvm_err err = {0};
	json_object *all[2];

	assert_int_equal(parse_policy(NULL, pol_rec, &p, &err), 0);
	assert_int_equal(cvm_json_parse_object(rec_text, "r", &rec, &err), 0);
	all[0] = rec;
	if (other_text)
		assert_int_equal(cvm_json_parse_object(other_text, "o", &other, &err), 0);
	all[1] = other;
	cvm_verdict_init(&v);
	cvm_record_check(&p, rec, "record", all, other ? 2 : 1, &v);
	return cvm_verdict_result(&v, name);
}

static void test_record_checks(void **state)
{
	const char *r = record_text("a", 200001, "enforce");

	assert_int_equal(check_one("{\"seccomp\":\"enforce\"}", r, NULL, "record.seccomp"), CVM_CHECK_PASS);
	assert_int_equal(check_one("{\"seccomp\":\"enforce\"}", record_text("a", 1, "log"), NULL, "record.seccomp"),
	                 CVM_CHECK_FAIL);
	assert_int_equal(check_one("{\"selinux\":\"enforcing\"}", r, NULL, "record.selinux"), CVM_CHECK_PASS);
	assert_int_equal(check_one("{\"landlock\":\"enforced\"}", r, NULL, "record.landlock"), CVM_CHECK_FAIL);
	assert_int_equal(
	    check_one("{\"confidential_type\":[\"tdx\",\"sev-snp\"]}", r, NULL, "record.confidential_type"),
	    CVM_CHECK_PASS);
	assert_int_equal(check_one("{\"confidential_type\":\"tdx\"}", r, NULL, "record.confidential_type"),
	                 CVM_CHECK_FAIL);
	assert_int_equal(
	    check_one("{\"expected_measurement\":\"00000000000000000000000000000000\"}", r, NULL, "record.measurement"),
	    CVM_CHECK_FAIL);
	assert_int_equal(check_one("{\"emulator_sha256\":[\"" D64 "\"]}", r, NULL, "record.emulator"), CVM_CHECK_PASS);
	assert_int_equal(check_one("{\"namespaces\":[\"pid\"]}", r, NULL, "record.namespaces"), CVM_CHECK_PASS);
	assert_int_equal(check_one("{\"namespaces\":[\"pid\",\"net\"]}", r, NULL, "record.namespaces"), CVM_CHECK_FAIL);
	assert_int_equal(check_one("{\"require_label\":true}", r, NULL, "record.label"), CVM_CHECK_PASS);
	assert_int_equal(check_one("{\"require_sandbox_verified\":true}", r, NULL, "record.sandbox_verified"),
	                 CVM_CHECK_FAIL);
	assert_int_equal(check_one("{\"require_no_new_privs\":true}", r, NULL, "record.no_new_privs"), CVM_CHECK_PASS);
	assert_int_equal(check_one("{\"require_no_capabilities\":true}", r, NULL, "record.capabilities"),
	                 CVM_CHECK_PASS);
	assert_int_equal(check_one("{\"uid_range\":[200000,299999]}", r, NULL, "record.uid_range"), CVM_CHECK_PASS);
	assert_int_equal(check_one("{\"uid_range\":[300000,399999]}", r, NULL, "record.uid_range"), CVM_CHECK_FAIL);
	/* unique uid: root fails; another tenant with the same uid fails; the
	 * same tenant's earlier record does not count */
	assert_int_equal(check_one("{\"require_unique_uid\":true}", r, NULL, "record.unique_uid"), CVM_CHECK_PASS);
	assert_int_equal(
	    check_one("{\"require_unique_uid\":true}", record_text("a", 0, "enforce"), NULL, "record.unique_uid"),
	    CVM_CHECK_FAIL);
	assert_int_equal(
	    check_one("{\"require_unique_uid\":true}", r, record_text("b", 200001, "enforce"), "record.unique_uid"),
	    CVM_CHECK_FAIL);
	assert_int_equal(
	    check_one("{\"require_unique_uid\":true}", r, record_text("a", 200001, "enforce"), "record.unique_uid"),
	    CVM_CHECK_PASS);
	/* keys the policy does not set produce no check */
	assert_int_equal(check_one("{}", r, NULL, "record.seccomp"), -1);
}

/* ---- bundles built here ---- */

struct built {
	char *json;
	EVP_PKEY *key;
	char fp[65];
	uint8_t nonce[16];
};

static void blob_set(struct cvm_blob *b, const void *data, size_t len)
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

static char *read_text(const char *dir, const char *name)
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
static void build_bundle_opts(struct built *out, const struct build_opts *o)
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

static void build_bundle(struct built *out, bool with_snp, bool measurement_ok)
{
	struct build_opts o = {.with_snp = with_snp, .measurement_ok = measurement_ok};
	build_bundle_opts(out, &o);
}

static void built_free(struct built *b)
{
	free(b->json);
	EVP_PKEY_free(b->key);
}

static int snp_stub(void *ctx, const struct cvm_bundle *b, struct cvm_verdict *v, cvm_err *err)
{
	int *calls = ctx;

	(*calls)++;
	cvm_verdict_add(v, "snp.stub", CVM_CHECK_PASS, "%zu-byte report handed over", b->snp_report.len);
	return 0;
}

static bool verify_built(const struct built *bt, const char *text, const char *check, int *result, int *snp_calls)
{
	cvm_autobundle struct cvm_bundle b = {0};
	struct cvm_evidence_policy p;
	cvm_autoverdict struct cvm_verdict v;
	cvm_err err = {0};
	char tpm[200];

	snprintf(tpm, sizeof(tpm), "{\"trusted_ak_sha256\":[\"%s\"]}", bt->fp);
	assert_int_equal(parse_policy(tpm, "{\"seccomp\":\"enforce\",\"require_unique_uid\":true}", &p, &err), 0);
	assert_int_equal(cvm_bundle_parse(text, &b, &err), 0);
	struct cvm_bundle_verify_in in = {.bundle = &b,
	                                  .policy = &p,
	                                  .nonce = bt->nonce,
	                                  .nonce_len = sizeof(bt->nonce),
	                                  .snp_verify = snp_calls ? snp_stub : NULL,
	                                  .snp_ctx = snp_calls};
	cvm_verdict_init(&v);
	assert_int_equal(cvm_bundle_verify(&in, &v, &err), 0);
	if (check)
		*result = cvm_verdict_result(&v, check);
	return cvm_verdict_accepted(&v);
}

static void test_bundle_verify_built(void **state)
{
	struct built bt;
	int r = -1, calls = 0;

	build_bundle(&bt, false, false);
	assert_true(verify_built(&bt, bt.json, "eventlog.replay", &r, NULL));
	assert_int_equal(r, CVM_CHECK_PASS);
	/* b's entry is redacted in a's bundle */
	assert_null(strstr(bt.json, "b/u-b"));
	assert_non_null(strstr(bt.json, "a/u-a"));
	built_free(&bt);

	build_bundle(&bt, true, true);
	assert_true(verify_built(&bt, bt.json, "snp.measurement_matches_record", &r, &calls));
	assert_int_equal(r, CVM_CHECK_PASS);
	assert_int_equal(calls, 1);
	/* without an SNP verifier the report cannot be checked: rejected */
	assert_false(verify_built(&bt, bt.json, "snp.report", &r, NULL));
	assert_int_equal(r, CVM_CHECK_ERROR);
	built_free(&bt);

	build_bundle(&bt, true, false);
	assert_false(verify_built(&bt, bt.json, "snp.measurement_matches_record", &r, &calls));
	assert_int_equal(r, CVM_CHECK_FAIL);
	built_free(&bt);
}

static void bundle_bad(const char *text, const char *want)
{
	cvm_autobundle struct cvm_bundle b = {0};
	cvm_err err = {0};

	assert_int_equal(cvm_bundle_parse(text, &b, &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
	if (!strstr(err.msg, want))
		fail_msg("\"%s\" lacks \"%s\"", err.msg, want);
}

static char *replace(const char *s, const char *from, const char *to)
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

static void test_bundle_parse_errors(void **state)
{
	struct built bt;

	build_bundle(&bt, false, false);
	struct {
		const char *from, *to, *want;
	} cases[] = {
	    {"cvm-evidence/1", "cvm-evidence/2", "is not cvm-evidence/1"},
	    {"\"tenant\"", "\"tenantx\"", "unknown key \"tenantx\""},
	    {"\"nonce\":\"", "\"nonce\":\"zz", "\"nonce\" must be hex"},
	    {"\"quote\":\"", "\"quote\":\"!", "\"quote\" is not valid base64"},
	    {"\"ak_pem\"", "\"ak\"", "tpm: unknown key \"ak\""},
	    {"\"sha256\":{", "\"sha257\":{", "bad bank \"sha257\""},
	    {"\"23\":", "\"023\":", "bad PCR \"023\""},
	    {"\"seq\":2", "\"seq\":5", "eventlog[1]: seq 5 follows 1"},
	    {"\"records\":[", "\"records\":[1,", "records[0] is not base64"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cvm_autofree char *t = replace(bt.json, cases[i].from, cases[i].to);
		bundle_bad(t, cases[i].want);
	}
	bundle_bad("{}", "missing \"format\"");
	bundle_bad("[]", "must be a JSON object");
	/* a truncated quote is bad input for the verifier, not a rejection */
	{
		cvm_autobundle struct cvm_bundle b = {0};
		struct cvm_evidence_policy p;
		cvm_autoverdict struct cvm_verdict v;
		cvm_err err = {0};
		assert_int_equal(cvm_bundle_parse(bt.json, &b, &err), 0);
		b.quote.len--;
		cvm_evidence_policy_init(&p);
		cvm_verdict_init(&v);
		struct cvm_bundle_verify_in in = {.bundle = &b, .policy = &p};
		assert_int_equal(cvm_bundle_verify(&in, &v, &err), -1);
		assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
		assert_non_null(strstr(err.msg, "TPMS_ATTEST"));
	}
	built_free(&bt);
}

static void test_policy_without_ak_rejects(void **state)
{
	struct built bt;
	cvm_autobundle struct cvm_bundle b = {0};
	struct cvm_evidence_policy p;
	cvm_autoverdict struct cvm_verdict v;
	cvm_err err = {0};

	build_bundle(&bt, false, false);
	assert_int_equal(cvm_bundle_parse(bt.json, &b, &err), 0);
	cvm_evidence_policy_init(&p);
	cvm_verdict_init(&v);
	struct cvm_bundle_verify_in in = {.bundle = &b, .policy = &p, .nonce = bt.nonce, .nonce_len = 16};
	assert_int_equal(cvm_bundle_verify(&in, &v, &err), 0);
	assert_int_equal(cvm_verdict_result(&v, "tpm.ak_trusted"), CVM_CHECK_ERROR);
	assert_false(cvm_verdict_accepted(&v));
	built_free(&bt);
}


/* ---- TDX quotes in bundles ---- */

static const time_t AT_2026 = 1772323200; /* 2026-03-01: inside the kit's certificates and collateral */

struct tdx_fx {
	struct tdx_ts_pki pki;
	char dir[64], coll[96], root[96];
	const char *roots[2];
};

static int tdx_setup(void **state)
{
	struct tdx_fx *f = calloc(1, sizeof(*f));
	struct tdx_ts_platform plat;
	struct tdx_ts_coll_opts co;
	static const struct tdx_ts_level up[] = {
	    {.sgx = {2}, .pcesvn = 11, .tdx = {5, 0, 2}, .status = "UpToDate"},
	};

	tdx_ts_platform_default(&plat);
	snprintf(f->dir, sizeof(f->dir), "/tmp/bundle-tdx-XXXXXX");
	if (!mkdtemp(f->dir) || tdx_ts_pki_new(&f->pki, &plat) < 0)
		return -1;
	snprintf(f->root, sizeof(f->root), "%s/root.pem", f->dir);
	snprintf(f->coll, sizeof(f->coll), "%s/coll", f->dir);
	tdx_ts_coll_opts_default(&co, &f->pki);
	co.levels = up;
	co.n_levels = 1;
	if (tdx_ts_write_root(&f->pki, f->root) < 0 || mkdir(f->coll, 0700) < 0 ||
	    tdx_ts_write_collateral(&f->pki, &co, f->coll) < 0)
		return -1;
	f->roots[0] = f->root;
	*state = f;
	return 0;
}

static int tdx_teardown(void **state)
{
	struct tdx_fx *f = *state;

	cvm_rm_rf(f->dir, NULL);
	tdx_ts_pki_free(&f->pki);
	free(f);
	return 0;
}

struct tdx_hook_ctx {
	const struct tdx_fx *f;
	const uint8_t *nonce;
	size_t nonce_len;
	int calls;
};

/* What attest-verify bundle's hook does: the real TDX verifier, default
 * "tdx" policy with a required raw nonce binding. */
static int tdx_hook(void *ctx, const struct cvm_bundle *b, struct cvm_verdict *v, cvm_err *err)
{
	struct tdx_hook_ctx *h = ctx;
	struct cvm_policy_tdx pol;

	h->calls++;
	cvm_policy_tdx_default(&pol);
	pol.require_nonce = true;
	pol.binding = CVM_NONCE_RAW;
	struct cvm_bundle_tdx_opts o = {
	    .policy = &pol,
	    .trust_roots = h->f->roots,
	    .nonce = h->nonce,
	    .nonce_len = h->nonce_len,
	    .has_at_time = true,
	    .at_time = AT_2026,
	};
	return cvm_bundle_tdx_verify(b, &o, v, err);
}

/* A TDX quote whose REPORTDATA is @rd_byte x16 (the bundle nonce is 0x42 x16). */
static uint8_t *tdx_quote_for(const struct tdx_fx *f, uint8_t rd_byte, const uint8_t *mrtd, size_t *len)
{
	struct tdx_ts_quote_opts qo;

	tdx_ts_quote_opts_default(&qo, 4, 2);
	memset(qo.report_data, rd_byte, 16);
	if (mrtd)
		memcpy(qo.mrtd, mrtd, 48);
	return tdx_ts_quote(&f->pki, &qo, len);
}

/* Verify the built bundle (after @tamper, if any) with the TDX hook. */
static bool verify_tdx(const struct built *bt, const struct tdx_fx *f, const char *rec_policy,
                       void (*tamper)(struct cvm_bundle *), struct cvm_verdict *v, int *calls)
{
	cvm_autobundle struct cvm_bundle b = {0};
	struct cvm_evidence_policy p;
	struct tdx_hook_ctx h = {.f = f, .nonce = bt->nonce, .nonce_len = sizeof(bt->nonce)};
	cvm_err err = {0};
	char tpm[200];

	snprintf(tpm, sizeof(tpm), "{\"trusted_ak_sha256\":[\"%s\"]}", bt->fp);
	assert_int_equal(parse_policy(tpm, rec_policy, &p, &err), 0);
	if (cvm_bundle_parse(bt->json, &b, &err) < 0)
		fail_msg("%s", err.msg);
	if (tamper)
		tamper(&b);
	struct cvm_bundle_verify_in in = {.bundle = &b,
	                                  .policy = &p,
	                                  .nonce = bt->nonce,
	                                  .nonce_len = sizeof(bt->nonce),
	                                  .tdx_verify = f ? tdx_hook : NULL,
	                                  .tdx_ctx = &h};
	cvm_verdict_init(v);
	if (cvm_bundle_verify(&in, v, &err) < 0)
		fail_msg("%s", err.msg);
	if (calls)
		*calls = h.calls;
	return cvm_verdict_accepted(v);
}

static void want_check(const struct cvm_verdict *v, const char *name, enum cvm_check_result r)
{
	int got = cvm_verdict_result(v, name);
	if (got != (int)r) {
		cvm_verdict_print(v, stderr, false);
		fail_msg("check %s: got %d, want %d", name, got, (int)r);
	}
}

static void test_bundle_tdx_accepted(void **state)
{
	struct tdx_fx *f = *state;
	struct built bt;
	size_t qlen;
	cvm_autofree uint8_t *q = tdx_quote_for(f, 0x42, NULL, &qlen);
	struct build_opts o = {.confidential = "{\"type\":\"tdx\"}", .tdx_quote = q, .tdx_len = qlen,
	                       .tdx_coll_dir = f->coll};
	cvm_autoverdict struct cvm_verdict v;
	int calls = 0;

	build_bundle_opts(&bt, &o);
	assert_true(verify_tdx(&bt, f, "{\"confidential_type\":\"tdx\"}", NULL, &v, &calls));
	assert_int_equal(calls, 1);
	want_check(&v, "tpm.nonce", CVM_CHECK_PASS);
	want_check(&v, "eventlog.replay", CVM_CHECK_PASS);
	want_check(&v, "record.confidential_type", CVM_CHECK_PASS);
	want_check(&v, "tdx.record_type", CVM_CHECK_PASS);
	want_check(&v, "tdx.pck_chain", CVM_CHECK_PASS);
	want_check(&v, "tdx.quote_signature", CVM_CHECK_PASS);
	want_check(&v, "tdx.report_data", CVM_CHECK_PASS);
	want_check(&v, "tdx.tcb_info_signature", CVM_CHECK_PASS);
	want_check(&v, "tdx.qe_identity_signature", CVM_CHECK_PASS);
	want_check(&v, "tdx.tcb_status", CVM_CHECK_PASS);
	/* a TDX record carries no expected measurement: MRTD is not tied */
	want_check(&v, "tdx.mrtd_matches_record", CVM_CHECK_INFO);
	assert_int_equal(cvm_verdict_result(&v, "snp.measurement_matches_record"), -1);
	cvm_verdict_free(&v);

	/* format/parse keeps the quote and every collateral byte */
	{
		cvm_autobundle struct cvm_bundle b = {0};
		cvm_err err = {0};
		assert_int_equal(cvm_bundle_parse(bt.json, &b, &err), 0);
		assert_int_equal(b.tdx_quote.len, qlen);
		assert_memory_equal(b.tdx_quote.data, q, qlen);
		cvm_autofree char *tcb = read_text(f->coll, "tcbInfo.json");
		assert_string_equal(b.tdx_tcb_info, tcb);
		cvm_autofree char *again = cvm_bundle_format(&b, &err);
		assert_string_equal(again, bt.json);
	}

	/* without a TDX verifier the quote cannot be checked: rejected */
	assert_false(verify_tdx(&bt, NULL, NULL, NULL, &v, NULL));
	want_check(&v, "tdx.quote", CVM_CHECK_ERROR);
	cvm_verdict_free(&v);
	built_free(&bt);

	/* no collateral: the quote still verifies, TCB status is not checked */
	o.tdx_coll_dir = NULL;
	build_bundle_opts(&bt, &o);
	assert_null(strstr(bt.json, "\"collateral\""));
	assert_true(verify_tdx(&bt, f, NULL, NULL, &v, NULL));
	want_check(&v, "tdx.quote_signature", CVM_CHECK_PASS);
	want_check(&v, "tdx.tcb_status", CVM_CHECK_INFO);
	built_free(&bt);
}

/* Flip one byte of MRTD: inside the attestation key's signature. */
static void tamper_mrtd(struct cvm_bundle *b)
{
	b->tdx_quote.data[48 + 16 + 48 + 48 + 8 + 8 + 8] ^= 1;
}

/* Change one byte of the TCB info's signed value. */
static void tamper_tcb_info(struct cvm_bundle *b)
{
	char *at = strstr(b->tdx_tcb_info, "\"tcbEvaluationDataNumber\":");
	assert_non_null(at);
	at[strlen("\"tcbEvaluationDataNumber\":")] ^= 1; /* a digit stays a digit */
}

static void test_bundle_tdx_tampered(void **state)
{
	struct tdx_fx *f = *state;
	struct built bt;
	size_t qlen;
	cvm_autofree uint8_t *q = tdx_quote_for(f, 0x42, NULL, &qlen);
	struct build_opts o = {.confidential = "{\"type\":\"tdx\"}", .tdx_quote = q, .tdx_len = qlen,
	                       .tdx_coll_dir = f->coll};
	cvm_autoverdict struct cvm_verdict v;

	build_bundle_opts(&bt, &o);
	assert_false(verify_tdx(&bt, f, NULL, tamper_mrtd, &v, NULL));
	want_check(&v, "tdx.quote_signature", CVM_CHECK_FAIL);
	want_check(&v, "tpm.signature", CVM_CHECK_PASS);
	cvm_verdict_free(&v);
	assert_false(verify_tdx(&bt, f, NULL, tamper_tcb_info, &v, NULL));
	want_check(&v, "tdx.quote_signature", CVM_CHECK_PASS);
	want_check(&v, "tdx.tcb_info_signature", CVM_CHECK_FAIL);
	built_free(&bt);
}

static void test_bundle_tdx_wrong_nonce(void **state)
{
	struct tdx_fx *f = *state;
	struct built bt;
	size_t qlen;
	/* a quote made for another challenge, in a bundle with a fresh TPM quote */
	cvm_autofree uint8_t *q = tdx_quote_for(f, 0x43, NULL, &qlen);
	struct build_opts o = {.confidential = "{\"type\":\"tdx\"}", .tdx_quote = q, .tdx_len = qlen};
	cvm_autoverdict struct cvm_verdict v;

	build_bundle_opts(&bt, &o);
	assert_false(verify_tdx(&bt, f, NULL, NULL, &v, NULL));
	want_check(&v, "tpm.nonce", CVM_CHECK_PASS);
	want_check(&v, "tdx.quote_signature", CVM_CHECK_PASS);
	want_check(&v, "tdx.report_data", CVM_CHECK_FAIL);
	built_free(&bt);
}

static void test_bundle_tdx_record_mismatch(void **state)
{
	struct tdx_fx *f = *state;
	struct built bt;
	size_t qlen;
	uint8_t mrtd[48];
	char conf[200], hex[97];
	cvm_autoverdict struct cvm_verdict v;

	memset(mrtd, 0x5c, sizeof(mrtd));
	cvm_autofree uint8_t *q = tdx_quote_for(f, 0x42, mrtd, &qlen);
	/* the record says SNP: the quote does not belong to this launch */
	struct build_opts o = {.tdx_quote = q, .tdx_len = qlen};
	build_bundle_opts(&bt, &o);
	assert_false(verify_tdx(&bt, f, "{\"confidential_type\":\"tdx\"}", NULL, &v, NULL));
	want_check(&v, "tdx.quote_signature", CVM_CHECK_PASS);
	want_check(&v, "tdx.record_type", CVM_CHECK_FAIL);
	want_check(&v, "record.confidential_type", CVM_CHECK_FAIL);
	/* its expected (SNP) measurement is not the MRTD either */
	want_check(&v, "tdx.mrtd_matches_record", CVM_CHECK_FAIL);
	cvm_verdict_free(&v);
	built_free(&bt);

	/* a TDX record naming the MRTD ties the quote to the launch */
	cvm_hex_encode(mrtd, 48, hex);
	snprintf(conf, sizeof(conf), "{\"type\":\"tdx\",\"expected_measurement\":\"%s\"}", hex);
	o.confidential = conf;
	build_bundle_opts(&bt, &o);
	assert_true(verify_tdx(&bt, f, NULL, NULL, &v, NULL));
	want_check(&v, "tdx.mrtd_matches_record", CVM_CHECK_PASS);
	cvm_verdict_free(&v);
	built_free(&bt);
	hex[0] = hex[0] == '0' ? '1' : '0';
	snprintf(conf, sizeof(conf), "{\"type\":\"tdx\",\"expected_measurement\":\"%s\"}", hex);
	build_bundle_opts(&bt, &o);
	assert_false(verify_tdx(&bt, f, NULL, NULL, &v, NULL));
	want_check(&v, "tdx.mrtd_matches_record", CVM_CHECK_FAIL);
	built_free(&bt);
}

static void test_bundle_tdx_parse_errors(void **state)
{
	struct tdx_fx *f = *state;
	struct built bt;
	size_t qlen;
	cvm_autofree uint8_t *q = tdx_quote_for(f, 0x42, NULL, &qlen);
	struct build_opts o = {.confidential = "{\"type\":\"tdx\"}", .tdx_quote = q, .tdx_len = qlen,
	                       .tdx_coll_dir = f->coll};

	build_bundle_opts(&bt, &o);
	struct {
		const char *from, *to, *want;
	} cases[] = {
	    {"\"tdx\":{", "\"tdx\":{\"report\":\"\",", "bundle: tdx: unknown key \"report\""},
	    {"\"collateral\":{", "\"collateral\":{\"tcbinfo\":\"\",", "tdx: collateral: unknown key \"tcbinfo\""},
	    {"\"tcb_info\":", "\"tcb_nfo\":", "unknown key \"tcb_nfo\""},
	    {"\"qe_identity\":", "\"qe_identity\":1,\"x\":", "unknown key \"x\""},
	    {"\"qe_identity_chain\":\"", "\"qe_identity_chain\":\"\\u0000", "contains a NUL character"},
	    {"\"collateral\":{", "\"collateral\":{\"pck_crl\":\"!\",", "\"pck_crl\" is not valid base64"},
	    {"\"tdx\":{", "\"snp\":{\"report\":\"AAAA\"},\"tdx\":{", "carries both \"snp\" and \"tdx\""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cvm_autofree char *t = replace(bt.json, cases[i].from, cases[i].to);
		bundle_bad(t, cases[i].want);
	}
	/* every collateral document is required once "collateral" is there */
	{
		cvm_autojson json_object *root = json_tokener_parse(bt.json);
		json_object *tdx, *coll;
		assert_true(json_object_object_get_ex(root, "tdx", &tdx));
		assert_true(json_object_object_get_ex(tdx, "collateral", &coll));
		json_object_object_del(coll, "qe_identity");
		bundle_bad(json_object_to_json_string(root), "tdx: collateral: missing \"qe_identity\"");
		json_object_object_del(tdx, "collateral");
		json_object_object_add(tdx, "quote", json_object_new_string(""));
		bundle_bad(json_object_to_json_string(root), "tdx: \"quote\" is empty");
		json_object_object_add(root, "tdx", json_object_new_string("quote"));
		bundle_bad(json_object_to_json_string(root), "\"tdx\" must be an object");
	}
	/* a quote that does not parse is bad input for the verifier */
	{
		cvm_autobundle struct cvm_bundle b = {0};
		struct cvm_evidence_policy p;
		cvm_autoverdict struct cvm_verdict v;
		struct tdx_hook_ctx h = {.f = f, .nonce = bt.nonce, .nonce_len = sizeof(bt.nonce)};
		cvm_err err = {0};
		assert_int_equal(cvm_bundle_parse(bt.json, &b, &err), 0);
		b.tdx_quote.len = 100;
		cvm_evidence_policy_init(&p);
		cvm_verdict_init(&v);
		struct cvm_bundle_verify_in in = {
		    .bundle = &b, .policy = &p, .nonce = bt.nonce, .nonce_len = 16, .tdx_verify = tdx_hook, .tdx_ctx = &h};
		assert_int_equal(cvm_bundle_verify(&in, &v, &err), -1);
		assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
		assert_non_null(strstr(err.msg, "bundle tdx: "));
	}
	built_free(&bt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_evlog_replay_known_answer),
	    cmocka_unit_test(test_evlog_errors),
	    cmocka_unit_test(test_policy_parse),
	    cmocka_unit_test(test_record_checks),
	    cmocka_unit_test(test_bundle_verify_built),
	    cmocka_unit_test(test_bundle_parse_errors),
	    cmocka_unit_test(test_policy_without_ak_rejects),
	};
	const struct CMUnitTest tdx_tests[] = {
	    cmocka_unit_test(test_bundle_tdx_accepted),
	    cmocka_unit_test(test_bundle_tdx_tampered),
	    cmocka_unit_test(test_bundle_tdx_wrong_nonce),
	    cmocka_unit_test(test_bundle_tdx_record_mismatch),
	    cmocka_unit_test(test_bundle_tdx_parse_errors),
	};
	setenv("TSS2_LOG", "all+none", 0);
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	return rc | cmocka_run_group_tests(tdx_tests, tdx_setup, tdx_teardown);
}
