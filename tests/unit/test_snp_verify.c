/* SNP verification against evidence the test signs itself (snp_testsign.c):
 * every product/version/signer combination verifies; every tampering and
 * every policy violation is rejected with its own check named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "snp_testsign.c"

#include <json-c/json.h>

#include "cvm_fileio.h"

#include "policy.h"
#include "snp_chain.h"
#include "snp_verify.h"

static struct snp_ts_world world;
static const time_t NOW = 1735689600; /* 2025-01-01, inside the test validity */

static int setup(void **state)
{
	return snp_ts_world_init(&world);
}

static int teardown(void **state)
{
	snp_ts_world_free(&world);
	return 0;
}

/* One verification: a fresh context trusting @chain's ARK, the given policy
 * text (NULL: built-in default), nonce and CRL. */
struct run {
	struct cvm_verdict v;
	int rc;
};

static void verify_full(struct run *out, const uint8_t *rep, STACK_OF(X509) * certs, X509 *root, const char *policy,
                        const uint8_t *nonce, size_t nonce_len, X509_CRL *crl, time_t at)
{
	struct cvm_policy *pol = NULL;
	cvm_err err = {0};
	struct cvm_snp_ctx *ctx = cvm_snp_ctx_new(at);

	if (policy)
		assert_int_equal(cvm_policy_parse(policy, "test policy", &pol, &err), 0);
	else
		pol = cvm_policy_default();
	if (root)
		assert_int_equal(cvm_snp_ctx_add_root(ctx, root, &err), 0);
	if (crl)
		assert_int_equal(cvm_snp_ctx_add_crl(ctx, crl, &err), 0);
	struct cvm_snp_input in = {rep, SNP_TS_REPORT_SIZE, certs, nonce, nonce_len, pol};
	cvm_verdict_init(&out->v);
	out->rc = cvm_snp_verify(ctx, &in, &out->v, &err);
	cvm_snp_ctx_free(ctx);
	cvm_policy_free(pol);
}

static void dump(const struct cvm_verdict *v)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->checks[i].result == CVM_CHECK_FAIL || v->checks[i].result == CVM_CHECK_ERROR)
			print_message("  %s: %s\n", v->checks[i].name, v->checks[i].detail);
}

static void expect_accepted(struct run *r)
{
	assert_int_equal(r->rc, 0);
	if (!cvm_verdict_accepted(&r->v))
		dump(&r->v);
	assert_true(cvm_verdict_accepted(&r->v));
	cvm_verdict_free(&r->v);
}

/* Rejected, and @check in particular failed (or errored). */
static void expect_rejected_by(struct run *r, const char *check, enum cvm_check_result how)
{
	assert_int_equal(r->rc, 0);
	assert_false(cvm_verdict_accepted(&r->v));
	if (cvm_verdict_result(&r->v, check) != (int)how) {
		print_message("expected %s to be %d, got %d\n", check, how, cvm_verdict_result(&r->v, check));
		dump(&r->v);
	}
	assert_int_equal(cvm_verdict_result(&r->v, check), how);
	cvm_verdict_free(&r->v);
}

/* A signed report and its chain for one product/version/signer. */
struct evidence {
	struct snp_ts_params p;
	struct snp_ts_chain chain;
	STACK_OF(X509) * certs;
	uint8_t rep[SNP_TS_REPORT_SIZE];
};

static void make(struct evidence *e, enum snp_ts_product product, uint32_t version, bool vlek)
{
	snp_ts_params_default(&e->p, product);
	e->p.vlek = vlek;
	assert_int_equal(snp_ts_chain_make(&world, &e->p, &e->chain), 0);
	e->certs = snp_ts_chain_stack(&e->chain);
	snp_ts_report_init(e->rep, version, &e->p);
	assert_int_equal(snp_ts_report_sign(e->rep, world.leaf_key), 0);
}

static void unmake(struct evidence *e)
{
	sk_X509_pop_free(e->certs, X509_free);
	snp_ts_chain_free(&e->chain);
}

