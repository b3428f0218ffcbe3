/* TPM quote verification: the public trustee vector (a real TPM's quote),
 * quotes made and signed here with keys of every supported scheme, tampered
 * variants (each check must name what failed), and the tpm2-tools PCR file
 * formats. */
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
#include <openssl/rsa.h>
#include <tss2/tss2_mu.h>

#include "b64.h"
#include "cvm_cleanup.h"
#include "cvm_crypto_cleanup.h"
#include "cvm_fileio.h"
#include "cvm_json.h"
#include "tpm_quote.h"
#include "tpm_verify.h"

struct vec {
	uint8_t *attest, *sig, *ak;
	size_t attest_len, sig_len, ak_len;
	struct cvm_tpm_pcrs *pcrs;
};

static uint8_t *b64(json_object *o, size_t *len)
{
	uint8_t *out = NULL;
	const char *s = json_object_get_string(o);

	assert_int_equal(cvm_b64_decode(s, strlen(s), &out, len), 0);
	return out;
}

static int vec_setup(void **state)
{
	const char *dir = getenv("CVM_VECTORS_DIR");
	char path[4096];
	cvm_autofree uint8_t *text = NULL;
	size_t len;
	cvm_autojson json_object *root = NULL;
	json_object *q, *pcrs;
	cvm_err err = {0};
	struct vec *v;

	snprintf(path, sizeof(path), "%s/tpm/tpm_evidence.json", dir ? dir : "");
	if (!dir || cvm_read_file(path, 1 << 20, &text, &len, &err) < 0) {
		*state = NULL;
		return 0;
	}
	assert_int_equal(cvm_json_parse_object((char *)text, path, &root, &err), 0);
	v = calloc(1, sizeof(*v));
	v->pcrs = calloc(1, sizeof(*v->pcrs));
	q = json_object_object_get(root, "tpm_quote");
	v->attest = b64(json_object_object_get(q, "message"), &v->attest_len);
	v->sig = b64(json_object_object_get(q, "signature"), &v->sig_len);
	v->ak = b64(json_object_object_get(root, "ak_public"), &v->ak_len);
	pcrs = json_object_object_get(q, "pcrs");
	for (size_t i = 0; i < json_object_array_length(pcrs); i++) {
		uint8_t val[32];
		assert_int_equal(cvm_hex_decode(json_object_get_string(json_object_array_get_idx(pcrs, i)), val, 32),
		                 0);
		assert_int_equal(cvm_tpm_pcrs_add(v->pcrs, TPM2_ALG_SHA256, (unsigned)i, val, 32), 0);
	}
	*state = v;
	return 0;
}

static int vec_teardown(void **state)
{
	struct vec *v = *state;

	if (v) {
		free(v->attest);
		free(v->sig);
		free(v->ak);
		free(v->pcrs);
		free(v);
	}
	return 0;
}

#define SKIP_WITHOUT_VECTOR(v)                                                                                         \
	do {                                                                                                           \
		if (!(v)) {                                                                                            \
			print_message("skip: tpm/tpm_evidence.json not under CVM_VECTORS_DIR\n");                      \
			skip();                                                                                        \
		}                                                                                                      \
	} while (0)

/* Verify; return the result of check @name (or -1 if missing). */
static int run(const uint8_t *attest, size_t alen, const uint8_t *sig, size_t slen, const struct cvm_tpm_pcrs *pcrs,
               EVP_PKEY *ak, const uint8_t *nonce, size_t nlen, const char *name, bool *accepted)
{
	cvm_autoverdict struct cvm_verdict v;
	cvm_err err = {0};
	struct cvm_tpm_quote_in in = {.attest = attest,
	                              .attest_len = alen,
	                              .sig = sig,
	                              .sig_len = slen,
	                              .pcrs = pcrs,
	                              .ak = ak,
	                              .nonce = nonce,
	                              .nonce_len = nlen};

	cvm_verdict_init(&v);
	assert_int_equal(cvm_tpm_quote_verify(&in, &v, NULL, NULL, &err), 0);
	if (accepted)
		*accepted = cvm_verdict_accepted(&v);
	return cvm_verdict_result(&v, name);
}

