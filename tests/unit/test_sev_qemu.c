/* QEMU probe: fake emulators that speak QMP (versions, types, events,
 * errors, broken peers), the per-binary cache, and the real QEMU here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "cvm_cleanup.h"
#include "cvm_fileio.h"
#include "cvm_json.h"
#include "sev_conf.h"
#include "sev_qemu.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/cvm-fakeqemu-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return cvm_rm_rf(dir, NULL);
}

/* A fake emulator: a shell script answering QMP commands line by line.
 * @answers maps a command name to its reply lines. */
static void script(const char *name, const char *greeting, const char *body, char *path, size_t len)
{
	snprintf(path, len, "%s/%s", dir, name);
	char text[8192];
	snprintf(text, sizeof(text),
		 "#!/bin/sh\n"
		 "echo \"$@\" > \"$0.args\"\n"
		 "env > \"$0.env\"\n"
		 "%s\n"
		 "while read -r line; do\n"
		 "  case \"$line\" in\n"
		 "  *qmp_capabilities*) echo '{\"return\": {}}';;\n"
		 "%s\n"
		 "  *quit*) echo '{\"return\": {}}'; exit 0;;\n"
		 "  *) echo '{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"nope\"}}';;\n"
		 "  esac\n"
		 "done\n",
		 greeting, body);
	assert_int_equal(cvm_write_atomic(path, text, strlen(text), 0755, NULL), 0);
}

#define GREETING(maj, min)                                                                                  \
	"echo '{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": " #min ", \"major\": " #maj "}, " \
	"\"package\": \"\"}, \"capabilities\": [\"oob\"]}}'"