static void run_default(struct run *r, struct evidence *e)
{
	verify_full(r, e->rep, e->certs, e->chain.ark, NULL, NULL, 0, NULL, NOW);
}

static void resign(struct evidence *e)
{
	assert_int_equal(snp_ts_report_sign(e->rep, world.leaf_key), 0);
}

static void test_accept_matrix(void **state)
{
	const enum snp_ts_product products[] = {SNP_TS_MILAN, SNP_TS_GENOA, SNP_TS_TURIN};
	const uint32_t versions[] = {2, 3, 5};

	for (size_t i = 0; i < 3; i++)
		for (size_t j = 0; j < 3; j++)
			for (int vlek = 0; vlek <= 1; vlek++) {
				struct evidence e;
				struct run r;
				make(&e, products[i], versions[j], vlek);
				run_default(&r, &e);
				print_message("product %d version %u %s\n", products[i], versions[j],
				              vlek ? "VLEK" : "VCEK");
				assert_int_equal(cvm_verdict_result(&r.v, "snp.chain"), CVM_CHECK_PASS);
				assert_int_equal(cvm_verdict_result(&r.v, "snp.signature"), CVM_CHECK_PASS);
				assert_int_equal(cvm_verdict_result(&r.v, "snp.tcb.reported"), CVM_CHECK_PASS);
				assert_int_equal(cvm_verdict_result(&r.v, "snp.hwid"),
				                 vlek ? CVM_CHECK_INFO : CVM_CHECK_PASS);
				/* Turin's TCB layout differs: a Milan reading would put
				 * fmc=1 into bl and fail the comparison above. */
				json_object *snp = json_object_object_get(r.v.claims, "snp");
				assert_string_equal(json_object_get_string(json_object_object_get(snp, "product")),
				                    products[i] == SNP_TS_TURIN   ? "Turin"
				                    : products[i] == SNP_TS_GENOA ? "Genoa"
				                                                  : "Milan");
				expect_accepted(&r);
				unmake(&e);
			}
}

/* v4 uses the v3 layout (virtee); v1 and v0 are not SNP reports we know. */
static void test_versions(void **state)
{
	struct evidence e;
	struct run r;

	make(&e, SNP_TS_GENOA, 3, false);
	snp_ts_put32(e.rep, 4);
	resign(&e);
	run_default(&r, &e);
	assert_int_equal(cvm_verdict_result(&r.v, "snp.product"), CVM_CHECK_PASS);
	expect_accepted(&r);
	snp_ts_put32(e.rep, 1);
	resign(&e);
	run_default(&r, &e);
	expect_rejected_by(&r, "snp.report.format", CVM_CHECK_FAIL);
	unmake(&e);
}

static void test_flip_every_byte(void **state)
{
	struct evidence e;
	struct cvm_policy *pol = cvm_policy_default();
	struct cvm_snp_ctx *ctx = cvm_snp_ctx_new(NOW);
	cvm_err err = {0};
	uint8_t rep[SNP_TS_REPORT_SIZE];

	make(&e, SNP_TS_MILAN, 3, false);
	assert_int_equal(cvm_snp_ctx_add_root(ctx, e.chain.ark, &err), 0);
	for (size_t i = 0; i < SNP_TS_REPORT_SIZE; i++) {
		struct cvm_verdict v;
		memcpy(rep, e.rep, sizeof(rep));
		rep[i] ^= 0x01;
		struct cvm_snp_input in = {rep, sizeof(rep), e.certs, NULL, 0, pol};
		cvm_verdict_init(&v);
		assert_int_equal(cvm_snp_verify(ctx, &in, &v, &err), 0);
		if (cvm_verdict_accepted(&v))
			print_message("flipping byte 0x%zx was accepted\n", i);
		assert_false(cvm_verdict_accepted(&v));
		/* Inside the signed region the signature itself must fail. */
		if (i < 0x2A0)
			assert_int_equal(cvm_verdict_result(&v, "snp.signature"), CVM_CHECK_FAIL);
		cvm_verdict_free(&v);
	}
	cvm_snp_ctx_free(ctx);
	cvm_policy_free(pol);
	unmake(&e);
}