static void test_vector_accepts(void **state)
{
	struct vec *v = *state;
	cvm_auto_evp_pkey EVP_PKEY *ak = NULL;
	cvm_err err = {0};
	TPMS_ATTEST a;
	bool ok = false;

	SKIP_WITHOUT_VECTOR(v);
	assert_int_equal(cvm_tpm_ak_load(v->ak, v->ak_len, &ak, &err), 0);
	assert_int_equal(cvm_tpm_attest_unmarshal(v->attest, v->attest_len, &a, &err), 0);
	assert_int_equal(a.extraData.size, 64);
	assert_int_equal(a.attested.quote.pcrSelect.count, 1);
	assert_int_equal(run(v->attest, v->attest_len, v->sig, v->sig_len, v->pcrs, ak, a.extraData.buffer, 64,
	                     "tpm.signature", &ok),
	                 CVM_CHECK_PASS);
	assert_true(ok);
	/* No nonce given: the quote's 64-byte extraData must then be refused. */
	assert_int_equal(run(v->attest, v->attest_len, v->sig, v->sig_len, v->pcrs, ak, NULL, 0, "tpm.nonce", &ok),
	                 CVM_CHECK_FAIL);
	assert_false(ok);
}

static void test_vector_tampered(void **state)
{
	struct vec *v = *state;
	cvm_auto_evp_pkey EVP_PKEY *ak = NULL;
	cvm_autofree uint8_t *attest = NULL, *sig = NULL;
	cvm_autofree struct cvm_tpm_pcrs *pcrs = NULL;
	cvm_err err = {0};
	TPMS_ATTEST a;
	uint8_t nonce[64];
	bool ok = true;

	SKIP_WITHOUT_VECTOR(v);
	assert_int_equal(cvm_tpm_ak_load(v->ak, v->ak_len, &ak, &err), 0);
	assert_int_equal(cvm_tpm_attest_unmarshal(v->attest, v->attest_len, &a, &err), 0);
	memcpy(nonce, a.extraData.buffer, 64);

	/* wrong nonce */
	nonce[5] ^= 1;
	assert_int_equal(run(v->attest, v->attest_len, v->sig, v->sig_len, v->pcrs, ak, nonce, 64, "tpm.nonce", &ok),
	                 CVM_CHECK_FAIL);
	assert_false(ok);
	nonce[5] ^= 1;

	/* a PCR value that is not what was quoted */
	pcrs = malloc(sizeof(*pcrs));
	memcpy(pcrs, v->pcrs, sizeof(*pcrs));
	pcrs->v[23].value[0] ^= 0x80;
	assert_int_equal(run(v->attest, v->attest_len, v->sig, v->sig_len, pcrs, ak, nonce, 64, "tpm.pcr_digest", &ok),
	                 CVM_CHECK_FAIL);
	assert_false(ok);

	/* one bit of the signed clock */
	attest = malloc(v->attest_len);
	memcpy(attest, v->attest, v->attest_len);
	attest[v->attest_len - 40] ^= 1;
	assert_int_equal(run(attest, v->attest_len, v->sig, v->sig_len, v->pcrs, ak, nonce, 64, "tpm.signature", &ok),
	                 CVM_CHECK_FAIL);
	assert_false(ok);

	/* one bit of the signature; and RSASSA relabelled as RSAPSS */
	sig = malloc(v->sig_len);
	memcpy(sig, v->sig, v->sig_len);
	sig[100] ^= 4;
	assert_int_equal(run(v->attest, v->attest_len, sig, v->sig_len, v->pcrs, ak, nonce, 64, "tpm.signature", &ok),
	                 CVM_CHECK_FAIL);
	sig[100] ^= 4;
	sig[1] = 0x16;
	assert_int_equal(run(v->attest, v->attest_len, sig, v->sig_len, v->pcrs, ak, nonce, 64, "tpm.signature", &ok),
	                 CVM_CHECK_FAIL);
	assert_false(ok);
}

