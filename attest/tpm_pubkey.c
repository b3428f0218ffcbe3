#include "tpm_pubkey.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <tss2/tss2_mu.h>

#include "cvm_crypto_cleanup.h"

static void param_bld_freep(OSSL_PARAM_BLD **p)
{
	OSSL_PARAM_BLD_free(*p);
}

static void params_freep(OSSL_PARAM **p)
{
	OSSL_PARAM_free(*p);
}

static int from_params(const char *type, OSSL_PARAM_BLD *bld, EVP_PKEY **out, cvm_err *err)
{
	__attribute__((cleanup(params_freep))) OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	cvm_auto_evp_pkey_ctx EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);

	*out = NULL;
	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, out, EVP_PKEY_PUBLIC_KEY, params) != 1)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "TPM public area is not a valid %s key", type);
	return 0;
}

static int rsa_key(const TPMT_PUBLIC *pub, EVP_PKEY **out, cvm_err *err)
{
	__attribute__((cleanup(param_bld_freep))) OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	cvm_auto_bn BIGNUM *n = BN_bin2bn(pub->unique.rsa.buffer, pub->unique.rsa.size, NULL);
	cvm_auto_bn BIGNUM *e = BN_new();
	UINT32 exp = pub->parameters.rsaDetail.exponent ? pub->parameters.rsaDetail.exponent : 65537;

	if (!bld || !n || !e || !BN_set_word(e, exp) || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	return from_params("RSA", bld, out, err);
}

static int ecc_key(const TPMT_PUBLIC *pub, EVP_PKEY **out, cvm_err *err)
{
	__attribute__((cleanup(param_bld_freep))) OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	const TPMS_ECC_POINT *pt = &pub->unique.ecc;
	uint8_t point[1 + 2 * 66];
	const char *group;
	size_t sz;

	switch (pub->parameters.eccDetail.curveID) {
	case TPM2_ECC_NIST_P256:
		group = "P-256", sz = 32;
		break;
	case TPM2_ECC_NIST_P384:
		group = "P-384", sz = 48;
		break;
	case TPM2_ECC_NIST_P521:
		group = "P-521", sz = 66;
		break;
	default:
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "TPM ECC curve 0x%04x is not supported",
		                   pub->parameters.eccDetail.curveID);
	}
	if (pt->x.size > sz || pt->y.size > sz)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "TPM ECC point does not fit %s", group);
	/* Uncompressed point; TPM coordinates may omit leading zeros. */
	memset(point, 0, sizeof(point));
	point[0] = 0x04;
	memcpy(point + 1 + sz - pt->x.size, pt->x.buffer, pt->x.size);
	memcpy(point + 1 + 2 * sz - pt->y.size, pt->y.buffer, pt->y.size);
	if (!bld || !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, 1 + 2 * sz))
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	return from_params("EC", bld, out, err);
}

int cvm_tpm_public_to_pkey(const TPMT_PUBLIC *pub, EVP_PKEY **out, cvm_err *err)
{
	switch (pub->type) {
	case TPM2_ALG_RSA:
		return rsa_key(pub, out, err);
	case TPM2_ALG_ECC:
		return ecc_key(pub, out, err);
	default:
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "TPM key type 0x%04x is neither RSA nor ECC", pub->type);
	}
}

int cvm_tpm_public_load(const uint8_t *buf, size_t len, EVP_PKEY **out, cvm_err *err)
{
	TPM2B_PUBLIC pub;
	size_t off = 0;

	memset(&pub, 0, sizeof(pub));
	if (Tss2_MU_TPM2B_PUBLIC_Unmarshal(buf, len, &off, &pub) != TSS2_RC_SUCCESS || off != len)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "not a TPM2B_PUBLIC");
	return cvm_tpm_public_to_pkey(&pub.publicArea, out, err);
}

char *cvm_tpm_pkey_pem(EVP_PKEY *key)
{
	cvm_auto_bio BIO *bio = BIO_new(BIO_s_mem());
	char *data = NULL, *out;
	long n;

	if (!bio || PEM_write_bio_PUBKEY(bio, key) != 1)
		return NULL;
	n = BIO_get_mem_data(bio, &data);
	if (n <= 0 || !(out = malloc((size_t)n + 1)))
		return NULL;
	memcpy(out, data, (size_t)n);
	out[n] = '\0';
	return out;
}
