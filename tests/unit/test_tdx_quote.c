/* TDX quote parser: real v4/v5 quotes (fields, trailing bytes), self-signed
 * v4/v5 with both body types, every truncation, corrupted length and type
 * fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cvm_fileio.h"
#include "tdx_quote.h"
#include "tdx_testsign.c"

static void real_v4(void **state)
{
	(void)state;
	size_t len;
	uint8_t *buf = tts_read_vector("tdx/v4-collateral/quote.dat", &len);
	struct cvm_tdx_quote q;
	cvm_err err = { 0 };
	static const uint8_t svn[16] = { 5, 3, 2 };

	if (!buf) {
		print_message("skipped: no vectors in CVM_VECTORS_DIR\n");
		skip();
	}
	assert_int_equal(cvm_tdx_quote_parse(buf, len, &q, &err), 0);
	assert_int_equal(q.version, 4);
	assert_int_equal(q.body_type, CVM_TDX_BODY_TD10);
	assert_int_equal(q.trailing, 70);
	assert_int_equal(q.signed_len, 48 + 584);
	assert_memory_equal(q.body.tee_tcb_svn, svn, 16);
	assert_int_equal(q.body.td_attributes, 0x10000000ull);
	assert_int_equal(q.body.xfam, 0x602e7ull);
	assert_false(q.body.is_td15);
	assert_int_equal(q.qe.isvprodid, 2);
	assert_int_equal(q.qe.isvsvn, 7);
	assert_int_equal(q.qe_auth_len, 32);
	assert_memory_equal(q.qe_vendor_id, cvm_tdx_intel_qe_vendor_id, 16);
	/* the PEM chain's NUL terminator is stripped */
	assert_int_equal(q.pck_chain[q.pck_chain_len - 1], '\n');
	free(buf);
}

static void real_v5(void **state)
{
	(void)state;
	size_t len;
	uint8_t *buf = tts_read_vector("tdx/v5/quote.dat", &len);
	struct cvm_tdx_quote q;
	cvm_err err = { 0 };

	if (!buf) {
		print_message("skipped: no vectors in CVM_VECTORS_DIR\n");
		skip();
	}
	assert_int_equal(cvm_tdx_quote_parse(buf, len, &q, &err), 0);
	assert_int_equal(q.version, 5);
	assert_int_equal(q.body_type, CVM_TDX_BODY_TD15);
	assert_true(q.body.is_td15);
	assert_int_equal(q.signed_len, 48 + 6 + 648);
	assert_int_equal(q.trailing, 0);
	assert_int_equal(q.body.tee_tcb_svn[1], 1);
	assert_int_equal(q.body.tee_tcb_svn2[0], 5);
	free(buf);
}

static void self_signed_shapes(void **state)
{
	(void)state;
	struct tdx_ts_platform plat;
	struct tdx_ts_pki pki;
	static const struct {
		uint16_t version, body_type;
		size_t signed_len;
	} shapes[] = { { 4, 2, 632 }, { 5, 2, 638 }, { 5, 3, 702 } };

	tdx_ts_platform_default(&plat);
	assert_int_equal(tdx_ts_pki_new(&pki, &plat), 0);
	for (size_t i = 0; i < 3; i++) {
		struct tdx_ts_quote_opts o;
		struct cvm_tdx_quote q;
		cvm_err err = { 0 };
		size_t len;

		tdx_ts_quote_opts_default(&o, shapes[i].version, shapes[i].body_type);
		o.trailing = 39 * i;
		o.no_nul = i == 1;
		o.td_attributes = CVM_TDX_ATTR_DEBUG | CVM_TDX_ATTR_PERFMON;
		memset(o.report_data, 0x42, 64);
		uint8_t *buf = tdx_ts_quote(&pki, &o, &len);
		assert_int_equal(cvm_tdx_quote_parse(buf, len, &q, &err), 0);
		assert_int_equal(q.version, shapes[i].version);
		assert_int_equal(q.body_type, shapes[i].body_type);
		assert_int_equal(q.signed_len, shapes[i].signed_len);
		assert_int_equal(q.trailing, 39 * i);
		assert_int_equal(q.body.td_attributes, CVM_TDX_ATTR_DEBUG | CVM_TDX_ATTR_PERFMON);
		assert_memory_equal(q.body.mrtd, o.mrtd, 48);
		assert_memory_equal(q.body.rtmr[3], o.rtmr[3], 48);
		assert_memory_equal(q.body.report_data, o.report_data, 64);
		assert_int_equal(q.body.xfam, 0x61ae7);
		assert_int_equal(q.qe.isvsvn, 7);
		assert_true(q.pck_chain_len > 0 && q.pck_chain[q.pck_chain_len - 1] != '\0');
		free(buf);
	}
	tdx_ts_pki_free(&pki);
}

