/* The spec's "confidential" object: parsing of every key, golden QEMU
 * arguments per type, refusals naming what is missing, and the expected
 * measurement for the launch record. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "cvm_argv.h"
#include "cvm_cleanup.h"
#include "cvm_fileio.h"
#include "cvm_json.h"
#include "sev_conf.h"
#include "sev_probe.h"
#include "sev_qemu.h"

static int parse(const char *text, struct cvm_conf_spec *c, cvm_err *err)
{
	cvm_autojson struct json_object *o = NULL;
	assert_int_equal(cvm_json_parse_object(text, "test", &o, NULL), 0);
	return cvm_conf_parse(o, c, err);
}

static void parse_ok(const char *text, struct cvm_conf_spec *c)
{
	cvm_err err = { 0 };
	if (parse(text, c, &err) != 0)
		fail_msg("%s: %s", text, err.msg);
}

static void parse_bad(const char *text, const char *want)
{
	struct cvm_conf_spec c;
	cvm_err err = { 0 };
	assert_int_equal(parse(text, &c, &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
	if (!strstr(err.msg, want))
		fail_msg("%s: error '%s' lacks '%s'", text, err.msg, want);
}

static void test_parse(void **state)
{
	(void)state;
	struct cvm_conf_spec c;
	cvm_err err = { 0 };
	assert_int_equal(cvm_conf_parse(NULL, &c, &err), 0);
	assert_int_equal(c.type, CVM_CONF_NONE);
	parse_ok("{\"type\":\"none\"}", &c);
	assert_int_equal(c.type, CVM_CONF_NONE);

	parse_ok("{\"type\":\"sev\"}", &c);
	assert_int_equal(c.policy, 0x1);
	parse_ok("{\"type\":\"sev\",\"policy\":{\"debug\":true,\"key_sharing\":false,\"send\":false}}", &c);
	assert_int_equal(c.policy, CVM_SEV_POLICY_NOKS | CVM_SEV_POLICY_NOSEND);
	parse_ok("{\"type\":\"sev-es\"}", &c);
	assert_int_equal(c.policy, 0x5);
	parse_ok("{\"policy\":\"0x7\",\"type\":\"sev-es\",\"vcpu_type\":\"EPYC-Milan\"}", &c);
	assert_int_equal(c.policy, 0x7);
	assert_string_equal(c.vcpu_type, "EPYC-Milan");

	parse_ok("{\"type\":\"sev-snp\"}", &c);
	assert_int_equal(c.policy, 0x30000);
	assert_int_equal(c.guest_features, 0x1);
	assert_string_equal(c.vcpu_type, "EPYC-v4");
	parse_ok("{\"type\":\"sev-snp\",\"policy\":{\"smt\":false,\"single_socket\":true,\"debug\":false,"
		 "\"abi_major\":1,\"abi_minor\":55},\"kernel_hashes\":true,\"guest_features\":\"0x21\","
		 "\"host_data\":\"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\"}",
		 &c);
	assert_int_equal(c.policy, 0x120137);
	assert_true(c.kernel_hashes);
	assert_int_equal(c.guest_features, 0x21);
	assert_true(c.host_data_set);
	assert_int_equal(c.host_data[31], 0x1f);
	parse_ok("{\"type\":\"sev-snp\",\"policy\":196608}", &c);
	assert_int_equal(c.policy, 0x30000);
	char names[128];
	parse_ok("{\"type\":\"sev-snp\",\"policy\":\"0xb0000\"}", &c);
	cvm_conf_policy_names(&c, names, sizeof(names));
	assert_string_equal(names, "smt,debug");

	parse_ok("{\"type\":\"tdx\"}", &c);
	assert_int_equal(c.tdx_attributes, CVM_TDX_ATTR_SEPT_VE_DISABLE);
	parse_ok("{\"type\":\"tdx\",\"attributes\":{\"sept_ve_disable\":false,\"debug\":true,\"perfmon\":true},"
		 "\"quote_socket\":\"vsock:2:4050\",\"mrowner\":\"" 
		 "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f\"}",
		 &c);
	assert_int_equal(c.tdx_attributes, CVM_TDX_ATTR_DEBUG | CVM_TDX_ATTR_PERFMON);
	assert_string_equal(c.quote_socket, "vsock:2:4050");
	assert_true(c.mrowner_set && !c.mrconfigid_set);
	cvm_conf_policy_names(&c, names, sizeof(names));
	assert_string_equal(names, "debug,perfmon");
	parse_ok("{\"type\":\"tdx\",\"attributes\":\"0x10000001\",\"quote_socket\":\"/run/qgs.sock\"}", &c);
	assert_int_equal(c.tdx_attributes, 0x10000001);
	assert_string_equal(c.quote_socket, "unix:/run/qgs.sock");
}

static void test_parse_errors(void **state)
{
	(void)state;
	parse_bad("{}", "confidential.type: missing");
	parse_bad("{\"type\":\"sgx\"}", "confidential.type: must be one of");
	parse_bad("{\"type\":1}", "confidential.type");
	parse_bad("{\"type\":\"sev\",\"colour\":1}", "confidential.colour: unknown key");
	parse_bad("{\"type\":\"sev\",\"host_data\":\"00\"}", "confidential.host_data: not valid for type sev");
	parse_bad("{\"type\":\"tdx\",\"policy\":1}", "confidential.policy: not valid for type tdx");
	parse_bad("{\"type\":\"sev-snp\",\"mrowner\":\"00\"}", "confidential.mrowner: not valid for type sev-snp");
	parse_bad("{\"type\":\"none\",\"kernel_hashes\":true}", "not valid for type none");
	parse_bad("{\"type\":\"sev-snp\",\"policy\":{\"smt\":1}}", "confidential.policy.smt: must be true or false");
	parse_bad("{\"type\":\"sev-snp\",\"policy\":{\"turbo\":true}}", "confidential.policy.turbo: unknown bit");
	parse_bad("{\"type\":\"sev-snp\",\"policy\":{\"abi_major\":256}}", "abi_major: must be an integer 0..255");
	parse_bad("{\"type\":\"sev-snp\",\"policy\":\"0x10000\"}", "bit 17 clear");
	parse_bad("{\"type\":\"sev-snp\",\"policy\":\"0x4030000\"}", "reserved bits above 25");
	parse_bad("{\"type\":\"sev-snp\",\"policy\":-1}", "must not be negative");
	parse_bad("{\"type\":\"sev-snp\",\"policy\":\"lots\"}", "must be an integer or a \"0x...\" string");
	parse_bad("{\"type\":\"sev-es\",\"policy\":1}", "type sev-es needs the ES bit");
	parse_bad("{\"type\":\"sev\",\"policy\":5}", "use type sev-es");
	parse_bad("{\"type\":\"sev\",\"policy\":\"0x100000000\"}", "does not fit 32 bits");
	parse_bad("{\"type\":\"sev-snp\",\"host_data\":\"0011\"}", "confidential.host_data: must be 64 hex digits");
	parse_bad("{\"type\":\"sev-snp\",\"host_data\":\"zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\"}",
		  "must be 64 hex digits");
	parse_bad("{\"type\":\"sev-snp\",\"id_auth\":\"/a\"}", "confidential.id_auth: needs confidential.id_block");
	parse_bad("{\"type\":\"sev-snp\",\"id_block\":\"/b\"}", "confidential.id_block: needs confidential.id_auth");
	parse_bad("{\"type\":\"sev-snp\",\"author_key\":true}", "author_key: needs");
	parse_bad("{\"type\":\"sev-snp\",\"id_block\":\"\"}", "non-empty string");
	parse_bad("{\"type\":\"sev-snp\",\"vcpu_type\":\"EPYC-Zen9\"}", "unknown vCPU type 'EPYC-Zen9'");
	parse_bad("{\"type\":\"sev-snp\",\"kernel_hashes\":\"yes\"}", "kernel_hashes: must be true or false");
	parse_bad("{\"type\":\"sev\",\"cbitpos\":7}", "cbitpos: must be an integer 32..63");
	parse_bad("{\"type\":\"tdx\",\"quote_socket\":\"vsock:2\"}", "not vsock:CID:PORT");
	parse_bad("{\"type\":\"tdx\",\"quote_socket\":\"relative.sock\"}", "quote_socket");
	parse_bad("{\"type\":\"tdx\",\"mrconfigid\":\"00\"}", "mrconfigid: must be 96 hex digits");
	parse_bad("{\"type\":\"tdx\",\"attributes\":{\"sept_ve\":true}}", "attributes.sept_ve: unknown bit");
	struct cvm_conf_spec c;
	cvm_err err = { 0 };
	cvm_autojson struct json_object *arr = json_object_new_array();
	assert_int_equal(cvm_conf_parse(arr, &c, &err), -1);
	assert_non_null(strstr(err.msg, "confidential: must be an object"));
}

/* Golden command lines: the exact argv per type. */
static void golden(const char *spec, unsigned long long mib, const char *const *want, const char *props)
{
	struct cvm_conf_spec c;
	cvm_err err = { 0 };
	parse_ok(spec, &c);
	cvm_autoargv struct cvm_argv a = { 0 };
	char mp[256] = "junk";
	if (cvm_conf_qemu_args(&c, mib, &a, mp, sizeof(mp), &err) != 0)
		fail_msg("%s: %s", spec, err.msg);
	size_t n = 0;
	while (want[n]) {
		if (n >= a.n)
			fail_msg("%s: argv has %zu words, want more", spec, a.n);
		assert_string_equal(a.v[n], want[n]);
		n++;
	}
	assert_int_equal(a.n, n);
	assert_string_equal(mp, props);
}