static void test_wrong_signer_key(void **state)
{
	struct evidence e;
	struct run r;

	make(&e, SNP_TS_MILAN, 2, false);
	assert_int_equal(snp_ts_report_sign(e.rep, world.other_leaf_key), 0);
	run_default(&r, &e);
	expect_rejected_by(&r, "snp.signature", CVM_CHECK_FAIL);
	unmake(&e);
}

static void test_wrong_chain(void **state)
{
	struct evidence e;
	struct run r;

	make(&e, SNP_TS_MILAN, 3, false);
	/* Root not pinned: no --trust-root, and not an AMD root. */
	verify_full(&r, e.rep, e.certs, NULL, NULL, NULL, 0, NULL, NOW);
	expect_rejected_by(&r, "snp.chain.root", CVM_CHECK_FAIL);

	/* VCEK re-signed by the ARK key instead of the ASK key. */
	EVP_MD_CTX *md = pss_ctx(world.ark_key);
	assert_true(X509_sign_ctx(e.chain.leaf, md) > 0);
	EVP_MD_CTX_free(md);
	run_default(&r, &e);
	expect_rejected_by(&r, "snp.chain", CVM_CHECK_FAIL);
	unmake(&e);

	/* ASK of another product: the chain does not link (names differ). */
	struct evidence g;
	make(&e, SNP_TS_MILAN, 3, false);
	make(&g, SNP_TS_GENOA, 3, false);
	STACK_OF(X509) *mixed = sk_X509_new_null();
	sk_X509_push(mixed, e.chain.leaf);
	sk_X509_push(mixed, g.chain.ask);
	sk_X509_push(mixed, g.chain.ark);
	verify_full(&r, e.rep, mixed, g.chain.ark, NULL, NULL, 0, NULL, NOW);
	expect_rejected_by(&r, "snp.chain", CVM_CHECK_ERROR);
	sk_X509_free(mixed);
	unmake(&g);

	/* No certificates at all: "could not check" rejects. */
	verify_full(&r, e.rep, NULL, e.chain.ark, NULL, NULL, 0, NULL, NOW);
	expect_rejected_by(&r, "snp.chain", CVM_CHECK_ERROR);
	unmake(&e);
}

static void test_wrong_product(void **state)
{
	struct evidence m, g;
	struct run r;

	/* A v3 report whose CPUID says Milan, with a (valid) Genoa chain. */
	make(&m, SNP_TS_MILAN, 3, false);
	make(&g, SNP_TS_GENOA, 3, false);
	verify_full(&r, m.rep, g.certs, g.chain.ark, NULL, NULL, 0, NULL, NOW);
	expect_rejected_by(&r, "snp.product", CVM_CHECK_FAIL);
	/* The VCEK productName disagreeing with its ASK is a chain failure. */
	unmake(&g);
	snp_ts_params_default(&g.p, SNP_TS_MILAN);
	g.p.product_name = "Genoa-B1";
	assert_int_equal(snp_ts_chain_make(&world, &g.p, &g.chain), 0);
	g.certs = snp_ts_chain_stack(&g.chain);
	verify_full(&r, m.rep, g.certs, g.chain.ark, NULL, NULL, 0, NULL, NOW);
	expect_rejected_by(&r, "snp.chain", CVM_CHECK_FAIL);
	unmake(&g);
	unmake(&m);
}

static void test_expired(void **state)
{
	struct evidence e;
	struct run r;

	make(&e, SNP_TS_GENOA, 5, false);
	verify_full(&r, e.rep, e.certs, e.chain.ark, NULL, NULL, 0, NULL, e.p.not_after + 1);
	expect_rejected_by(&r, "snp.chain", CVM_CHECK_FAIL);
	verify_full(&r, e.rep, e.certs, e.chain.ark, NULL, NULL, 0, NULL, e.p.not_before - 1);
	expect_rejected_by(&r, "snp.chain", CVM_CHECK_FAIL);
	verify_full(&r, e.rep, e.certs, e.chain.ark, NULL, NULL, 0, NULL, e.p.not_after - 1);
	expect_accepted(&r);
	unmake(&e);
}

