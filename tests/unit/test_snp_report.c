/* SNP report parsing: field layout by version, TCB layout by product,
 * product detection, format lint, cert table. Pure, no crypto. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "snp_testsign.c"

#include "snp_report.h"

static void build(uint8_t *rep, uint32_t version, enum snp_ts_product product)
{
	struct snp_ts_params p;

	snp_ts_params_default(&p, product);
	snp_ts_report_init(rep, version, &p);
}

static void test_layouts(void **state)
{
	uint8_t rep[SNP_TS_REPORT_SIZE];
	struct cvm_snp_report r;
	cvm_err err = {0};
	char why[200];

	build(rep, 2, SNP_TS_MILAN);
	assert_int_equal(cvm_snp_report_parse(rep, sizeof(rep), &r, &err), 0);
	assert_int_equal(r.version, 2);
	assert_false(r.has_cpuid);
	assert_false(r.has_mit);
	assert_int_equal(r.product, CVM_SNP_PRODUCT_UNKNOWN); /* v2 with a 64-byte CHIP_ID is ambiguous */
	assert_true(cvm_snp_report_lint(&r, why, sizeof(why)));
	/* v2 has no CPUID bytes: anything there is reserved */
	rep[0x188] = 0x19;
	assert_int_equal(cvm_snp_report_parse(rep, sizeof(rep), &r, &err), 0);
	assert_false(cvm_snp_report_lint(&r, why, sizeof(why)));

	build(rep, 3, SNP_TS_GENOA);
	assert_int_equal(cvm_snp_report_parse(rep, sizeof(rep), &r, &err), 0);
	assert_true(r.has_cpuid);
	assert_int_equal(r.cpuid_fam, 0x19);
	assert_int_equal(r.product, CVM_SNP_PRODUCT_GENOA);
	assert_string_equal(r.product_source, "cpuid");
	assert_true(cvm_snp_report_lint(&r, why, sizeof(why)));
	/* v3 has no MIT vectors: 0x1F8.. is reserved */
	rep[0x1F8] = 1;
	assert_int_equal(cvm_snp_report_parse(rep, sizeof(rep), &r, &err), 0);
	assert_false(cvm_snp_report_lint(&r, why, sizeof(why)));

	/* v5 on Milan (as GCP ships): MIT vectors read, CPUID says Milan */
	build(rep, 5, SNP_TS_MILAN);
	assert_int_equal(cvm_snp_report_parse(rep, sizeof(rep), &r, &err), 0);
	assert_true(r.has_mit);
	assert_int_equal(r.current_mit_vector, 0xb);
	assert_int_equal(r.product, CVM_SNP_PRODUCT_MILAN);
	assert_true(cvm_snp_report_lint(&r, why, sizeof(why)));

	/* v2 Turin: detected from the 8-byte CHIP_ID */
	build(rep, 2, SNP_TS_TURIN);
	assert_int_equal(cvm_snp_report_parse(rep, sizeof(rep), &r, &err), 0);
	assert_int_equal(r.product, CVM_SNP_PRODUCT_TURIN);
	assert_string_equal(r.product_source, "chip_id");

	assert_int_equal(cvm_snp_report_parse(rep, sizeof(rep) - 1, &r, &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
}

static void test_lint(void **state)
{
	uint8_t rep[SNP_TS_REPORT_SIZE];
	struct cvm_snp_report r;
	cvm_err err = {0};
	char why[200];
	const struct {
		size_t off;
		uint8_t val;
		const char *needle;
	} cases[] = {
	    {0x000, 1, "version"},     {0x034, 2, "SIGNATURE_ALGO"}, {0x00A, 0x01, "POLICY"}, {0x00B, 0x04, "POLICY"},
	    {0x048, 0x20, "reserved"}, {0x048, 0x08, "SIGNING_KEY"}, {0x030, 4, "VMPL"},      {0x04C, 1, "reserved"},
	    {0x19F, 1, "reserved"},    {0x1EB, 1, "reserved"},       {0x208, 1, "reserved"},  {0x400, 1, "reserved"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		build(rep, 5, SNP_TS_MILAN);
		rep[cases[i].off] = cases[i].val;
		assert_int_equal(cvm_snp_report_parse(rep, sizeof(rep), &r, &err), 0);
		assert_false(cvm_snp_report_lint(&r, why, sizeof(why)));
		if (!strstr(why, cases[i].needle))
			print_message("case %zu: %s\n", i, why);
		assert_non_null(strstr(why, cases[i].needle));
	}
}

static void test_tcb(void **state)
{
	struct cvm_snp_tcb a, b;
	const char *which = NULL;
	char s[64];

	/* real Milan bytes 03 00 00 00 00 00 08 73: bl 3, snp 8, ucode 0x73 */
	cvm_snp_tcb_decode(0x7308000000000003ull, CVM_SNP_PRODUCT_MILAN, &a);
	assert_int_equal(a.bl, 3);
	assert_int_equal(a.snp, 8);
	assert_int_equal(a.ucode, 0x73);
	assert_false(a.has_fmc);
	cvm_snp_tcb_str(&a, s, sizeof(s));
	assert_string_equal(s, "bl=3 tee=0 snp=8 ucode=115");
	/* the same bytes read as Turin: fmc 3, snp 0 */
	cvm_snp_tcb_decode(0x7308000000000003ull, CVM_SNP_PRODUCT_TURIN, &b);
	assert_true(b.has_fmc);
	assert_int_equal(b.fmc, 3);
	assert_int_equal(b.snp, 0);
	cvm_snp_tcb_decode(snp_ts_tcb(SNP_TS_TURIN, 1, 2, 3, 4, 5), CVM_SNP_PRODUCT_TURIN, &b);
	assert_int_equal(b.fmc, 1);
	assert_int_equal(b.bl, 2);
	assert_int_equal(b.tee, 3);
	assert_int_equal(b.snp, 4);
	assert_int_equal(b.ucode, 5);
	cvm_snp_tcb_decode(snp_ts_tcb(SNP_TS_TURIN, 1, 2, 3, 5, 5), CVM_SNP_PRODUCT_TURIN, &a);
	assert_true(cvm_snp_tcb_ge(&a, &b, NULL));
	assert_false(cvm_snp_tcb_ge(&b, &a, &which));
	assert_string_equal(which, "snp");
	assert_false(cvm_snp_tcb_eq(&a, &b, &which));
}

static void test_products(void **state)
{
	assert_int_equal(cvm_snp_product_from_cpuid(0x19, 0x01), CVM_SNP_PRODUCT_MILAN);
	assert_int_equal(cvm_snp_product_from_cpuid(0x19, 0x11), CVM_SNP_PRODUCT_GENOA);
	assert_int_equal(cvm_snp_product_from_cpuid(0x19, 0xA0), CVM_SNP_PRODUCT_GENOA); /* Siena/Bergamo */
	assert_int_equal(cvm_snp_product_from_cpuid(0x1A, 0x02), CVM_SNP_PRODUCT_TURIN);
	assert_int_equal(cvm_snp_product_from_cpuid(0x1A, 0x50), CVM_SNP_PRODUCT_UNKNOWN);
	assert_int_equal(cvm_snp_product_from_cpuid(0x17, 0x01), CVM_SNP_PRODUCT_UNKNOWN);
	assert_int_equal(cvm_snp_product_from_name("Milan-B0"), CVM_SNP_PRODUCT_MILAN);
	assert_int_equal(cvm_snp_product_from_name("SEV-VLEK-Genoa"), CVM_SNP_PRODUCT_GENOA);
	assert_int_equal(cvm_snp_product_from_name("ARK-Turin"), CVM_SNP_PRODUCT_TURIN);
	assert_int_equal(cvm_snp_product_from_name("Milanx"), CVM_SNP_PRODUCT_UNKNOWN);
	assert_int_equal(cvm_snp_policy_bit_by_name("debug"), 1ull << 19);
	assert_int_equal(cvm_snp_policy_bit_by_name("nope"), 0);
	char s[128];
	cvm_snp_policy_bits_str(0xb0000, s, sizeof(s));
	assert_string_equal(s, "smt,debug");
}

static void test_cert_table(void **state)
{
	uint8_t t[200] = {0};
	struct cvm_snp_cert_entry e[CVM_SNP_CERT_TABLE_MAX];
	size_t n = 0;
	cvm_err err = {0};
	/* VCEK GUID in RFC order, ARK GUID in mixed-endian order */
	static const uint8_t vcek[16] = {0x63, 0xda, 0x75, 0x8d, 0xe6, 0x64, 0x45, 0x64,
	                                 0xad, 0xc5, 0xf4, 0xb9, 0x3b, 0xe8, 0xac, 0xcd};
	static const uint8_t ark_le[16] = {0xa4, 0x06, 0xb4, 0xc0, 0x03, 0xa8, 0x52, 0x49,
	                                   0x97, 0x43, 0x3f, 0xb6, 0x01, 0x4c, 0xd0, 0xae};

	memcpy(t, vcek, 16);
	snp_ts_put32(t + 16, 96), snp_ts_put32(t + 20, 10);
	memcpy(t + 24, ark_le, 16);
	snp_ts_put32(t + 40, 106), snp_ts_put32(t + 44, 20);
	memset(t + 48, 0x5a, 16); /* unknown GUID */
	snp_ts_put32(t + 64, 126), snp_ts_put32(t + 68, 4);
	assert_int_equal(cvm_snp_cert_table_parse(t, sizeof(t), e, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(e[0].kind, CVM_SNP_CERT_VCEK);
	assert_int_equal(e[1].kind, CVM_SNP_CERT_ARK);
	assert_int_equal(e[2].kind, CVM_SNP_CERT_UNKNOWN);
	assert_ptr_equal(e[1].der, t + 106);
	assert_int_equal(e[1].len, 20);
	/* out of bounds */
	snp_ts_put32(t + 44, 200);
	assert_int_equal(cvm_snp_cert_table_parse(t, sizeof(t), e, &n, &err), -1);
	/* no terminator */
	memset(t, 0x77, sizeof(t));
	assert_int_equal(cvm_snp_cert_table_parse(t, sizeof(t), e, &n, &err), -1);
	assert_int_equal(cvm_snp_cert_table_parse(t, 10, e, &n, &err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_layouts),  cmocka_unit_test(test_lint),       cmocka_unit_test(test_tcb),
	    cmocka_unit_test(test_products), cmocka_unit_test(test_cert_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
