/* Launch measurement: known answers (every digest in
 * vectors/measure/EXPECTED.md, computed by sev-snp-measure 0.0.13), the
 * OVMF parser on the fixtures and on the distro's full images, and each
 * failure (kernel without a hashes section, bad metadata, truncation). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "cvm_cleanup.h"
#include "cvm_fileio.h"
#include "sev_hashes.h"
#include "sev_measure.h"
#include "sev_measure_cli.h"
#include "sev_ovmf.h"
#include "sev_vmsa.h"

static char vdir[4096];

static int need_vectors(void **state)
{
	(void)state;
	const char *v = getenv("CVM_VECTORS_DIR");
	snprintf(vdir, sizeof(vdir), "%s/measure", v ? v : "../shared/vectors");
	if (access(vdir, R_OK) != 0) {
		fprintf(stderr, "skip: no measurement vectors at %s\n", vdir);
		return -1;
	}
	return 0;
}

/* Run the CLI on a command line; returns the exit code, output in @out. */
static int run_cli(char *const *args, size_t n, char *out, size_t outlen, cvm_err *err)
{
	char *argv[64] = { "measure" };
	for (size_t i = 0; i < n && i < 62; i++)
		argv[i + 1] = args[i];
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	int rc = cvm_measure_cli((int)n + 1, argv, f, err);
	fclose(f);
	snprintf(out, outlen, "%s", buf ? buf : "");
	free(buf);
	out[strcspn(out, "\n")] = 0;
	return rc;
}

/* Split a shell-like line (double quotes only, as EXPECTED.md uses). */
static size_t split(char *line, char **words, size_t max)
{
	size_t n = 0;
	char *p = line, *w = line;
	while (*p && n < max) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		words[n++] = w;
		bool q = false;
		while (*p && (q || *p != ' ')) {
			if (*p == '"')
				q = !q;
			else
				*w++ = *p;
			p++;
		}
		if (*p)
			p++;
		*w++ = 0;
	}
	return n;
}

static void test_expected_md(void **state)
{
	(void)state;
	char path[4200], cwd[4096];
	snprintf(path, sizeof(path), "%s/EXPECTED.md", vdir);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(vdir), 0); /* fixture names in the file are relative */
	char line[2048], args[2048] = "";
	int checked = 0;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (strncmp(line, "--mode", 6) == 0) {
			snprintf(args, sizeof(args), "%s", line);
			continue;
		}
		char *arrow = strstr(line, "-> ");
		if (!arrow || !args[0])
			continue;
		char *words[64], res[256];
		char copy[2048];
		snprintf(copy, sizeof(copy), "%s", args);
		size_t n = split(copy, words, 64);
		cvm_err err = { 0 };
		int rc = run_cli(words, n, res, sizeof(res), &err);
		if (rc != 0 || strcmp(res, arrow + 3) != 0)
			fail_msg("%s\n  got %s (%s)\n  want %s", args, res, err.msg, arrow + 3);
		checked++;
		args[0] = 0;
	}
	fclose(f);
	assert_int_equal(chdir(cwd), 0);
	assert_true(checked >= 8);
}

static uint8_t *load(const char *name, size_t *len)
{
	char path[4200];
	uint8_t *d = NULL;
	snprintf(path, sizeof(path), "%s/%s", vdir, name);
	assert_int_equal(cvm_read_file(path, 1 << 20, &d, len, NULL), 0);
	return d;
}

static void test_fixture_parse(void **state)
{
	(void)state;
	size_t len = 0;
	cvm_autofree uint8_t *d = load("ovmf_AmdSev_suffix.bin", &len);
	struct cvm_ovmf o;
	cvm_err err = { 0 };
	assert_int_equal(cvm_ovmf_parse(d, len, &o, &err), 0);
	assert_true(o.has_metadata && o.has_reset_eip && o.has_hashes_table);
	assert_int_equal(o.reset_eip, 0x80B004);
	assert_int_equal(o.hashes_table_gpa, 0x810C00);
	/* FORMATS.md §2: the fixture's sections in table order */
	const struct cvm_ovmf_section want[] = {
		{ 0x800000, 0x9000, 1 }, { 0x80A000, 0x3000, 1 }, { 0x80D000, 0x1000, 2 },
		{ 0x80E000, 0x1000, 3 }, { 0x80F000, 0x1000, 4 }, { 0x810000, 0x1000, 0x10 },
		{ 0x811000, 0xF000, 1 },
	};
	assert_int_equal(o.n_sections, 7);
	for (size_t i = 0; i < 7; i++) {
		assert_int_equal(o.sections[i].gpa, want[i].gpa);
		assert_int_equal(o.sections[i].size, want[i].size);
		assert_int_equal(o.sections[i].type, want[i].type);
	}
	assert_int_equal(o.gpa, 0xFFFFF000ULL);
	cvm_autofree uint8_t *x = load("ovmf_OvmfX64_suffix.bin", &len);
	assert_int_equal(cvm_ovmf_parse(x, len, &o, &err), 0);
	assert_true(o.has_metadata);
	assert_false(cvm_ovmf_has_section(&o, CVM_OVMF_KERNEL_HASHES));
}