static void test_vector_truncated_is_bad_input(void **state)
{
	struct vec *v = *state;
	cvm_auto_evp_pkey EVP_PKEY *ak = NULL;
	cvm_autoverdict struct cvm_verdict vd;
	cvm_err err = {0};
	struct cvm_tpm_quote_in in;

	SKIP_WITHOUT_VECTOR(v);
	assert_int_equal(cvm_tpm_ak_load(v->ak, v->ak_len, &ak, &err), 0);
	cvm_verdict_init(&vd);
	in = (struct cvm_tpm_quote_in){.attest = v->attest,
	                               .attest_len = v->attest_len - 1,
	                               .sig = v->sig,
	                               .sig_len = v->sig_len,
	                               .pcrs = v->pcrs,
	                               .ak = ak};
	assert_int_equal(cvm_tpm_quote_verify(&in, &vd, NULL, NULL, &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
	assert_non_null(strstr(err.msg, "TPMS_ATTEST"));
	in.attest_len = v->attest_len;
	in.sig_len = v->sig_len + 0; /* trailing byte on the signature */
	uint8_t *longer = malloc(v->sig_len + 1);
	memcpy(longer, v->sig, v->sig_len);
	longer[v->sig_len] = 0;
	in.sig = longer;
	in.sig_len = v->sig_len + 1;
	assert_int_equal(cvm_tpm_quote_verify(&in, &vd, NULL, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "TPMT_SIGNATURE"));
	free(longer);
}

/* ---- quotes made here ---- */

static EVP_PKEY *keygen(const char *what)
{
	EVP_PKEY *k = NULL;

	if (strcmp(what, "ec") == 0)
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	else
		k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	assert_non_null(k);
	return k;
}

/* Marshal a quote over @pcrs with @nonce; sign it with @key per @scheme. */
static void make_quote(EVP_PKEY *key, TPMI_ALG_SIG_SCHEME scheme, const struct cvm_tpm_pcrs *pcrs, const uint8_t *nonce,
                       size_t nlen, uint8_t *attest, size_t *alen, uint8_t *sig, size_t *slen)
{
	TPMS_ATTEST a = {0};
	TPMT_SIGNATURE s = {0};
	uint8_t md[64], raw[600];
	unsigned mdlen;
	size_t rawlen = sizeof(raw), off = 0;
	char why[128];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx;

	a.magic = TPM2_GENERATED_VALUE;
	a.type = TPM2_ST_ATTEST_QUOTE;
	a.qualifiedSigner.size = 2;
	a.extraData.size = (UINT16)nlen;
	if (nlen)
		memcpy(a.extraData.buffer, nonce, nlen);
	a.clockInfo.clock = 12345;
	a.clockInfo.safe = 1;
	a.attested.quote.pcrSelect = pcrs->sel;
	assert_int_equal(cvm_tpm_pcr_digest(pcrs, &pcrs->sel, TPM2_ALG_SHA256, md, &mdlen, why, sizeof(why)), 0);
	a.attested.quote.pcrDigest.size = (UINT16)mdlen;
	memcpy(a.attested.quote.pcrDigest.buffer, md, mdlen);
	assert_int_equal(Tss2_MU_TPMS_ATTEST_Marshal(&a, attest, 1024, &off), TSS2_RC_SUCCESS);
	*alen = off;

	assert_int_equal(EVP_DigestSignInit(ctx, &pctx, EVP_sha256(), NULL, key), 1);
	if (scheme == TPM2_ALG_RSAPSS) {
		EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
		EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
	}
	assert_int_equal(EVP_DigestSign(ctx, raw, &rawlen, attest, *alen), 1);
	EVP_MD_CTX_free(ctx);
	s.sigAlg = scheme;
	if (scheme == TPM2_ALG_ECDSA) {
		const uint8_t *p = raw;
		ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)rawlen);
		s.signature.ecdsa.hash = TPM2_ALG_SHA256;
		s.signature.ecdsa.signatureR.size =
		    (UINT16)BN_bn2binpad(ECDSA_SIG_get0_r(es), s.signature.ecdsa.signatureR.buffer, 32);
		s.signature.ecdsa.signatureS.size =
		    (UINT16)BN_bn2binpad(ECDSA_SIG_get0_s(es), s.signature.ecdsa.signatureS.buffer, 32);
		ECDSA_SIG_free(es);
	} else {
		s.signature.rsassa.hash = TPM2_ALG_SHA256;
		s.signature.rsassa.sig.size = (UINT16)rawlen;
		memcpy(s.signature.rsassa.sig.buffer, raw, rawlen);
	}
	off = 0;
	assert_int_equal(Tss2_MU_TPMT_SIGNATURE_Marshal(&s, sig, 1024, &off), TSS2_RC_SUCCESS);
	*slen = off;
}

