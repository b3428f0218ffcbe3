/* Pure parts of launch evidence, without a TPM: the event log (parse,
 * replay known answer, tamper detection), the evidence policy sections, the
 * launch-record checks, the bundle format (parse errors, round trip,
 * redaction) and bundle verification over a bundle built and signed here
 * (including the SNP measurement cross-check through the hook; TDX quotes
 * in bundles are test_bundle_tdx.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
#include "bundle_testbuild.c"
#include "record_check.h"
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

	/* an SNP report with the record of a launch that was not SEV-SNP */
	struct build_opts o = { .with_snp = true, .measurement_ok = true, .confidential = "{\"type\":\"none\"}" };
	build_bundle_opts(&bt, &o);
	assert_false(verify_built(&bt, bt.json, "snp.record_type", &r, &calls));
	assert_int_equal(r, CVM_CHECK_FAIL);
	built_free(&bt);
	build_bundle(&bt, true, true);
	assert_true(verify_built(&bt, bt.json, "snp.record_type", &r, &calls));
	assert_int_equal(r, CVM_CHECK_PASS);
	built_free(&bt);
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
	setenv("TSS2_LOG", "all+none", 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