static void write_file(const char *path, const void *d, size_t n)
{
	assert_int_equal(cvm_write_atomic(path, d, n, 0600, NULL), 0);
}

static void test_golden(void **state)
{
	(void)state;
	golden("{\"type\":\"none\"}", 1024, (const char *const[]){ NULL }, "");
	golden("{\"type\":\"sev\",\"cbitpos\":47,\"reduced_phys_bits\":1}", 1024,
	       (const char *const[]){ "-object", "sev-guest,id=sev0,cbitpos=47,reduced-phys-bits=1,policy=0x1", NULL },
	       ",confidential-guest-support=sev0");
	golden("{\"type\":\"sev-es\",\"cbitpos\":51,\"reduced_phys_bits\":1,\"kernel_hashes\":true,"
	       "\"policy\":{\"key_sharing\":false}}",
	       512,
	       (const char *const[]){ "-object",
				      "sev-guest,id=sev0,cbitpos=51,reduced-phys-bits=1,policy=0x7,kernel-hashes=on", NULL },
	       ",confidential-guest-support=sev0");
	golden("{\"type\":\"sev-snp\",\"cbitpos\":51,\"reduced_phys_bits\":1}", 4096,
	       (const char *const[]){ "-object", "memory-backend-memfd,id=ram1,size=4096M,share=true,reserve=false",
				      "-object", "sev-snp-guest,id=sev0,cbitpos=51,reduced-phys-bits=1,policy=0x30000",
				      NULL },
	       ",confidential-guest-support=sev0,memory-backend=ram1");
	golden("{\"type\":\"sev-snp\",\"cbitpos\":51,\"reduced_phys_bits\":1,\"kernel_hashes\":true,"
	       "\"policy\":{\"smt\":false,\"single_socket\":true},"
	       "\"host_data\":\"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\"}",
	       2048,
	       (const char *const[]){ "-object", "memory-backend-memfd,id=ram1,size=2048M,share=true,reserve=false",
				      "-object",
				      "sev-snp-guest,id=sev0,cbitpos=51,reduced-phys-bits=1,policy=0x120000,kernel-hashes=on,"
				      "host-data=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
				      NULL },
	       ",confidential-guest-support=sev0,memory-backend=ram1");
	golden("{\"type\":\"tdx\"}", 1024,
	       (const char *const[]){ "-object", "{\"qom-type\":\"tdx-guest\",\"id\":\"tdx0\",\"attributes\":268435456}",
				      NULL },
	       ",confidential-guest-support=tdx0");
	golden("{\"type\":\"tdx\",\"attributes\":{\"debug\":true},\"quote_socket\":\"vsock:2:4050\",\"mrconfigid\":\""
	       "abababababababababababababababababababababababababababababababababababababababababababababababab\"}",
	       1024,
	       (const char *const[]){ "-object",
				      "{\"qom-type\":\"tdx-guest\",\"id\":\"tdx0\",\"attributes\":268435457,"
				      "\"mrconfigid\":\"q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6ur\","
				      "\"quote-generation-socket\":{\"type\":\"vsock\",\"cid\":\"2\",\"port\":\"4050\"}}",
				      NULL },
	       ",confidential-guest-support=tdx0");
	golden("{\"type\":\"tdx\",\"quote_socket\":\"unix:/run/qgs.sock\"}", 1024,
	       (const char *const[]){ "-object",
				      "{\"qom-type\":\"tdx-guest\",\"id\":\"tdx0\",\"attributes\":268435456,"
				      "\"quote-generation-socket\":{\"type\":\"unix\",\"path\":\"/run/qgs.sock\"}}",
				      NULL },
	       ",confidential-guest-support=tdx0");
}