/* Every prefix of a valid quote that cuts into the signed data must be
 * refused with an error, never read out of bounds (ASan build). */
static void every_truncation(void **state)
{
	(void)state;
	struct tdx_ts_platform plat;
	struct tdx_ts_pki pki;
	struct tdx_ts_quote_opts o;
	size_t len;

	tdx_ts_platform_default(&plat);
	assert_int_equal(tdx_ts_pki_new(&pki, &plat), 0);
	tdx_ts_quote_opts_default(&o, 5, 3);
	uint8_t *buf = tdx_ts_quote(&pki, &o, &len);
	for (size_t n = 0; n < len; n++) {
		uint8_t *copy = malloc(n ? n : 1);
		struct cvm_tdx_quote q;
		cvm_err err = { 0 };
		memcpy(copy, buf, n);
		assert_int_equal(cvm_tdx_quote_parse(copy, n, &q, &err), -1);
		assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
		assert_true(err.msg[0] != '\0');
		free(copy);
	}
	free(buf);
	tdx_ts_pki_free(&pki);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void expect_error(const uint8_t *buf, size_t len, const char *needle)
{
	struct cvm_tdx_quote q;
	cvm_err err = { 0 };

	assert_int_equal(cvm_tdx_quote_parse(buf, len, &q, &err), -1);
	if (!strstr(err.msg, needle))
		fail_msg("error \"%s\" does not mention \"%s\"", err.msg, needle);
}

static void corrupted_fields(void **state)
{
	(void)state;
	struct tdx_ts_platform plat;
	struct tdx_ts_pki pki;
	struct tdx_ts_quote_opts o;
	struct tdx_ts_layout l;
	size_t len;

	tdx_ts_platform_default(&plat);
	assert_int_equal(tdx_ts_pki_new(&pki, &plat), 0);
	tdx_ts_quote_opts_default(&o, 5, 2);
	uint8_t *good = tdx_ts_quote(&pki, &o, &len), *b = malloc(len);
	tdx_ts_layout(good, len, &l);

#define MUTATE(stmt, needle)                     \
	do {                                     \
		memcpy(b, good, len);            \
		stmt;                            \
		expect_error(b, len, needle);    \
	} while (0)
	MUTATE(put16(b, 3), "version 3");
	MUTATE(put16(b, 6), "version 6");
	MUTATE(put16(b + 2, 3), "attestation key type 3");
	MUTATE(put32(b + 4, 0), "tee_type 0x0");
	MUTATE(put16(b + 48, 4), "body type 4");
	MUTATE(put32(b + 50, 648), "body size 648");
	MUTATE(put32(b + l.signed_len, 0xFFFFFFF0u), "signature data size");
	MUTATE(put32(b + l.signed_len, (uint32_t)(len - l.signed_len - 4 - 1)), "certification data size");
	MUTATE(put16(b + l.key_off + 64, 5), "certification data type 5");
	MUTATE(put16(b + l.pem_off - 6, 1), "QE certification data type 1");
	MUTATE(put32(b + l.pem_off - 4, (uint32_t)l.pem_len - 1), "unparsed");
	MUTATE(put32(b + l.pem_off - 4, (uint32_t)l.pem_len + 1), "truncated");
	MUTATE(put16(b + l.qe_sig_off + 64, 0xFFFF), "truncated");
#undef MUTATE
	free(b);
	free(good);
	tdx_ts_pki_free(&pki);
}

static void attribute_names(void **state)
{
	(void)state;
	char buf[128];

	assert_string_equal(cvm_tdx_attr_names(0, buf, sizeof(buf)), "");
	assert_string_equal(cvm_tdx_attr_names(CVM_TDX_ATTR_DEBUG | CVM_TDX_ATTR_SEPT_VE_DISABLE | (1ull << 5), buf,
					       sizeof(buf)),
			    "debug,bit5,sept_ve_disable");
	assert_string_equal(cvm_tdx_attr_names(CVM_TDX_ATTR_PERFMON | CVM_TDX_ATTR_PKS, buf, sizeof(buf)), "pks,perfmon");
	assert_int_equal(cvm_tdx_attr_bit("kl"), CVM_TDX_ATTR_KL);
	assert_int_equal(cvm_tdx_attr_bit("nope"), 0);
	/* never overflows a short buffer */
	assert_string_equal(cvm_tdx_attr_names(~0ull, buf, 8), "debug");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(real_v4),	    cmocka_unit_test(real_v5),
		cmocka_unit_test(self_signed_shapes), cmocka_unit_test(every_truncation),
		cmocka_unit_test(corrupted_fields),   cmocka_unit_test(attribute_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