static void test_revoked(void **state)
{
	struct evidence e;
	struct run r;
	X509_CRL *crl;

	make(&e, SNP_TS_MILAN, 2, false);
	/* ARK revokes the ASK */
	crl = snp_ts_crl(e.chain.ark, world.ark_key, e.chain.ask, NOW - 86400, NOW + 86400);
	verify_full(&r, e.rep, e.certs, e.chain.ark, NULL, NULL, 0, crl, NOW);
	expect_rejected_by(&r, "snp.crl", CVM_CHECK_FAIL);
	X509_CRL_free(crl);
	/* ASK revokes the VCEK */
	crl = snp_ts_crl(e.chain.ask, world.ask_key, e.chain.leaf, NOW - 86400, NOW + 86400);
	verify_full(&r, e.rep, e.certs, e.chain.ark, NULL, NULL, 0, crl, NOW);
	expect_rejected_by(&r, "snp.crl", CVM_CHECK_FAIL);
	X509_CRL_free(crl);
	/* a current CRL that revokes nothing of ours */
	crl = snp_ts_crl(e.chain.ark, world.ark_key, NULL, NOW - 86400, NOW + 86400);
	verify_full(&r, e.rep, e.certs, e.chain.ark, NULL, NULL, 0, crl, NOW);
	assert_int_equal(cvm_verdict_result(&r.v, "snp.crl"), CVM_CHECK_PASS);
	expect_accepted(&r);
	/* the same CRL, stale at the verification time: could not check */
	verify_full(&r, e.rep, e.certs, e.chain.ark, NULL, NULL, 0, crl, NOW + 2 * 86400);
	expect_rejected_by(&r, "snp.crl", CVM_CHECK_ERROR);
	X509_CRL_free(crl);
	/* a CRL naming the ARK but signed by another key */
	crl = snp_ts_crl(e.chain.ark, world.ask_key, NULL, NOW - 86400, NOW + 86400);
	verify_full(&r, e.rep, e.certs, e.chain.ark, NULL, NULL, 0, crl, NOW);
	expect_rejected_by(&r, "snp.crl", CVM_CHECK_FAIL);
	X509_CRL_free(crl);
	unmake(&e);
}

static void test_nonce(void **state)
{
	struct evidence e;
	struct run r;
	uint8_t nonce[32], other[32], digest[64];

	for (int i = 0; i < 32; i++)
		nonce[i] = (uint8_t)i, other[i] = (uint8_t)(i + 1);
	make(&e, SNP_TS_TURIN, 5, false);
	memcpy(e.rep + 0x50, nonce, 32);
	resign(&e);
	verify_full(&r, e.rep, e.certs, e.chain.ark, NULL, nonce, 32, NULL, NOW);
	assert_int_equal(cvm_verdict_result(&r.v, "snp.report_data"), CVM_CHECK_PASS);
	expect_accepted(&r);
	verify_full(&r, e.rep, e.certs, e.chain.ark, NULL, other, 32, NULL, NOW);
	expect_rejected_by(&r, "snp.report_data", CVM_CHECK_FAIL);
	/* policy demands a nonce, none given: could not check */
	verify_full(&r, e.rep, e.certs, e.chain.ark, "{\"require_nonce\": true}", NULL, 0, NULL, NOW);
	expect_rejected_by(&r, "snp.report_data", CVM_CHECK_ERROR);
	/* sha512 binding */
	assert_int_equal(cvm_nonce_expected(CVM_NONCE_SHA512, nonce, 32, digest), 0);
	memcpy(e.rep + 0x50, digest, 64);
	resign(&e);
	verify_full(&r, e.rep, e.certs, e.chain.ark, "{\"nonce_binding\": \"sha512\"}", nonce, 32, NULL, NOW);
	expect_accepted(&r);
	verify_full(&r, e.rep, e.certs, e.chain.ark, NULL, nonce, 32, NULL, NOW);
	expect_rejected_by(&r, "snp.report_data", CVM_CHECK_FAIL);
	unmake(&e);
}