static struct cvm_tpm_pcrs *some_pcrs(void)
{
	struct cvm_tpm_pcrs *p = calloc(1, sizeof(*p));
	uint8_t val[32];

	for (unsigned i = 0; i < 3; i++) {
		memset(val, (int)(0x11 * (i + 1)), sizeof(val));
		assert_int_equal(cvm_tpm_pcrs_add(p, TPM2_ALG_SHA256, i == 2 ? 23 : i, val, 32), 0);
	}
	return p;
}

static void scheme_roundtrip(const char *keytype, TPMI_ALG_SIG_SCHEME scheme, TPMI_ALG_SIG_SCHEME relabel)
{
	cvm_auto_evp_pkey EVP_PKEY *key = keygen(keytype);
	cvm_autofree struct cvm_tpm_pcrs *pcrs = some_pcrs();
	uint8_t attest[1024], sig[1024], nonce[32];
	size_t alen, slen;
	bool ok = false;

	memset(nonce, 0xa5, sizeof(nonce));
	make_quote(key, scheme, pcrs, nonce, sizeof(nonce), attest, &alen, sig, &slen);
	assert_int_equal(run(attest, alen, sig, slen, pcrs, key, nonce, sizeof(nonce), "tpm.signature", &ok),
	                 CVM_CHECK_PASS);
	assert_true(ok);
	/* tampered message */
	attest[alen - 1] ^= 1;
	assert_int_equal(run(attest, alen, sig, slen, pcrs, key, nonce, sizeof(nonce), "tpm.signature", &ok),
	                 CVM_CHECK_FAIL);
	attest[alen - 1] ^= 1;
	/* the same signature claimed under another scheme must not verify */
	if (relabel) {
		sig[1] = (uint8_t)relabel;
		assert_int_equal(run(attest, alen, sig, slen, pcrs, key, nonce, sizeof(nonce), "tpm.signature", &ok),
		                 CVM_CHECK_FAIL);
		assert_false(ok);
	}
}

static void test_rsassa(void **state)
{
	scheme_roundtrip("rsa", TPM2_ALG_RSASSA, TPM2_ALG_RSAPSS);
}

static void test_rsapss(void **state)
{
	scheme_roundtrip("rsa", TPM2_ALG_RSAPSS, TPM2_ALG_RSASSA);
}

static void test_ecdsa(void **state)
{
	scheme_roundtrip("ec", TPM2_ALG_ECDSA, 0);
}

static void test_wrong_key_and_sha1(void **state)
{
	cvm_auto_evp_pkey EVP_PKEY *rsa = keygen("rsa");
	cvm_auto_evp_pkey EVP_PKEY *other = keygen("rsa");
	cvm_auto_evp_pkey EVP_PKEY *ec = keygen("ec");
	cvm_autofree struct cvm_tpm_pcrs *pcrs = some_pcrs();
	uint8_t attest[1024], sig[1024];
	size_t alen, slen;
	TPMT_SIGNATURE s;
	cvm_err err = {0};
	char why[200];

	make_quote(rsa, TPM2_ALG_RSASSA, pcrs, NULL, 0, attest, &alen, sig, &slen);
	assert_int_equal(run(attest, alen, sig, slen, pcrs, other, NULL, 0, "tpm.signature", NULL), CVM_CHECK_FAIL);
	assert_int_equal(run(attest, alen, sig, slen, pcrs, ec, NULL, 0, "tpm.signature", NULL), CVM_CHECK_FAIL);
	assert_int_equal(run(attest, alen, sig, slen, pcrs, rsa, NULL, 0, "tpm.nonce", NULL), CVM_CHECK_PASS);
	assert_int_equal(cvm_tpm_sig_unmarshal(sig, slen, &s, &err), 0);
	s.signature.rsassa.hash = TPM2_ALG_SHA1;
	assert_int_equal(cvm_tpm_sig_verify(rsa, &s, attest, alen, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "sha1"));
}