static void measure_err(const struct cvm_measure_args *a, const uint8_t *d, size_t len, const char *want)
{
	uint8_t dig[48];
	size_t n = 0;
	cvm_err err = { 0 };
	struct cvm_sev_hashes h;
	memset(&h, 0, sizeof(h));
	assert_int_equal(cvm_measure_image(a, d, len, a->kernel ? &h : NULL, dig, &n, &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
	if (!strstr(err.msg, want))
		fail_msg("error '%s' lacks '%s'", err.msg, want);
}

static void test_failures(void **state)
{
	(void)state;
	size_t len = 0;
	cvm_autofree uint8_t *amd = load("ovmf_AmdSev_suffix.bin", &len);
	cvm_autofree uint8_t *x64 = load("ovmf_OvmfX64_suffix.bin", &len);
	struct cvm_measure_args a = { .mode = CVM_MEASURE_SNP, .vcpus = 1, .vcpu_sig = 0x800F12, .guest_features = 1 };
	struct cvm_measure_args k = a;
	k.kernel = "k";
	/* kernel given, firmware without a hashes section */
	measure_err(&k, x64, len, "no SNP kernel hashes section");
	/* truncated firmware: not page-sized, or cut inside the footer */
	measure_err(&a, amd, len - 1, "not a non-zero multiple of 4096");
	measure_err(&a, amd + 2048, 2048, "not a non-zero multiple of 4096");
	measure_err(&a, amd, 0, "not a non-zero multiple of 4096");
	/* footer GUID gone (e.g. a non-OVMF file of the right size) */
	uint8_t bad[4096];
	memcpy(bad, amd, 4096);
	bad[4096 - 32 - 16] ^= 0xff;
	measure_err(&a, bad, 4096, "footer table GUID not found");
	/* bad metadata: signature, version, section type, out-of-image offset */
	struct cvm_ovmf o;
	assert_int_equal(cvm_ovmf_parse(amd, 4096, &o, NULL), 0);
	const uint8_t *asev = memmem(amd, 4096, "ASEV", 4);
	assert_non_null(asev);
	size_t off = (size_t)(asev - amd);
	memcpy(bad, amd, 4096);
	bad[off] = 'X';
	measure_err(&a, bad, 4096, "bad signature");
	memcpy(bad, amd, 4096);
	bad[off + 8] = 2;
	measure_err(&a, bad, 4096, "version 2");
	memcpy(bad, amd, 4096);
	bad[off + 16 + 8] = 0x7; /* first section's type */
	measure_err(&a, bad, 4096, "unknown type 0x7");
	memcpy(bad, amd, 4096);
	bad[off + 12] = 0xff; /* section count beyond the header's size */
	measure_err(&a, bad, 4096, "cannot hold");
	memcpy(bad, amd, 4096);
	bad[off + 16 + 3] = 0xff;     /* first section at 0xff800000 ... */
	bad[off + 16 + 4 + 3] = 0x10; /* ... of 0x10009000 bytes crosses 4 GiB */
	measure_err(&a, bad, 4096, "ends above 4 GiB");
	/* more vCPUs than a firmware without a reset block can start: drop
	 * the reset block by renaming its GUID */
	memcpy(bad, amd, 4096);
	uint8_t *g = memmem(bad, 4096, (const uint8_t[]){ 0xde, 0x71, 0xf7, 0x00 }, 4);
	assert_non_null(g);
	g[0] ^= 1;
	a.vcpus = 2;
	measure_err(&a, bad, 4096, "no SEV-ES reset block");
	a.vcpus = 1;
	uint8_t dig[48];
	size_t n = 0;
	assert_int_equal(cvm_measure_image(&a, bad, 4096, NULL, dig, &n, NULL), 0);
	/* a hashes table GPA outside its section */
	memcpy(bad, amd, 4096);
	g = memmem(bad, 4096, (const uint8_t[]){ 0x1f, 0x37, 0x55, 0x72 }, 4);
	assert_non_null(g);
	size_t esize = (size_t)(g[-2] | g[-1] << 8); /* {data, u16 size, GUID}: data starts size-16 before the GUID's end */
	g[16 - (long)esize + 1] ^= 0x40;        /* GPA 0x810C00 -> 0x814C00 */
	measure_err(&k, bad, 4096, "not inside");
}

static void test_file_errors(void **state)
{
	(void)state;
	char fw[4200], res[256];
	cvm_err err = { 0 };
	snprintf(fw, sizeof(fw), "%s/ovmf_AmdSev_suffix.bin", vdir);
	char *a1[] = { "--mode", "snp", "--vcpus", "1", "--vcpu-type", "EPYC-v4", "--ovmf", fw, "--kernel", "/nonexistent/k" };
	assert_int_equal(run_cli(a1, 10, res, sizeof(res), &err), CVM_EXIT_BADINPUT);
	assert_non_null(strstr(err.msg, "kernel: /nonexistent/k"));
	char *a2[] = { "--mode", "snp", "--vcpus", "1", "--ovmf", fw };
	assert_int_equal(run_cli(a2, 6, res, sizeof(res), &err), CVM_EXIT_BADINPUT);
	assert_non_null(strstr(err.msg, "needs --vcpu-type"));
	char *a3[] = { "--mode", "snp", "--vcpus", "1", "--vcpu-type", "Pentium", "--ovmf", fw };
	assert_int_equal(run_cli(a3, 8, res, sizeof(res), &err), CVM_EXIT_BADINPUT);
	assert_non_null(strstr(err.msg, "unknown type 'Pentium'"));
	char *a4[] = { "--mode", "snp:svsm", "--ovmf", fw };
	assert_int_equal(run_cli(a4, 4, res, sizeof(res), &err), CVM_EXIT_BADINPUT);
	char *a5[] = { "--mode", "sev", "--ovmf", fw, "--initrd", "/dev/null" };
	assert_int_equal(run_cli(a5, 6, res, sizeof(res), &err), CVM_EXIT_BADINPUT);
	assert_non_null(strstr(err.msg, "need --kernel"));
	char *a6[] = { "--mode", "sev", "--ovmf", "/nonexistent.fd" };
	assert_int_equal(run_cli(a6, 4, res, sizeof(res), &err), CVM_EXIT_BADINPUT);
	assert_non_null(strstr(err.msg, "/nonexistent.fd"));
	char *a7[] = { "--vmm-type", "ec2", "--ovmf", fw };
	assert_int_equal(run_cli(a7, 4, res, sizeof(res), &err), CVM_EXIT_BADINPUT);
	/* base64 output and the family/model/stepping form equal the hex/type form */
	char *h[] = { "--mode", "snp", "--vcpus", "1", "--vcpu-type", "EPYC-Milan", "--ovmf", fw };
	char *b[] = { "--mode", "snp", "--vcpus", "1", "--vcpu-family", "25", "--vcpu-model", "1",
		      "--vcpu-stepping", "1", "--ovmf", fw, "--output-format", "base64" };
	char hex[256], b64[256];
	assert_int_equal(run_cli(h, 8, hex, sizeof(hex), &err), 0);
	assert_int_equal(run_cli(b, 14, b64, sizeof(b64), &err), 0);
	uint8_t raw[48], dec[64];
	assert_int_equal(cvm_hex_decode(hex, raw, 48), 0);
	assert_int_equal(strlen(b64), 64);
	assert_int_equal(EVP_DecodeBlock(dec, (const unsigned char *)b64, 64), 48);
	assert_memory_equal(raw, dec, 48);
}

static void test_vcpu_sigs(void **state)
{
	(void)state;
	uint32_t s = 0;
	const struct {
		const char *n;
		uint32_t sig;
	} t[] = { { "EPYC-v4", 0x800F12 }, { "EPYC-Milan", 0xA00F11 }, { "EPYC-Genoa", 0xA10F10 },
		  { "EPYC-Turin", 0xB00F00 }, { "epyc-rome", 0x830F10 } };
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_true(cvm_vcpu_sig_by_name(t[i].n, &s));
		assert_int_equal(s, t[i].sig);
	}
	assert_false(cvm_vcpu_sig_by_name("EPYC-v9", &s));
}

/* A full distro OVMF: snp:ovmf-hash seeded into snp must equal the full
 * computation, and a kernel must be refused (no hashes section). */
static void test_full_ovmf(void **state)
{
	(void)state;
	const char *fw = "/usr/share/OVMF/OVMF_CODE.fd";
	if (access(fw, R_OK) != 0) {
		fprintf(stderr, "skip part: %s absent (Debian package ovmf)\n", fw);
		return;
	}
	uint8_t full[48], seed[48], seeded[48];
	size_t n = 0;
	cvm_err err = { 0 };
	struct cvm_measure_args a = { .mode = CVM_MEASURE_SNP, .ovmf = fw, .vcpus = 4, .vcpu_sig = 0xA00F11,
				      .guest_features = 1 };
	assert_int_equal(cvm_measure(&a, full, &n, &err), 0);
	struct cvm_measure_args h = { .mode = CVM_MEASURE_SNP_OVMF_HASH, .ovmf = fw };
	assert_int_equal(cvm_measure(&h, seed, &n, &err), 0);
	a.has_ovmf_hash = true;
	memcpy(a.ovmf_hash, seed, 48);
	assert_int_equal(cvm_measure(&a, seeded, &n, &err), 0);
	assert_memory_equal(full, seeded, 48);
	a.kernel = "/dev/null";
	assert_int_equal(cvm_measure(&a, full, &n, &err), -1);
	assert_non_null(strstr(err.msg, "no SNP kernel hashes section"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vcpu_sigs),
		cmocka_unit_test(test_full_ovmf),
	};
	const struct CMUnitTest vec[] = {
		cmocka_unit_test(test_expected_md),
		cmocka_unit_test(test_fixture_parse),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_file_errors),
	};
	int rc = cmocka_run_group_tests_name("sev_measure", tests, NULL, NULL);
	if (need_vectors(NULL) < 0)
		return rc ? rc : 77;
	return rc | cmocka_run_group_tests_name("sev_measure_vectors", vec, NULL, NULL);
}