static void test_measurement_and_pins(void **state)
{
	struct evidence e;
	struct run r;
	char pol[1024], meas[97];

	make(&e, SNP_TS_MILAN, 3, false);
	cvm_hex_encode(e.rep + 0x90, 48, meas);
	snprintf(pol, sizeof(pol),
	         "{\"snp\": {\"measurements\": [\"%096d\", \"%s\"], \"vmpl\": 0, \"minimum_guest_svn\": 1,"
	         " \"host_data\": \"%064d\", \"id_key_digests\": [\"%096d\"]}}",
	         0, meas, 0, 0);
	verify_full(&r, e.rep, e.certs, e.chain.ark, pol, NULL, 0, NULL, NOW);
	assert_int_equal(cvm_verdict_result(&r.v, "snp.measurement"), CVM_CHECK_PASS);
	assert_int_equal(cvm_verdict_result(&r.v, "snp.vmpl"), CVM_CHECK_PASS);
	assert_int_equal(cvm_verdict_result(&r.v, "snp.host_data"), CVM_CHECK_PASS);
	expect_accepted(&r);
	snprintf(pol, sizeof(pol), "{\"snp\": {\"measurements\": [\"%096d\"]}}", 7);
	verify_full(&r, e.rep, e.certs, e.chain.ark, pol, NULL, 0, NULL, NOW);
	expect_rejected_by(&r, "snp.measurement", CVM_CHECK_FAIL);
	verify_full(&r, e.rep, e.certs, e.chain.ark,
	            "{\"snp\": {\"host_data\": \"01"
	            "00000000000000000000000000000000000000000000000000000000000000\"}}",
	            NULL, 0, NULL, NOW);
	expect_rejected_by(&r, "snp.host_data", CVM_CHECK_FAIL);
	verify_full(&r, e.rep, e.certs, e.chain.ark, "{\"snp\": {\"vmpl\": 1}}", NULL, 0, NULL, NOW);
	expect_rejected_by(&r, "snp.vmpl", CVM_CHECK_FAIL);
	verify_full(&r, e.rep, e.certs, e.chain.ark, "{\"snp\": {\"minimum_guest_svn\": 2}}", NULL, 0, NULL, NOW);
	expect_rejected_by(&r, "snp.guest_svn", CVM_CHECK_FAIL);
	snprintf(pol, sizeof(pol), "{\"snp\": {\"author_key_digests\": [\"%096d\"]}}", 0);
	verify_full(&r, e.rep, e.certs, e.chain.ark, pol, NULL, 0, NULL, NOW);
	expect_rejected_by(&r, "snp.author_key_digest", CVM_CHECK_FAIL);
	verify_full(&r, e.rep, e.certs, e.chain.ark, "{\"snp\": {\"signers\": [\"vlek\"]}}", NULL, 0, NULL, NOW);
	expect_rejected_by(&r, "snp.signer.allowed", CVM_CHECK_FAIL);
	verify_full(&r, e.rep, e.certs, e.chain.ark, "{\"confidential_type\": \"tdx\"}", NULL, 0, NULL, NOW);
	expect_rejected_by(&r, "policy.confidential_type", CVM_CHECK_FAIL);
	unmake(&e);
}