static void test_fake_snp(void **state)
{
	(void)state;
	char path[256];
	/* the greeting arrives in two pieces; an event comes between answers */
	script("qemu-9.2",
	       "printf '{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, '; sleep 0.05; "
	       "printf '\"minor\": 2, \"major\": 9}, \"package\": \"\"}, \"capabilities\": []}}\\r\\n'",
	       "  *query-version*) echo '{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"RESUME\"}'; "
	       "echo '{\"return\": {\"qemu\": {\"micro\": 3, \"minor\": 2, \"major\": 9}, \"package\": \"v9.2.3\"}}';;\n"
	       "  *qom-list-types*) echo '{\"return\": [{\"name\": \"sev-guest\", \"parent\": \"sev-common\"}, "
	       "{\"name\": \"sev-snp-guest\", \"parent\": \"sev-common\"}, {\"name\": \"tdx-guest-x\"}]}';;\n"
	       "  *query-sev-capabilities*) echo '{\"return\": {\"pdh\": \"AA==\", \"cert-chain\": \"AA==\", "
	       "\"cpu0-id\": \"AA==\", \"cbitpos\": 51, \"reduced-phys-bits\": 1}}';;",
	       path, sizeof(path));
	struct cvm_qemu_caps c;
	cvm_err err = { 0 };
	if (cvm_qemu_probe(path, NULL, &c, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(c.major, 9);
	assert_int_equal(c.minor, 2);
	assert_int_equal(c.micro, 3);
	assert_string_equal(c.package, "v9.2.3");
	assert_true(c.sev_guest && c.sev_snp_guest);
	assert_false(c.tdx_guest);
	assert_true(c.sev_caps);
	assert_int_equal(c.sev_cbitpos, 51);
	assert_int_equal(c.sev_reduced_phys_bits, 1);
	assert_false(c.from_cache);
	assert_true(cvm_qemu_version_at_least(&c, 9, 1));
	assert_false(cvm_qemu_version_at_least(&c, 10, 1));
	/* how it was started: no accelerator demanded, QMP on stdio, no env */
	char p[300];
	cvm_autofree uint8_t *args = NULL, *env = NULL;
	size_t n = 0;
	snprintf(p, sizeof(p), "%s.args", path);
	assert_int_equal(cvm_read_file(p, 4096, &args, &n, NULL), 0);
	assert_string_equal((char *)args, "-S -no-user-config -nodefaults -display none -machine none,accel=kvm:tcg -qmp stdio\n");
	snprintf(p, sizeof(p), "%s.env", path);
	assert_int_equal(cvm_read_file(p, 4096, &env, &n, NULL), 0);
	assert_null(strstr((char *)env, "HOME="));
}

static void test_fake_tdx_nosev(void **state)
{
	(void)state;
	char path[256];
	script("qemu-10.1", GREETING(10, 1),
	       "  *query-version*) echo '{\"return\": {\"qemu\": {\"micro\": 0, \"minor\": 1, \"major\": 10}, \"package\": \"\"}}';;\n"
	       "  *qom-list-types*) echo '{\"return\": [{\"name\": \"sev-guest\"}, {\"name\": \"sev-snp-guest\"}, {\"name\": \"tdx-guest\"}]}';;\n"
	       "  *query-sev-capabilities*) echo '{\"error\": {\"class\": \"GenericError\", \"desc\": \"SEV is not enabled in KVM\"}}';;",
	       path, sizeof(path));
	struct cvm_qemu_caps c;
	cvm_err err = { 0 };
	if (cvm_qemu_probe(path, "", &c, &err) != 0)
		fail_msg("%s", err.msg);
	assert_true(c.sev_guest && c.sev_snp_guest && c.tdx_guest);
	assert_false(c.sev_caps);
	assert_string_equal(c.sev_caps_reason, "SEV is not enabled in KVM");
	cvm_autojson struct json_object *o = json_object_new_object();
	cvm_qemu_caps_to_json(&c, o);
	struct cvm_qemu_caps back;
	assert_int_equal(cvm_qemu_caps_from_json(o, &back), 0);
	assert_int_equal(back.major, 10);
	assert_true(back.tdx_guest);
	assert_string_equal(back.sev_caps_reason, "SEV is not enabled in KVM");
	assert_string_equal(back.sha256, c.sha256);
}

static void probe_fails(const char *name, const char *greeting, const char *body, const char *want)
{
	char path[256];
	script(name, greeting, body, path, sizeof(path));
	struct cvm_qemu_caps c;
	cvm_err err = { 0 };
	assert_int_equal(cvm_qemu_probe(path, NULL, &c, &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_FAILURE);
	if (!strstr(err.msg, want))
		fail_msg("%s: '%s' lacks '%s'", name, err.msg, want);
}

static void test_broken_peers(void **state)
{
	(void)state;
	probe_fails("dies", "exit 1", "", "the emulator closed QMP");
	probe_fails("garbage", "echo 'QEMU 7.2 monitor - type help {'", "", "bad JSON on QMP");
	probe_fails("nogreeting", "echo '{\"return\": {}}'", "", "no QMP greeting");
	probe_fails("noversion", GREETING(8, 0), "  *query-version*) echo '{\"return\": {\"qemu\": {}}}';;",
		    "query-version: no major version");
	probe_fails("notypes", GREETING(8, 0),
		    "  *query-version*) echo '{\"return\": {\"qemu\": {\"major\": 8, \"minor\": 0, \"micro\": 0}}}';;\n"
		    "  *qom-list-types*) echo '{\"return\": {}}';;",
		    "qom-list-types: not an array");
	probe_fails("array", "echo '[1,2]'", "", "QMP sent a non-object");
	struct cvm_qemu_caps c;
	cvm_err err = { 0 };
	assert_int_equal(cvm_qemu_probe("/nonexistent/qemu", NULL, &c, &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
	assert_int_equal(cvm_qemu_probe("no-such-qemu-binary", NULL, &c, &err), -1);
	assert_non_null(strstr(err.msg, "not found in PATH"));
}

static void test_cache(void **state)
{
	(void)state;
	char path[256], cache[128], file[512];
	const char *body =
		"  *query-version*) echo '{\"return\": {\"qemu\": {\"micro\": 1, \"minor\": 0, \"major\": 8}, \"package\": \"\"}}';;\n"
		"  *qom-list-types*) echo '{\"return\": [{\"name\": \"sev-guest\"}]}';;\n"
		"  *query-sev-capabilities*) echo '{\"return\": {\"cbitpos\": 47, \"reduced-phys-bits\": 1}}';;";
	script("qemu-8.0", GREETING(8, 0), body, path, sizeof(path));
	snprintf(cache, sizeof(cache), "%s/cache/sub", dir);
	struct cvm_qemu_caps c, d;
	cvm_err err = { 0 };
	assert_int_equal(cvm_qemu_probe(path, cache, &c, &err), 0);
	assert_false(c.from_cache);
	snprintf(file, sizeof(file), "%s/qemu-caps-%s.json", cache, c.sha256);
	assert_int_equal(access(file, R_OK), 0);
	/* second time: from the cache, same answer, and the fake is not run */
	char args[300];
	snprintf(args, sizeof(args), "%s.args", path);
	assert_int_equal(unlink(args), 0);
	assert_int_equal(cvm_qemu_probe(path, cache, &d, &err), 0);
	assert_true(d.from_cache);
	assert_int_equal(d.major, 8);
	assert_int_equal(d.micro, 1);
	assert_true(d.sev_caps && d.sev_cbitpos == 47);
	assert_int_not_equal(access(args, F_OK), 0);
	/* a corrupt cache entry is ignored and rewritten */
	assert_int_equal(cvm_write_atomic(file, "{\"format\":1", 11, 0644, NULL), 0);
	assert_int_equal(cvm_qemu_probe(path, cache, &d, &err), 0);
	assert_false(d.from_cache);
	assert_int_equal(cvm_qemu_probe(path, cache, &d, &err), 0);
	assert_true(d.from_cache);
	/* an entry from another kernel is stale */
	cvm_autofree uint8_t *text = NULL;
	size_t n = 0;
	assert_int_equal(cvm_read_file(file, 1 << 20, &text, &n, NULL), 0);
	cvm_autojson struct json_object *o = NULL;
	assert_int_equal(cvm_json_parse_object((char *)text, file, &o, NULL), 0);
	json_object_object_add(o, "kernel", json_object_new_string("2.6.32"));
	const char *s = json_object_to_json_string(o);
	assert_int_equal(cvm_write_atomic(file, s, strlen(s), 0644, NULL), 0);
	assert_int_equal(cvm_qemu_probe(path, cache, &d, &err), 0);
	assert_false(d.from_cache);
	/* another binary (one byte more) has another key */
	script("qemu-8.0", GREETING(8, 0), body, path, sizeof(path));
	FILE *f = fopen(path, "a");
	assert_non_null(f);
	fputs("# changed\n", f);
	fclose(f);
	assert_int_equal(cvm_qemu_probe(path, cache, &d, &err), 0);
	assert_false(d.from_cache);
	assert_string_not_equal(d.sha256, c.sha256);
}

/* The real QEMU on this machine (7.2): its answer must match what the binary
 * itself lists with `-object help`. */
static void test_real_qemu(void **state)
{
	(void)state;
	const char *bin = "/usr/bin/qemu-system-x86_64";
	if (access(bin, X_OK) != 0) {
		fprintf(stderr, "skip: %s absent\n", bin);
		skip();
	}
	struct cvm_qemu_caps c;
	cvm_err err = { 0 };
	if (cvm_qemu_probe(bin, NULL, &c, &err) != 0)
		fail_msg("%s", err.msg);
	FILE *p = popen("/usr/bin/qemu-system-x86_64 -object help 2>/dev/null", "r");
	assert_non_null(p);
	char line[256];
	bool sev = false, snp = false, tdx = false;
	while (fgets(line, sizeof(line), p)) {
		line[strcspn(line, "\n")] = 0;
		char *w = line + strspn(line, " ");
		sev |= strcmp(w, "sev-guest") == 0;
		snp |= strcmp(w, "sev-snp-guest") == 0;
		tdx |= strcmp(w, "tdx-guest") == 0;
	}
	pclose(p);
	assert_int_equal(c.sev_guest, sev);
	assert_int_equal(c.sev_snp_guest, snp);
	assert_int_equal(c.tdx_guest, tdx);
	fprintf(stderr, "real QEMU %u.%u.%u (%s): sev-guest %d sev-snp-guest %d tdx-guest %d; sev caps: %s\n", c.major,
		c.minor, c.micro, c.package, c.sev_guest, c.sev_snp_guest, c.tdx_guest,
		c.sev_caps ? "yes" : c.sev_caps_reason);
	if (c.major == 7 && c.minor == 2) {
		assert_false(c.sev_snp_guest);
		assert_false(c.tdx_guest);
	}
}

/* The real QEMU 7.2 parses our sev-guest arguments: with KVM it gets as
 * far as SEV initialisation (which fails on a host without SEV), never to
 * "Invalid parameter"; a misspelt property is caught the same way. */
static void run_qemu_with(const char *spec_obj, const char *props, char *out, size_t len)
{
	char cmd[2048];
	snprintf(cmd, sizeof(cmd),
		 "timeout 20 /usr/bin/qemu-system-x86_64 -S -nodefaults -no-user-config -display none "
		 "-machine q35,accel=kvm%s -object %s </dev/null 2>&1", props, spec_obj);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t n = fread(out, 1, len - 1, p);
	out[n] = 0;
	pclose(p);
}

static void test_real_qemu_parses_args(void **state)
{
	(void)state;
	FILE *k = fopen("/dev/kvm", "r+");
	if (access("/usr/bin/qemu-system-x86_64", X_OK) != 0 || !k) {
		if (k)
			fclose(k);
		fprintf(stderr, "skip: needs /usr/bin/qemu-system-x86_64 and a usable /dev/kvm\n");
		skip();
	}
	fclose(k);
	const char *specs[] = { "{\"type\":\"sev\",\"cbitpos\":47,\"reduced_phys_bits\":1}",
				"{\"type\":\"sev-es\",\"cbitpos\":51,\"reduced_phys_bits\":1,\"kernel_hashes\":true,"
				"\"policy\":{\"debug\":false,\"key_sharing\":false}}" };
	for (size_t i = 0; i < 2; i++) {
		cvm_autojson struct json_object *o = NULL;
		assert_int_equal(cvm_json_parse_object(specs[i], "t", &o, NULL), 0);
		struct cvm_conf_spec c;
		cvm_err err = { 0 };
		assert_int_equal(cvm_conf_parse(o, &c, &err), 0);
		cvm_autoargv struct cvm_argv a = { 0 };
		char mp[128], out[4096];
		assert_int_equal(cvm_conf_qemu_args(&c, 512, &a, mp, sizeof(mp), &err), 0);
		assert_int_equal(a.n, 2);
		run_qemu_with(a.v[1], mp, out, sizeof(out));
		fprintf(stderr, "QEMU on %s: %s", a.v[1], out);
		assert_null(strstr(out, "Invalid parameter"));
		assert_null(strstr(out, "not found"));
		assert_non_null(strstr(out, "sev")); /* it reached SEV setup */
	}
	char out[4096];
	run_qemu_with("sev-guest,id=sev0,cbitpos=47,reduced-phys-bits=1,polcy=0x1", ",confidential-guest-support=sev0", out,
		      sizeof(out));
	assert_non_null(strstr(out, "Invalid parameter 'polcy'"));
}

static void put(const char *root, const char *rel, const char *content)
{
	char path[512], d[512];
	snprintf(path, sizeof(path), "%s%s", root, rel);
	snprintf(d, sizeof(d), "%s", path);
	*strrchr(d, '/') = 0;
	assert_int_equal(cvm_mkdir_p(d, 0755, NULL), 0);
	assert_int_equal(cvm_write_atomic(path, content, strlen(content), 0644, NULL), 0);
}

/* The launcher's one call: fake SNP host + fake QEMU 9.2 -> arguments with
 * the host's C-bit; the same host with QEMU 7.2 -> refusal naming both
 * versions; type none touches nothing. */
static void test_prepare(void **state)
{
	(void)state;
	char root[128], q92[256], q72[256], mp[256];
	snprintf(root, sizeof(root), "%s/host", dir);
	put(root, "/sys/module/kvm_amd/parameters/sev", "Y");
	put(root, "/sys/module/kvm_amd/parameters/sev_es", "Y");
	put(root, "/sys/module/kvm_amd/parameters/sev_snp", "Y");
	put(root, "/dev/sev", "");
	put(root, "/dev/kvm", "0x1d");
	put(root, "/cvm-fake/cpuid-8000001f", "0x1b 0x73 0 0");
	script("p92", GREETING(9, 2),
	       "  *query-version*) echo '{\"return\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 9}, \"package\": \"\"}}';;\n"
	       "  *qom-list-types*) echo '{\"return\": [{\"name\": \"sev-guest\"}, {\"name\": \"sev-snp-guest\"}]}';;\n"
	       "  *query-sev-capabilities*) echo '{\"return\": {\"cbitpos\": 51, \"reduced-phys-bits\": 1}}';;",
	       q92, sizeof(q92));
	script("p72", GREETING(7, 2),
	       "  *query-version*) echo '{\"return\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}, \"package\": \"\"}}';;\n"
	       "  *qom-list-types*) echo '{\"return\": [{\"name\": \"sev-guest\"}]}';;\n"
	       "  *query-sev-capabilities*) echo '{\"return\": {\"cbitpos\": 51, \"reduced-phys-bits\": 1}}';;",
	       q72, sizeof(q72));
	struct cvm_conf_spec in = { .type = CVM_CONF_SEV_SNP, .policy = CVM_SNP_POLICY_DEFAULT, .guest_features = 1 };
	strcpy(in.vcpu_type, "EPYC-Milan");
	struct cvm_conf_spec out;
	cvm_err err = { 0 };
	cvm_autoargv struct cvm_argv a = { 0 };
	if (cvm_conf_prepare(&in, root, q92, NULL, 1024, &out, &a, mp, sizeof(mp), &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(a.n, 4);
	assert_string_equal(a.v[3], "sev-snp-guest,id=sev0,cbitpos=51,reduced-phys-bits=1,policy=0x30000");
	assert_string_equal(mp, ",confidential-guest-support=sev0,memory-backend=ram1");
	assert_int_equal(out.cbitpos, 51);
	assert_string_equal(cvm_conf_cpu_model(&out), "EPYC-Milan");
	cvm_autoargv struct cvm_argv b = { 0 };
	assert_int_equal(cvm_conf_prepare(&in, root, q72, NULL, 1024, &out, &b, mp, sizeof(mp), &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
	assert_string_equal(err.msg, "confidential.type sev-snp: QEMU 7.2 has no sev-snp-guest; 9.1 or newer is needed");
	assert_int_equal(b.n, 0);
	put(root, "/sys/module/kvm_amd/parameters/sev_snp", "N");
	assert_int_equal(cvm_conf_prepare(&in, root, q92, NULL, 1024, &out, &b, mp, sizeof(mp), &err), -1);
	char want[512];
	snprintf(want, sizeof(want),
		 "confidential.type sev-snp: host: SEV-SNP not enabled (%s/sys/module/kvm_amd/parameters/sev_snp is N)", root);
	assert_string_equal(err.msg, want);
	struct cvm_conf_spec none = { .type = CVM_CONF_NONE };
	assert_int_equal(cvm_conf_prepare(&none, "/nonexistent", "/nonexistent/qemu", NULL, 1024, &out, &b, mp, sizeof(mp), &err), 0);
	assert_int_equal(b.n, 0);
	assert_string_equal(mp, "");
	assert_null(cvm_conf_cpu_model(&none));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fake_snp),     cmocka_unit_test(test_fake_tdx_nosev),
		cmocka_unit_test(test_broken_peers), cmocka_unit_test(test_cache),
		cmocka_unit_test(test_real_qemu),    cmocka_unit_test(test_prepare),
		cmocka_unit_test(test_real_qemu_parses_args),
	};
	return cmocka_run_group_tests_name("sev_qemu", tests, setup, teardown);
}