/* ID block and auth from files, raw or base64; wrong sizes refused. */
static void test_id_block(void **state)
{
	(void)state;
	char dir[] = "/tmp/cvm-test-idXXXXXX", blk[64], auth[64], b64[64], spec[512];
	assert_non_null(mkdtemp(dir));
	snprintf(blk, sizeof(blk), "%s/id_block.bin", dir);
	snprintf(auth, sizeof(auth), "%s/id_auth.bin", dir);
	snprintf(b64, sizeof(b64), "%s/id_block.b64", dir);
	uint8_t b[96], a[4096];
	memset(b, 0xff, sizeof(b));
	memset(a, 0, sizeof(a));
	write_file(blk, b, sizeof(b));
	write_file(auth, a, sizeof(a));
	char text[200] = "";
	for (int i = 0; i < 32; i++)
		strcat(text, "////");
	strcat(text, "\n");
	write_file(b64, text, strlen(text));
	char want[8192];
	int n = snprintf(want, sizeof(want), "sev-snp-guest,id=sev0,cbitpos=51,reduced-phys-bits=1,policy=0x30000,id-block=%s,id-auth=",
			 "////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////");
	for (int i = 0; i < 4096 / 3; i++)
		n += snprintf(want + n, sizeof(want) - (size_t)n, "AAAA");
	snprintf(want + n, sizeof(want) - (size_t)n, "AA==,author-key-enabled=on");
	for (int pass = 0; pass < 2; pass++) {
		snprintf(spec, sizeof(spec),
			 "{\"type\":\"sev-snp\",\"cbitpos\":51,\"reduced_phys_bits\":1,\"id_block\":\"%s\",\"id_auth\":\"%s\",\"author_key\":true}",
			 pass ? b64 : blk, auth);
		golden(spec, 1024,
		       (const char *const[]){ "-object", "memory-backend-memfd,id=ram1,size=1024M,share=true,reserve=false",
					      "-object", want, NULL },
		       ",confidential-guest-support=sev0,memory-backend=ram1");
	}
	/* a 95-byte block is neither raw nor base64 of 96 bytes */
	write_file(blk, b, 95);
	snprintf(spec, sizeof(spec),
		 "{\"type\":\"sev-snp\",\"cbitpos\":51,\"reduced_phys_bits\":1,\"id_block\":\"%s\",\"id_auth\":\"%s\"}", blk,
		 auth);
	struct cvm_conf_spec c;
	cvm_err err = { 0 };
	parse_ok(spec, &c);
	cvm_autoargv struct cvm_argv args = { 0 };
	char mp[128];
	assert_int_equal(cvm_conf_qemu_args(&c, 1024, &args, mp, sizeof(mp), &err), -1);
	assert_non_null(strstr(err.msg, "confidential.id_block"));
	assert_non_null(strstr(err.msg, "neither 96 raw bytes"));
	/* missing file */
	snprintf(spec, sizeof(spec),
		 "{\"type\":\"sev-snp\",\"cbitpos\":51,\"reduced_phys_bits\":1,\"id_block\":\"%s/nope\",\"id_auth\":\"%s\"}",
		 dir, auth);
	parse_ok(spec, &c);
	assert_int_equal(cvm_conf_qemu_args(&c, 1024, &args, mp, sizeof(mp), &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
	assert_int_equal(cvm_rm_rf(dir, NULL), 0);
	/* unresolved cbitpos */
	parse_ok("{\"type\":\"sev\"}", &c);
	assert_int_equal(cvm_conf_qemu_args(&c, 1024, &args, mp, sizeof(mp), &err), -1);
	assert_non_null(strstr(err.msg, "cbitpos"));
}

static void host_all(struct cvm_sev_host *h, bool ok)
{
	memset(h, 0, sizeof(*h));
	h->kvm.ok = h->sev.ok = h->sev_es.ok = h->sev_snp.ok = h->tdx.ok = ok;
	h->cpuid_known = true;
	h->cbitpos = 51;
	h->reduced_phys_bits = 1;
}

static void refuse(const char *spec, const struct cvm_sev_host *h, const struct cvm_qemu_caps *q, const char *want)
{
	struct cvm_conf_spec c;
	cvm_err err = { 0 };
	parse_ok(spec, &c);
	int rc = cvm_conf_check_support(&c, h, q, &err);
	if (!want) {
		if (rc != 0)
			fail_msg("%s refused: %s", spec, err.msg);
		return;
	}
	assert_int_equal(rc, -1);
	assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
	if (!strstr(err.msg, want))
		fail_msg("%s: '%s' lacks '%s'", spec, err.msg, want);
}

static void test_support(void **state)
{
	(void)state;
	struct cvm_sev_host ok, bad;
	host_all(&ok, true);
	host_all(&bad, false);
	snprintf(bad.sev_snp.reason, sizeof(bad.sev_snp.reason),
		 "SEV-SNP not enabled (/sys/module/kvm_amd/parameters/sev_snp is N)");
	snprintf(bad.tdx.reason, sizeof(bad.tdx.reason), "TDX not enabled (/sys/module/kvm_intel/parameters/tdx is N)");
	snprintf(bad.sev.reason, sizeof(bad.sev.reason), "SEV firmware not initialised (no /dev/sev)");
	struct cvm_qemu_caps q72 = { .major = 7, .minor = 2, .sev_guest = true };
	struct cvm_qemu_caps q91 = { .major = 9, .minor = 1, .sev_guest = true, .sev_snp_guest = true };
	struct cvm_qemu_caps q101 = { .major = 10, .minor = 1, .sev_guest = true, .sev_snp_guest = true, .tdx_guest = true };
	struct cvm_qemu_caps q60 = { .major = 6, .minor = 0, .sev_guest = true };
	struct cvm_qemu_caps nosev = { .major = 8, .minor = 0 };

	refuse("{\"type\":\"none\"}", &bad, &nosev, NULL);
	refuse("{\"type\":\"sev-snp\"}", &ok, &q72, "QEMU 7.2 has no sev-snp-guest; 9.1 or newer is needed");
	refuse("{\"type\":\"sev-snp\"}", &bad, &q91,
	       "host: SEV-SNP not enabled (/sys/module/kvm_amd/parameters/sev_snp is N)");
	refuse("{\"type\":\"sev-snp\"}", &bad, &q72,
	       "confidential.type sev-snp: QEMU 7.2 has no sev-snp-guest; 9.1 or newer is needed; host: SEV-SNP not enabled");
	refuse("{\"type\":\"sev-snp\"}", &ok, &q91, NULL);
	refuse("{\"type\":\"tdx\"}", &ok, &q91, "QEMU 9.1 has no tdx-guest; 10.1 or newer is needed");
	refuse("{\"type\":\"tdx\"}", &bad, &q101, "host: TDX not enabled");
	refuse("{\"type\":\"tdx\"}", &ok, &q101, NULL);
	refuse("{\"type\":\"sev\"}", &ok, &nosev, "QEMU 8.0 has no sev-guest");
	refuse("{\"type\":\"sev\"}", &bad, &q72, "host: SEV firmware not initialised");
	refuse("{\"type\":\"sev\",\"kernel_hashes\":true}", &ok, &q60, "kernel-hashes; 6.2 or newer");
	refuse("{\"type\":\"sev-es\",\"kernel_hashes\":true}", &ok, &q72, NULL);
	refuse("{\"type\":\"sev\",\"cbitpos\":47}", &ok, &q72, "cbitpos 47 differs from the host's C-bit position 51");

	struct cvm_conf_spec c;
	parse_ok("{\"type\":\"sev\"}", &c);
	cvm_conf_resolve(&c, &ok);
	assert_int_equal(c.cbitpos, 51);
	assert_int_equal(c.reduced_phys_bits, 1);
}

static void test_expected(void **state)
{
	(void)state;
	const char *v = getenv("CVM_VECTORS_DIR");
	char fw[4200], hex[128];
	snprintf(fw, sizeof(fw), "%s/measure/ovmf_AmdSev_suffix.bin", v ? v : "../shared/vectors");
	struct cvm_conf_spec c;
	cvm_err err = { 0 };
	parse_ok("{\"type\":\"tdx\"}", &c);
	assert_int_equal(cvm_conf_expected_measurement(&c, NULL, NULL, NULL, NULL, 1, hex, sizeof(hex), &err), 0);
	assert_string_equal(hex, "");
	parse_ok("{\"type\":\"sev-snp\"}", &c);
	assert_int_equal(cvm_conf_expected_measurement(&c, NULL, NULL, NULL, NULL, 1, hex, sizeof(hex), &err), -1);
	assert_non_null(strstr(err.msg, "needs an OVMF firmware image"));
	if (access(fw, R_OK) != 0) {
		fprintf(stderr, "skip part: no vectors at %s\n", fw);
		return;
	}
	parse_ok("{\"type\":\"sev-snp\",\"kernel_hashes\":true}", &c);
	assert_int_equal(cvm_conf_expected_measurement(&c, fw, NULL, NULL, NULL, 1, hex, sizeof(hex), &err), -1);
	assert_non_null(strstr(err.msg, "kernel_hashes: needs a kernel"));
	/* EXPECTED.md, first line: the same inputs through the spec */
	assert_int_equal(cvm_conf_expected_measurement(&c, fw, "/dev/null", "/dev/null", "console=ttyS0 loglevel=7", 1,
						       hex, sizeof(hex), &err),
			 0);
	assert_string_equal(hex, "6d287813eb5222d770f75005c664e34c204f385ce832cc2ce7d0d6f354454362f390ef83a92046c042e706363b4b08fa");
	/* without kernel_hashes the kernel does not count: EXPECTED.md line 4 */
	parse_ok("{\"type\":\"sev-snp\"}", &c);
	assert_int_equal(cvm_conf_expected_measurement(&c, fw, "/dev/null", NULL, "x", 1, hex, sizeof(hex), &err), 0);
	assert_string_equal(hex, "19358ba9a7615534a9a1e2f0dfc29384dcd4dcb7062ff9c6013b26869a5fc6ecabe033c48dd6f6db5d6d76e7c5df632d");
	parse_ok("{\"type\":\"sev\",\"kernel_hashes\":true}", &c);
	assert_int_equal(cvm_conf_expected_measurement(&c, fw, "/dev/null", "/dev/null", "console=ttyS0 loglevel=7", 1,
						       hex, sizeof(hex), &err),
			 0);
	assert_string_equal(hex, "82a3ee5d537c3620628270c292ae30cb40c3c878666a7890ee7ef2a08fb535ff");
}

static void test_record(void **state)
{
	(void)state;
	struct cvm_conf_spec c;
	parse_ok("{\"type\":\"sev-snp\",\"policy\":{\"debug\":true},\"host_data\":"
		 "\"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\"}",
		 &c);
	cvm_autojson struct json_object *o = json_object_new_object();
	cvm_conf_to_json(&c, o);
	assert_string_equal(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
			    "{\"type\":\"sev-snp\",\"policy\":\"0xb0000\",\"policy_names\":\"smt,debug\","
			    "\"kernel_hashes\":false,\"vcpu_type\":\"EPYC-v4\",\"guest_features\":\"0x1\","
			    "\"host_data\":\"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\"}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),   cmocka_unit_test(test_parse_errors), cmocka_unit_test(test_golden),
		cmocka_unit_test(test_id_block), cmocka_unit_test(test_support),     cmocka_unit_test(test_expected),
		cmocka_unit_test(test_record),
	};
	return cmocka_run_group_tests_name("sev_conf", tests, NULL, NULL);
}