static void test_tcb(void **state)
{
	struct evidence e;
	struct run r;

	make(&e, SNP_TS_TURIN, 3, false);
	verify_full(&r, e.rep, e.certs, e.chain.ark,
	            "{\"snp\": {\"minimum_tcb\": {\"fmc\": 1, \"bl\": 3, \"snp\": 8, \"ucode\": 115},"
	            " \"minimum_launch_tcb\": {\"ucode\": 100}}}",
	            NULL, 0, NULL, NOW);
	assert_int_equal(cvm_verdict_result(&r.v, "snp.tcb.minimum"), CVM_CHECK_PASS);
	expect_accepted(&r);
	verify_full(&r, e.rep, e.certs, e.chain.ark, "{\"snp\": {\"minimum_tcb\": {\"ucode\": 200}}}", NULL, 0, NULL,
	            NOW);
	expect_rejected_by(&r, "snp.tcb.minimum", CVM_CHECK_FAIL);
	verify_full(&r, e.rep, e.certs, e.chain.ark, "{\"snp\": {\"minimum_tcb\": {\"fmc\": 2}}}", NULL, 0, NULL, NOW);
	expect_rejected_by(&r, "snp.tcb.minimum", CVM_CHECK_FAIL);
	verify_full(&r, e.rep, e.certs, e.chain.ark, "{\"snp\": {\"minimum_launch_tcb\": {\"snp\": 9}}}", NULL, 0, NULL,
	            NOW);
	expect_rejected_by(&r, "snp.tcb.launch_minimum", CVM_CHECK_FAIL);

	/* REPORTED_TCB differing from the VCEK's SPLs */
	snp_ts_put64(e.rep + 0x180, snp_ts_tcb(SNP_TS_TURIN, 1, 3, 0, 9, 115));
	snp_ts_put64(e.rep + 0x038, snp_ts_tcb(SNP_TS_TURIN, 1, 3, 0, 9, 115));
	snp_ts_put64(e.rep + 0x1E0, snp_ts_tcb(SNP_TS_TURIN, 1, 3, 0, 9, 115));
	resign(&e);
	run_default(&r, &e);
	expect_rejected_by(&r, "snp.tcb.reported", CVM_CHECK_FAIL);
	/* TCB lag: CURRENT above REPORTED is fine, the VCEK follows REPORTED */
	snp_ts_put64(e.rep + 0x180, snp_ts_tcb(SNP_TS_TURIN, 1, 3, 0, 8, 115));
	snp_ts_put64(e.rep + 0x038, snp_ts_tcb(SNP_TS_TURIN, 1, 3, 0, 9, 206));
	snp_ts_put64(e.rep + 0x1E0, snp_ts_tcb(SNP_TS_TURIN, 1, 3, 0, 9, 206));
	resign(&e);
	run_default(&r, &e);
	expect_accepted(&r);
	/* REPORTED above CURRENT is inconsistent */
	snp_ts_put64(e.rep + 0x038, snp_ts_tcb(SNP_TS_TURIN, 1, 3, 0, 7, 115));
	snp_ts_put64(e.rep + 0x1E0, snp_ts_tcb(SNP_TS_TURIN, 1, 3, 0, 7, 115));
	resign(&e);
	run_default(&r, &e);
	expect_rejected_by(&r, "snp.tcb.current", CVM_CHECK_FAIL);
	unmake(&e);
}

static void test_provisional_firmware(void **state)
{
	struct evidence e;
	struct run r;

	make(&e, SNP_TS_GENOA, 5, false);
	snp_ts_put64(e.rep + 0x1E0, snp_ts_tcb(SNP_TS_GENOA, 0, 3, 0, 7, 115)); /* COMMITTED snp 7 < 8 */
	e.rep[0x1EC] = 20;                                                      /* committed build 20 < 21 */
	resign(&e);
	run_default(&r, &e);
	assert_int_equal(cvm_verdict_result(&r.v, "snp.firmware"), CVM_CHECK_INFO);
	expect_accepted(&r);
	verify_full(&r, e.rep, e.certs, e.chain.ark, "{\"snp\": {\"allow_provisional_firmware\": false}}", NULL, 0,
	            NULL, NOW);
	expect_rejected_by(&r, "snp.firmware", CVM_CHECK_FAIL);
	unmake(&e);
}