static void test_wrong_selection(void **state)
{
	cvm_auto_evp_pkey EVP_PKEY *key = keygen("ec");
	cvm_autofree struct cvm_tpm_pcrs *pcrs = some_pcrs();
	cvm_autofree struct cvm_tpm_pcrs *more = some_pcrs();
	uint8_t attest[1024], sig[1024], val[32] = {0};
	size_t alen, slen;
	bool ok = true;

	make_quote(key, TPM2_ALG_ECDSA, pcrs, NULL, 0, attest, &alen, sig, &slen);
	assert_int_equal(cvm_tpm_pcrs_add(more, TPM2_ALG_SHA256, 7, val, 32), 0);
	assert_int_equal(run(attest, alen, sig, slen, more, key, NULL, 0, "tpm.pcr_selection", &ok), CVM_CHECK_FAIL);
	assert_false(ok);
}

/* ---- PCR files ---- */

static void test_pcr_formats(void **state)
{
	cvm_autofree struct cvm_tpm_pcrs *p = some_pcrs();
	cvm_autofree struct cvm_tpm_pcrs *q = calloc(1, sizeof(*q));
	cvm_autofree uint8_t *ser = NULL;
	uint8_t mar[2048], vals[96];
	size_t off = 0, serlen;
	TPML_DIGEST d = {0};
	UINT32 one = 1;
	cvm_err err = {0};

	/* serialized: struct dumps, as tpm2_quote -o writes them */
	d.count = 3;
	for (unsigned i = 0; i < 3; i++) {
		d.digests[i].size = 32;
		memcpy(d.digests[i].buffer, p->v[i].value, 32);
		memcpy(vals + 32 * i, p->v[i].value, 32);
	}
	serlen = sizeof(TPML_PCR_SELECTION) + 4 + sizeof(TPML_DIGEST);
	ser = calloc(1, serlen);
	memcpy(ser, &p->sel, sizeof(TPML_PCR_SELECTION));
	memcpy(ser + sizeof(TPML_PCR_SELECTION), &one, 4);
	memcpy(ser + sizeof(TPML_PCR_SELECTION) + 4, &d, sizeof(d));
	assert_int_equal(cvm_tpm_pcrs_parse(ser, serlen, CVM_TPM_PCRS_AUTO, NULL, q, &err), 0);
	assert_int_equal(q->n, 3);
	assert_memory_equal(cvm_tpm_pcrs_find(q, TPM2_ALG_SHA256, 23)->value, p->v[2].value, 32);
	assert_int_equal(cvm_tpm_pcrs_parse(ser, serlen - 1, CVM_TPM_PCRS_SERIALIZED, NULL, q, &err), -1);

	/* marshaled */
	assert_int_equal(Tss2_MU_TPML_PCR_SELECTION_Marshal(&p->sel, mar, sizeof(mar), &off), 0);
	assert_int_equal(Tss2_MU_UINT32_Marshal(1, mar, sizeof(mar), &off), 0);
	assert_int_equal(Tss2_MU_TPML_DIGEST_Marshal(&d, mar, sizeof(mar), &off), 0);
	memset(q, 0, sizeof(*q));
	assert_int_equal(cvm_tpm_pcrs_parse(mar, off, CVM_TPM_PCRS_AUTO, NULL, q, &err), 0);
	assert_true(cvm_tpm_selection_equal(&q->sel, &p->sel));
	assert_int_equal(cvm_tpm_pcrs_parse(mar, off + 1, CVM_TPM_PCRS_MARSHALED, NULL, q, &err), -1);

	/* values: need the selection */
	assert_int_equal(cvm_tpm_pcrs_parse(vals, 96, CVM_TPM_PCRS_AUTO, NULL, q, &err), -1);
	assert_int_equal(cvm_tpm_pcrs_parse(vals, 96, CVM_TPM_PCRS_AUTO, &p->sel, q, &err), 0);
	assert_memory_equal(cvm_tpm_pcrs_find(q, TPM2_ALG_SHA256, 1)->value, p->v[1].value, 32);
	assert_int_equal(cvm_tpm_pcrs_parse(vals, 64, CVM_TPM_PCRS_VALUES, &p->sel, q, &err), -1);
	assert_non_null(strstr(err.msg, "needs 96"));
}

