/* Verifier policy parsing (policy.c), nonce binding and ISO 8601 times. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "attest_util.h"
#include "json_dupkey.h"
#include "policy.h"
#include "snp_report.h"

static void test_default(void **state)
{
	struct cvm_policy *p = cvm_policy_default();

	assert_true(p->is_default);
	assert_int_equal(p->snp.allowed_bits & CVM_SNP_POL_DEBUG, 0);
	assert_true(p->snp.allowed_bits & CVM_SNP_POL_SMT);
	assert_int_equal(p->snp.required_bits, 0);
	assert_int_equal(p->snp.vmpl, -1);
	assert_int_equal(p->snp.n_measurements, 0);
	assert_false(p->snp.min_tcb.set);
	assert_true(p->snp.allow_provisional_firmware);
	assert_int_equal(p->nonce_binding, CVM_NONCE_RAW);
	assert_null(p->tdx);
	cvm_policy_free(p);
}

static void test_full(void **state)
{
	const char *text =
	    "{ \"nonce_binding\": \"sha384\", \"require_nonce\": true, \"confidential_type\": \"sev-snp\",\n"
	    "  \"snp\": { \"allowed_policy_flags\": [\"smt\", \"single_socket\"],\n"
	    "           \"required_policy_flags\": [\"single_socket\"],\n"
	    "           \"minimum_tcb\": {\"bl\": 3, \"snp\": 8, \"ucode\": 115},\n"
	    "           \"minimum_launch_tcb\": {\"fmc\": 1},\n"
	    "           \"minimum_guest_svn\": 2, \"vmpl\": 0,\n"
	    "           \"measurements\": [\""
	    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
	    "\"],\n"
	    "           \"host_data\": \""
	    "ff00000000000000000000000000000000000000000000000000000000000000"
	    "\",\n"
	    "           \"allow_provisional_firmware\": false, \"signers\": [\"vcek\"] },\n"
	    "  \"tdx\": {\"anything\": 1}, \"tpm\": {}, \"launch_record\": {\"seccomp\": \"enforce\"} }";
	struct cvm_policy *p = NULL;
	cvm_err err = {0};

	assert_int_equal(cvm_policy_parse(text, "t", &p, &err), 0);
	assert_int_equal(p->nonce_binding, CVM_NONCE_SHA384);
	assert_true(p->require_nonce);
	assert_string_equal(p->confidential_type, "sev-snp");
	assert_int_equal(p->snp.allowed_bits, CVM_SNP_POL_SMT | CVM_SNP_POL_SINGLE_SOCKET);
	assert_int_equal(p->snp.required_bits, CVM_SNP_POL_SINGLE_SOCKET);
	assert_true(p->snp.min_tcb.set);
	assert_int_equal(p->snp.min_tcb.bl, 3);
	assert_int_equal(p->snp.min_tcb.tee, -1);
	assert_int_equal(p->snp.min_launch_tcb.fmc, 1);
	assert_int_equal(p->snp.min_guest_svn, 2);
	assert_int_equal(p->snp.vmpl, 0);
	assert_int_equal(p->snp.n_measurements, 1);
	assert_int_equal(p->snp.measurements[0][47], 0xff);
	assert_int_equal(p->snp.host_data[0], 0xff);
	assert_false(p->snp.allow_provisional_firmware);
	assert_true(p->snp.allow_vcek);
	assert_false(p->snp.allow_vlek);
	/* the other sections are kept raw for their verifiers */
	assert_non_null(p->tdx);
	assert_non_null(json_object_object_get(p->tdx, "anything"));
	assert_non_null(p->tpm);
	assert_non_null(p->launch_record);
	cvm_policy_free(p);
}