static void test_guest_policy_and_hwid(void **state)
{
	struct evidence e;
	struct run r;

	make(&e, SNP_TS_MILAN, 2, false);
	snp_ts_put64(e.rep + 0x008, 0xb0000); /* DEBUG | bit 17 | SMT */
	resign(&e);
	run_default(&r, &e);
	expect_rejected_by(&r, "snp.guest_policy", CVM_CHECK_FAIL);
	verify_full(&r, e.rep, e.certs, e.chain.ark, "{\"snp\": {\"allowed_policy_flags\": [\"smt\", \"debug\"]}}",
	            NULL, 0, NULL, NOW);
	expect_accepted(&r);
	verify_full(&r, e.rep, e.certs, e.chain.ark, "{\"snp\": {\"allowed_policy_flags\": [\"debug\"]}}", NULL, 0,
	            NULL, NOW);
	expect_rejected_by(&r, "snp.guest_policy", CVM_CHECK_FAIL);
	verify_full(&r, e.rep, e.certs, e.chain.ark,
	            "{\"snp\": {\"allowed_policy_flags\": [\"smt\", \"debug\", \"single_socket\"],"
	            " \"required_policy_flags\": [\"single_socket\"]}}",
	            NULL, 0, NULL, NOW);
	expect_rejected_by(&r, "snp.guest_policy", CVM_CHECK_FAIL);

	snp_ts_put64(e.rep + 0x008, 0x30000);
	e.rep[0x1A0] ^= 1; /* CHIP_ID no longer the VCEK's hwID */
	resign(&e);
	run_default(&r, &e);
	expect_rejected_by(&r, "snp.hwid", CVM_CHECK_FAIL);
	memset(e.rep + 0x1A0, 0, 64);
	snp_ts_put32(e.rep + 0x048, 1u << 1); /* MASK_CHIP_KEY */
	resign(&e);
	run_default(&r, &e);
	assert_int_equal(cvm_verdict_result(&r.v, "snp.hwid"), CVM_CHECK_INFO);
	expect_accepted(&r);
	snp_ts_put32(e.rep + 0x048, 7u << 2); /* SIGNING_KEY none */
	resign(&e);
	run_default(&r, &e);
	expect_rejected_by(&r, "snp.signer", CVM_CHECK_FAIL);
	unmake(&e);
}

static void append_entry(uint8_t *table, size_t idx, const uint8_t guid[16], uint32_t off, uint32_t len)
{
	memcpy(table + 24 * idx, guid, 16);
	snp_ts_put32(table + 24 * idx + 16, off);
	snp_ts_put32(table + 24 * idx + 20, len);
}