static void test_selection_format_and_equal(void **state)
{
	cvm_autofree struct cvm_tpm_pcrs *p = some_pcrs();
	TPML_PCR_SELECTION s;
	char buf[64];

	cvm_tpm_selection_format(&p->sel, buf, sizeof(buf));
	assert_string_equal(buf, "sha256:0,1,23");
	s = p->sel;
	s.pcrSelections[0].sizeofSelect = 4; /* zero-extended bitmap is the same set */
	s.pcrSelections[0].pcrSelect[3] = 0;
	assert_true(cvm_tpm_selection_equal(&s, &p->sel));
	s.pcrSelections[0].pcrSelect[3] = 1;
	assert_false(cvm_tpm_selection_equal(&s, &p->sel));
	cvm_tpm_selection_format(&p->sel, buf, 8);
	assert_string_equal(buf, "sha2...");
}

static void test_ak_load(void **state)
{
	cvm_auto_evp_pkey EVP_PKEY *k = NULL;
	cvm_err err = {0};
	const uint8_t junk[] = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
	cvm_auto_evp_pkey EVP_PKEY *small = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	uint8_t *der = NULL;
	int n = i2d_PUBKEY(small, &der);

	assert_int_equal(cvm_tpm_ak_load(junk, sizeof(junk) - 1, &k, &err), -1);
	assert_int_equal(err.exit_code, CVM_EXIT_BADINPUT);
	assert_int_equal(cvm_tpm_ak_load(der, (size_t)n, &k, &err), -1);
	assert_non_null(strstr(err.msg, "1024-bit"));
	OPENSSL_free(der);
}

static void test_b64(void **state)
{
	uint8_t *out = NULL;
	size_t len;
	char *s;

	assert_int_equal(cvm_b64_decode("aGk=", 4, &out, &len), 0);
	assert_int_equal(len, 2);
	assert_memory_equal(out, "hi", 2);
	free(out);
	assert_int_equal(cvm_b64_decode("aGk", 3, &out, &len), -1);
	assert_int_equal(cvm_b64_decode("aG k", 4, &out, &len), -1);
	assert_int_equal(cvm_b64_decode("a=Gk", 4, &out, &len), -1);
	assert_int_equal(cvm_b64_decode("", 0, &out, &len), 0);
	assert_int_equal(len, 0);
	free(out);
	s = cvm_b64_encode((const uint8_t *)"hi!", 3);
	assert_string_equal(s, "aGkh");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_vector_accepts, vec_setup, vec_teardown),
	    cmocka_unit_test_setup_teardown(test_vector_tampered, vec_setup, vec_teardown),
	    cmocka_unit_test_setup_teardown(test_vector_truncated_is_bad_input, vec_setup, vec_teardown),
	    cmocka_unit_test(test_rsassa),
	    cmocka_unit_test(test_rsapss),
	    cmocka_unit_test(test_ecdsa),
	    cmocka_unit_test(test_wrong_key_and_sha1),
	    cmocka_unit_test(test_wrong_selection),
	    cmocka_unit_test(test_pcr_formats),
	    cmocka_unit_test(test_selection_format_and_equal),
	    cmocka_unit_test(test_ak_load),
	    cmocka_unit_test(test_b64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