static void test_errors(void **state)
{
	const struct {
		const char *text, *needle;
	} bad[] = {
	    {"{\"nonce_bindin\": \"raw\"}", "unknown key nonce_bindin"},
	    {"{\"snp\": {\"measurment\": []}}", "unknown key snp.measurment"},
	    {"{\"snp\": {\"minimum_tcb\": {\"microcode\": 1}}}", "snp.minimum_tcb.microcode"},
	    {"{\"snp\": {\"minimum_tcb\": {\"bl\": 256}}}", "snp.minimum_tcb.bl"},
	    {"{\"snp\": {\"measurements\": [\"abc\"]}}", "snp.measurements[0]"},
	    {"{\"snp\": {\"measurements\": []}}", "snp.measurements"},
	    {"{\"snp\": {\"host_data\": \"00\"}}", "snp.host_data"},
	    {"{\"snp\": {\"allowed_policy_flags\": [\"debugg\"]}}", "unknown guest policy flag"},
	    {"{\"snp\": {\"required_policy_flags\": [\"debug\"]}}", "does not allow"},
	    {"{\"snp\": {\"vmpl\": 4}}", "snp.vmpl"},
	    {"{\"snp\": {\"vmpl\": \"0\"}}", "snp.vmpl"},
	    {"{\"snp\": {\"signers\": [\"ask\"]}}", "snp.signers[0]"},
	    {"{\"snp\": []}", "snp must be an object"},
	    {"{\"tdx\": 1}", "tdx must be an object"},
	    {"{\"nonce_binding\": \"md5\"}", "nonce_binding"},
	    {"{\"require_nonce\": 1}", "require_nonce"},
	    {"{\"confidential_type\": \"sev\"}", "confidential_type"},
	    {"{} x", "trailing"},
	    {"{\"snp\": {\"vmpl\": 0}, \"snp\": {}}", "key \"snp\" appears twice"},
	    {"{\"snp\": {\"vmpl\": 0, \"measurements\": [\"00\"], \"vmpl\": 1}}", "key \"vmpl\" appears twice"},
	    {"[]", "object"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cvm_policy *p = NULL;
		cvm_err err = {0};
		assert_int_equal(cvm_policy_parse(bad[i].text, "pol.json", &p, &err), -1);
		assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
		if (!strstr(err.msg, bad[i].needle))
			print_message("case %zu: %s\n", i, err.msg);
		assert_non_null(strstr(err.msg, bad[i].needle));
		assert_non_null(strstr(err.msg, "pol.json"));
		assert_null(p);
	}
}

static void test_dupkey(void **state)
{
	char k[16];

	assert_false(
	    cvm_json_dupkey("{\"a\": {\"a\": 1, \"b\": [{\"a\": 2}, {\"a\": 3}]}, \"b\": \"a\"}", k, sizeof(k)));
	assert_false(cvm_json_dupkey("{\"a\\\"\": 1, \"a\": \"x,\\\"a\\\":\"}", k, sizeof(k)));
	assert_true(cvm_json_dupkey("{\"x\": {\"a\": 1, \"b\": {\"c\": 1}, \"a\": 2}}", k, sizeof(k)));
	assert_string_equal(k, "a");
	assert_true(cvm_json_dupkey("[{\"k\": 1}, {\"q\": 1, \"q\": 2}]", k, sizeof(k)));
	assert_string_equal(k, "q");
}

static void test_nonce_binding(void **state)
{
	uint8_t out[64], big[65] = {0};
	const uint8_t n[3] = {1, 2, 3};

	assert_int_equal(cvm_nonce_expected(CVM_NONCE_RAW, n, 3, out), 0);
	assert_int_equal(out[2], 3);
	assert_int_equal(out[3], 0);
	assert_int_equal(cvm_nonce_expected(CVM_NONCE_RAW, big, 65, out), -1);
	/* SHA-256("\x01\x02\x03") = 039058c6... then zero padding */
	assert_int_equal(cvm_nonce_expected(CVM_NONCE_SHA256, n, 3, out), 0);
	assert_int_equal(out[0], 0x03);
	assert_int_equal(out[1], 0x90);
	assert_int_equal(out[32], 0);
	assert_int_equal(cvm_nonce_expected(CVM_NONCE_SHA512, big, 65, out), 0);
}

static void test_time(void **state)
{
	time_t t;

	assert_int_equal(cvm_attest_parse_time("2025-01-01", &t), 0);
	assert_int_equal(t, 1735689600);
	assert_int_equal(cvm_attest_parse_time("2025-01-01T00:00:10Z", &t), 0);
	assert_int_equal(t, 1735689610);
	assert_int_equal(cvm_attest_parse_time("2025-01-01T02:00:00+02:00", &t), 0);
	assert_int_equal(t, 1735689600);
	assert_int_equal(cvm_attest_parse_time("2024-12-31T23:00:00.123-01:00", &t), 0);
	assert_int_equal(t, 1735689600);
	assert_int_equal(cvm_attest_parse_time("2024-02-29", &t), 0);
	assert_int_equal(cvm_attest_parse_time("2023-02-29", &t), -1);
	assert_int_equal(cvm_attest_parse_time("2025-01-01T00:00:00", &t), -1); /* no zone */
	assert_int_equal(cvm_attest_parse_time("2025-13-01", &t), -1);
	assert_int_equal(cvm_attest_parse_time("2025-1-01", &t), -1);
	assert_int_equal(cvm_attest_parse_time("yesterday", &t), -1);
	assert_int_equal(cvm_attest_parse_time("2025-01-01Zjunk", &t), -1);
	char s[32];
	cvm_attest_format_time(1735689600, s);
	assert_string_equal(s, "2025-01-01T00:00:00Z");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_default), cmocka_unit_test(test_full),          cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_dupkey),  cmocka_unit_test(test_nonce_binding), cmocka_unit_test(test_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
