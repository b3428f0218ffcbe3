/* Host probe on fake host trees (SNP host, SEV-only host, TDX host, no
 * KVM, ...), each capability with its reason, and on this real host. */
#include <fcntl.h>
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
#include "sev_conf.h"
#include "sev_probe.h"
#include "sev_qemu.h"

static char root[64];

static void put(const char *rel, const char *content)
{
	char path[512], dir[512];
	snprintf(path, sizeof(path), "%s%s", root, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = 0;
	assert_int_equal(cvm_mkdir_p(dir, 0755, NULL), 0);
	assert_int_equal(cvm_write_atomic(path, content, strlen(content), 0644, NULL), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/cvm-fakehost-XXXXXX");
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return cvm_rm_rf(root, NULL);
}

static void fresh(void)
{
	assert_int_equal(cvm_rm_rf(root, NULL), 0);
	assert_int_equal(mkdir(root, 0700), 0);
}

static void has(const struct cvm_sev_cap *c, const char *want)
{
	if (!strstr(c->reason, want))
		fail_msg("reason '%s' lacks '%s'", c->reason, want);
}

static void snp_host(void)
{
	fresh();
	put("/sys/module/kvm_amd/parameters/sev", "Y\n");
	put("/sys/module/kvm_amd/parameters/sev_es", "Y\n");
	put("/sys/module/kvm_amd/parameters/sev_snp", "Y\n");
	put("/dev/sev", "");
	put("/dev/kvm", "0x1d\n"); /* default, sev, sev_es, snp */
	put("/cvm-fake/cpuid-8000001f", "0x1b 0x73 0x1fd 0x80\n");
}

static void test_snp_host(void **state)
{
	(void)state;
	struct cvm_sev_host h;
	snp_host();
	assert_int_equal(cvm_sev_host_probe(root, &h), 0);
	assert_true(h.kvm.ok);
	assert_true(h.sev.ok && h.sev_es.ok && h.sev_snp.ok);
	assert_false(h.tdx.ok);
	has(&h.tdx, "TDX not available (no ");
	has(&h.tdx, "/sys/module/kvm_intel/parameters/tdx");
	assert_int_equal(h.cbitpos, 51);
	assert_int_equal(h.reduced_phys_bits, 1);
	assert_true(h.vm_types_known);
	assert_int_equal(h.vm_types, 0x1d);
	cvm_autojson struct json_object *o = json_object_new_object();
	cvm_sev_host_to_json(&h, o);
	char want_json[1024];
	snprintf(want_json, sizeof(want_json),
		 "{\"kvm_vm_types\":{\"available\":true,\"detail\":\"0x1d default sev sev_es snp\"},"
		 "\"sev_cpuid\":{\"available\":true,\"detail\":\"cbitpos 51, reduced-phys-bits 1 (EAX 0x1b EBX 0x73 ECX 0x1fd EDX 0x80)\"},"
		 "\"sev\":{\"available\":true,\"detail\":\"cbitpos 51, reduced-phys-bits 1\"},"
		 "\"sev_es\":{\"available\":true,\"detail\":\"enabled\"},\"sev_snp\":{\"available\":true,\"detail\":\"enabled, KVM_X86_SNP_VM\"},"
		 "\"tdx\":{\"available\":false,\"detail\":\"TDX not available (no %s/sys/module/kvm_intel/parameters/tdx: kvm_intel not loaded or too old)\"}}",
		 root);
	assert_string_equal(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE), want_json);
	/* the same host with SNP switched off, then without KVM_X86_SNP_VM */
	put("/sys/module/kvm_amd/parameters/sev_snp", "N\n");
	cvm_sev_host_probe(root, &h);
	assert_true(h.sev.ok && h.sev_es.ok);
	assert_false(h.sev_snp.ok);
	char want[256];
	snprintf(want, sizeof(want), "SEV-SNP not enabled (%s/sys/module/kvm_amd/parameters/sev_snp is N)", root);
	assert_string_equal(h.sev_snp.reason, want);
	put("/sys/module/kvm_amd/parameters/sev_snp", "Y\n");
	put("/dev/kvm", "0xd\n");
	cvm_sev_host_probe(root, &h);
	assert_false(h.sev_snp.ok);
	has(&h.sev_snp, "KVM_CAP_VM_TYPES 0xd lacks KVM_X86_SNP_VM");
	/* firmware not up, CPU without SNP */
	put("/dev/kvm", "0x1d\n");
	put("/cvm-fake/cpuid-8000001f", "0xb 0x73 0x1fd 0x80\n");
	cvm_sev_host_probe(root, &h);
	assert_false(h.sev_snp.ok);
	has(&h.sev_snp, "SEV-SNP not supported by the CPU (CPUID 0x8000001F EAX=0xb lacks bit 4)");
	char p[512];
	snprintf(p, sizeof(p), "%s/dev/sev", root);
	assert_int_equal(unlink(p), 0);
	cvm_sev_host_probe(root, &h);
	assert_false(h.sev.ok || h.sev_es.ok || h.sev_snp.ok);
	has(&h.sev, "SEV firmware not initialised (no ");
	has(&h.sev_snp, "SEV-SNP needs SEV: SEV firmware not initialised");
	/* trailing slashes on the root do not change paths */
	snprintf(p, sizeof(p), "%s//", root);
	cvm_sev_host_probe(p, &h);
	assert_string_equal(h.root, root);
}

static void test_sev_only_host(void **state)
{
	(void)state;
	struct cvm_sev_host h;
	fresh();
	put("/sys/module/kvm_amd/parameters/sev", "1\n");
	put("/sys/module/kvm_amd/parameters/sev_es", "0\n");
	put("/dev/sev", "");
	put("/dev/kvm", ""); /* a kernel without KVM_CAP_VM_TYPES */
	put("/cvm-fake/cpuid-8000001f", "0x3 0x6f 0xf 0x1\n");
	cvm_sev_host_probe(root, &h);
	assert_true(h.kvm.ok && h.sev.ok);
	assert_false(h.sev_es.ok || h.sev_snp.ok || h.tdx.ok);
	assert_int_equal(h.cbitpos, 47);
	assert_false(h.vm_types_known);
	has(&h.sev_es, "SEV-ES not enabled (");
	has(&h.sev_es, "/sys/module/kvm_amd/parameters/sev_es is 0)");
	has(&h.sev_snp, "SEV-SNP not available (no ");
	has(&h.sev_snp, "kvm_amd not loaded or too old");
	/* and what the launcher says to a spec asking for SNP on it, with QEMU 7.2 */
	struct cvm_qemu_caps q = { .major = 7, .minor = 2, .sev_guest = true };
	struct cvm_conf_spec c = { .type = CVM_CONF_SEV_SNP, .policy = CVM_SNP_POLICY_DEFAULT };
	cvm_err err = { 0 };
	assert_int_equal(cvm_conf_check_support(&c, &h, &q, &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
	if (!strstr(err.msg, "QEMU 7.2 has no sev-snp-guest; 9.1 or newer is needed; host: SEV-SNP not available"))
		fail_msg("%s", err.msg);
	c = (struct cvm_conf_spec){ .type = CVM_CONF_SEV, .policy = 1 };
	assert_int_equal(cvm_conf_check_support(&c, &h, &q, &err), 0);
	cvm_conf_resolve(&c, &h);
	assert_int_equal(c.cbitpos, 47);
}

static void test_tdx_host(void **state)
{
	(void)state;
	struct cvm_sev_host h;
	fresh();
	put("/sys/module/kvm_intel/parameters/tdx", "Y\n");
	put("/dev/kvm", "33\n"); /* default + tdx */
	cvm_sev_host_probe(root, &h);
	assert_true(h.kvm.ok && h.tdx.ok);
	assert_false(h.sev.ok || h.cpuid_known);
	has(&h.sev, "SEV not available (no ");
	put("/dev/kvm", "0x1\n");
	cvm_sev_host_probe(root, &h);
	assert_false(h.tdx.ok);
	has(&h.tdx, "KVM_CAP_VM_TYPES 0x1 lacks KVM_X86_TDX_VM");
	put("/sys/module/kvm_intel/parameters/tdx", "N\n");
	cvm_sev_host_probe(root, &h);
	has(&h.tdx, "TDX not enabled (");
	has(&h.tdx, "/sys/module/kvm_intel/parameters/tdx is N)");
}

static void test_no_kvm(void **state)
{
	(void)state;
	struct cvm_sev_host h;
	snp_host();
	char p[512];
	snprintf(p, sizeof(p), "%s/dev/kvm", root);
	assert_int_equal(unlink(p), 0);
	cvm_sev_host_probe(root, &h);
	assert_false(h.kvm.ok || h.sev.ok || h.sev_es.ok || h.sev_snp.ok || h.tdx.ok);
	has(&h.kvm, "KVM not available (");
	has(&h.kvm, "/dev/kvm: No such file or directory)");
	has(&h.sev, "KVM not available");
	has(&h.tdx, "KVM not available");
}

/* This machine: whatever it has, every capability is decided with a reason,
 * and KVM's answer agrees with whether /dev/kvm opens. */
static void test_real_host(void **state)
{
	(void)state;
	struct cvm_sev_host h;
	assert_int_equal(cvm_sev_host_probe("", &h), 0);
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	assert_int_equal(h.kvm.ok, fd >= 0);
	if (fd >= 0)
		close(fd);
	const struct cvm_sev_cap *caps[] = { &h.sev, &h.sev_es, &h.sev_snp, &h.tdx };
	for (int i = 0; i < 4; i++)
		if (!caps[i]->ok)
			assert_true(strlen(caps[i]->reason) > 10);
	if (h.kvm.ok && h.vm_types_known)
		assert_true(h.vm_types & 1); /* KVM_X86_DEFAULT_VM is always there */
	fprintf(stderr, "this host: kvm %d sev %d (%s) snp %d tdx %d (%s)\n", h.kvm.ok, h.sev.ok, h.sev.reason,
		h.sev_snp.ok, h.tdx.ok, h.tdx.reason);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snp_host), cmocka_unit_test(test_sev_only_host), cmocka_unit_test(test_tdx_host),
		cmocka_unit_test(test_no_kvm),   cmocka_unit_test(test_real_host),
	};
	return cmocka_run_group_tests_name("sev_probe", tests, setup, teardown);
}