static void test_extended_report(void **state)
{
	static const uint8_t vcek_guid[16] = {0x63, 0xda, 0x75, 0x8d, 0xe6, 0x64, 0x45, 0x64,
	                                      0xad, 0xc5, 0xf4, 0xb9, 0x3b, 0xe8, 0xac, 0xcd};
	static const uint8_t ask_guid[16] = {0x4a, 0xb7, 0xb3, 0x79, 0xbb, 0xac, 0x4f, 0xe4,
	                                     0xa0, 0x2f, 0x05, 0xae, 0xf3, 0x27, 0xc7, 0x82};
	static const uint8_t ark_guid[16] = {0xc0, 0xb4, 0x06, 0xa4, 0xa8, 0x03, 0x49, 0x52,
	                                     0x97, 0x43, 0x3f, 0xb6, 0x01, 0x4c, 0xd0, 0xae};
	struct evidence e;
	struct run r;
	uint8_t buf[SNP_TS_REPORT_SIZE + 8192] = {0};
	uint8_t *table = buf + SNP_TS_REPORT_SIZE;
	size_t off = 4 * 24;
	X509 *certs[3] = {NULL, NULL, NULL};
	const uint8_t *guids[] = {vcek_guid, ask_guid, ark_guid};
	cvm_err err = {0};

	make(&e, SNP_TS_MILAN, 5, false);
	certs[0] = e.chain.leaf, certs[1] = e.chain.ask, certs[2] = e.chain.ark;
	memcpy(buf, e.rep, SNP_TS_REPORT_SIZE);
	for (size_t i = 0; i < 3; i++) {
		unsigned char *p = table + off;
		int len = i2d_X509(certs[i], &p);
		assert_true(len > 0 && off + (size_t)len < 8192);
		append_entry(table, i, guids[i], (uint32_t)off, (uint32_t)len);
		off += (size_t)len;
	}
	STACK_OF(X509) *got = sk_X509_new_null();
	assert_int_equal(cvm_snp_split_extended(buf, SNP_TS_REPORT_SIZE + off, got, &err), 0);
	assert_int_equal(sk_X509_num(got), 3);
	verify_full(&r, buf, got, e.chain.ark, NULL, NULL, 0, NULL, NOW);
	expect_accepted(&r);
	sk_X509_pop_free(got, X509_free);

	/* an entry pointing past the end is bad input */
	got = sk_X509_new_null();
	append_entry(table, 0, vcek_guid, 0xFFFF0, 10);
	assert_int_equal(cvm_snp_split_extended(buf, SNP_TS_REPORT_SIZE + off, got, &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
	sk_X509_pop_free(got, X509_free);
	/* a short report is bad input, not a verdict */
	assert_int_equal(cvm_snp_split_extended(buf, 100, NULL, &err), -1);
	struct cvm_verdict v;
	struct cvm_policy *pol = cvm_policy_default();
	struct cvm_snp_ctx *ctx = cvm_snp_ctx_new(NOW);
	struct cvm_snp_input in = {buf, 1000, NULL, NULL, 0, pol};
	cvm_verdict_init(&v);
	assert_int_equal(cvm_snp_verify(ctx, &in, &v, &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
	cvm_verdict_free(&v);
	cvm_snp_ctx_free(ctx);
	cvm_policy_free(pol);
	unmake(&e);
}

/* The warm path reuses the cached chain and gives identical checks. */
static void test_cache(void **state)
{
	struct evidence e;
	struct cvm_policy *pol = cvm_policy_default();
	struct cvm_snp_ctx *ctx = cvm_snp_ctx_new(NOW);
	cvm_err err = {0};
	struct cvm_verdict a, b;

	make(&e, SNP_TS_MILAN, 3, false);
	assert_int_equal(cvm_snp_ctx_add_root(ctx, e.chain.ark, &err), 0);
	struct cvm_snp_input in = {e.rep, SNP_TS_REPORT_SIZE, e.certs, NULL, 0, pol};
	cvm_verdict_init(&a);
	cvm_verdict_init(&b);
	assert_int_equal(cvm_snp_verify(ctx, &in, &a, &err), 0);
	assert_int_equal(cvm_snp_verify(ctx, &in, &b, &err), 0);
	assert_int_equal(a.n, b.n);
	for (size_t i = 0; i < a.n; i++) {
		assert_string_equal(a.checks[i].name, b.checks[i].name);
		assert_int_equal(a.checks[i].result, b.checks[i].result);
	}
	assert_true(cvm_verdict_accepted(&b));
	/* tampering still fails on the warm path */
	e.rep[0x90] ^= 1;
	cvm_verdict_free(&b);
	cvm_verdict_init(&b);
	assert_int_equal(cvm_snp_verify(ctx, &in, &b, &err), 0);
	assert_false(cvm_verdict_accepted(&b));
	cvm_verdict_free(&a);
	cvm_verdict_free(&b);
	cvm_snp_ctx_free(ctx);
	cvm_policy_free(pol);
	unmake(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accept_matrix),
	    cmocka_unit_test(test_versions),
	    cmocka_unit_test(test_flip_every_byte),
	    cmocka_unit_test(test_wrong_signer_key),
	    cmocka_unit_test(test_wrong_chain),
	    cmocka_unit_test(test_wrong_product),
	    cmocka_unit_test(test_expired),
	    cmocka_unit_test(test_revoked),
	    cmocka_unit_test(test_nonce),
	    cmocka_unit_test(test_measurement_and_pins),
	    cmocka_unit_test(test_tcb),
	    cmocka_unit_test(test_provisional_firmware),
	    cmocka_unit_test(test_guest_policy_and_hwid),
	    cmocka_unit_test(test_extended_report),
	    cmocka_unit_test(test_cache),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
