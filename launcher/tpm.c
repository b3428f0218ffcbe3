#include "tpm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <tss2/tss2_esys.h>
#include <tss2/tss2_mu.h>
#include <tss2/tss2_rc.h>
#include <tss2/tss2_tctildr.h>

#include "cvm_cleanup.h"
#include "cvm_crypto_cleanup.h"
#include "tpm_pubkey.h"

struct cvm_tpmdev {
	TSS2_TCTI_CONTEXT *tcti;
	ESYS_CONTEXT *esys;
	char tcti_conf[256];
};

/* ESYS hands out malloc'd results freed with Esys_Free. */
static inline void esys_freep(void *p)
{
	Esys_Free(*(void **)p);
}
#define auto_esys __attribute__((cleanup(esys_freep)))

static int tss_err(cvm_err *err, TSS2_RC rc, const char *what)
{
	return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "TPM %s failed: %s", what, Tss2_RC_Decode(rc));
}

int cvm_tpmdev_open(const char *tcti, struct cvm_tpmdev **out, cvm_err *err)
{
	struct cvm_tpmdev *t;
	const char *conf = tcti && *tcti ? tcti : NULL;
	TSS2_RC rc;

	/* tpm2-tss logs every failed connection attempt to stderr; our caller
	 * reports the one error that matters. TSS2_LOG set by the user wins. */
	setenv("TSS2_LOG", "all+none", 0);
	t = calloc(1, sizeof(*t));
	if (!t)
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	snprintf(t->tcti_conf, sizeof(t->tcti_conf), "%s", conf ? conf : "(loader default)");
	rc = Tss2_TctiLdr_Initialize(conf, &t->tcti);
	if (rc != TSS2_RC_SUCCESS) {
		cvm_err_set(err, CVM_EXIT_FAILURE, 0, "no TPM reachable through TCTI %s: %s", t->tcti_conf,
		            Tss2_RC_Decode(rc));
		free(t);
		return -1;
	}
	rc = Esys_Initialize(&t->esys, t->tcti, NULL);
	if (rc == TSS2_RC_SUCCESS) {
		/* Probe with a command: a TCTI to a dead simulator port can
		 * initialise and fail only on the first exchange. */
		auto_esys TPMS_CAPABILITY_DATA *cap = NULL;
		rc = Esys_GetCapability(t->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, TPM2_CAP_TPM_PROPERTIES,
		                        TPM2_PT_MANUFACTURER, 1, NULL, &cap);
	}
	if (rc != TSS2_RC_SUCCESS) {
		cvm_err_set(err, CVM_EXIT_FAILURE, 0, "no TPM reachable through TCTI %s: %s", t->tcti_conf,
		            Tss2_RC_Decode(rc));
		cvm_tpmdev_close(t);
		return -1;
	}
	*out = t;
	return 0;
}

void cvm_tpmdev_close(struct cvm_tpmdev *t)
{
	if (!t)
		return;
	if (t->esys)
		Esys_Finalize(&t->esys);
	if (t->tcti)
		Tss2_TctiLdr_Finalize(&t->tcti);
	free(t);
}

static int pcr_handle(unsigned pcr, ESYS_TR *h, cvm_err *err)
{
	if (pcr > 23)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "PCR %u is out of range (0-23)", pcr);
	*h = ESYS_TR_PCR0 + pcr;
	return 0;
}

int cvm_tpmdev_extend(struct cvm_tpmdev *t, unsigned pcr, const uint8_t digest[32], cvm_err *err)
{
	TPML_DIGEST_VALUES d = {.count = 1};
	ESYS_TR h = ESYS_TR_NONE;
	TSS2_RC rc;

	if (pcr_handle(pcr, &h, err) < 0)
		return -1;
	d.digests[0].hashAlg = TPM2_ALG_SHA256;
	memcpy(d.digests[0].digest.sha256, digest, 32);
	rc = Esys_PCR_Extend(t->esys, h, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, &d);
	if (rc != TSS2_RC_SUCCESS)
		return tss_err(err, rc, "PCR extend");
	return 0;
}

static void one_pcr(TPML_PCR_SELECTION *sel, unsigned pcr)
{
	memset(sel, 0, sizeof(*sel));
	sel->count = 1;
	sel->pcrSelections[0].hash = TPM2_ALG_SHA256;
	sel->pcrSelections[0].sizeofSelect = 3;
	sel->pcrSelections[0].pcrSelect[pcr / 8] = (uint8_t)(1u << (pcr % 8));
}

int cvm_tpmdev_read(struct cvm_tpmdev *t, unsigned pcr, uint8_t out[32], cvm_err *err)
{
	TPML_PCR_SELECTION sel;
	auto_esys TPML_PCR_SELECTION *sel_out = NULL;
	auto_esys TPML_DIGEST *vals = NULL;
	UINT32 counter;
	ESYS_TR h = ESYS_TR_NONE;
	TSS2_RC rc;

	if (pcr_handle(pcr, &h, err) < 0)
		return -1;
	one_pcr(&sel, pcr);
	rc = Esys_PCR_Read(t->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &sel, &counter, &sel_out, &vals);
	if (rc != TSS2_RC_SUCCESS)
		return tss_err(err, rc, "PCR read");
	if (vals->count != 1 || vals->digests[0].size != 32)
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "TPM has no active SHA-256 bank for PCR %u", pcr);
	memcpy(out, vals->digests[0].buffer, 32);
	return 0;
}

/* The default AK's template: fixed, so the TPM re-derives the same key from
 * its endorsement seed every time (TCG EK templates work the same way). */
static void ak_template(TPM2B_PUBLIC *pub)
{
	memset(pub, 0, sizeof(*pub));
	pub->publicArea.type = TPM2_ALG_RSA;
	pub->publicArea.nameAlg = TPM2_ALG_SHA256;
	pub->publicArea.objectAttributes = TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_SIGN_ENCRYPT | TPMA_OBJECT_FIXEDTPM |
	                                   TPMA_OBJECT_FIXEDPARENT | TPMA_OBJECT_SENSITIVEDATAORIGIN |
	                                   TPMA_OBJECT_USERWITHAUTH;
	pub->publicArea.parameters.rsaDetail.symmetric.algorithm = TPM2_ALG_NULL;
	pub->publicArea.parameters.rsaDetail.scheme.scheme = TPM2_ALG_RSASSA;
	pub->publicArea.parameters.rsaDetail.scheme.details.rsassa.hashAlg = TPM2_ALG_SHA256;
	pub->publicArea.parameters.rsaDetail.keyBits = 2048;
	pub->publicArea.parameters.rsaDetail.exponent = 0;
}

/* Load the AK: *h receives the ESYS handle, *flush says whether it is a
 * transient object to flush after use, *pub its public area. */
static int ak_load(struct cvm_tpmdev *t, const char *spec, ESYS_TR *h, bool *flush, TPM2B_PUBLIC *pub, cvm_err *err)
{
	auto_esys TPM2B_PUBLIC *out_pub = NULL;
	TSS2_RC rc;

	*flush = false;
	if (spec && *spec) {
		char *end;
		unsigned long handle = strtoul(spec, &end, 0);
		if (*end || (handle >> 24) != TPM2_HT_PERSISTENT)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
			                   "tpm_ak \"%s\" is not a persistent handle (0x81xxxxxx)", spec);
		rc = Esys_TR_FromTPMPublic(t->esys, (TPM2_HANDLE)handle, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, h);
		if (rc != TSS2_RC_SUCCESS)
			return tss_err(err, rc, "loading AK handle");
		rc = Esys_ReadPublic(t->esys, *h, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &out_pub, NULL, NULL);
		if (rc != TSS2_RC_SUCCESS)
			return tss_err(err, rc, "reading the AK");
	} else {
		TPM2B_SENSITIVE_CREATE sens = {0};
		TPM2B_PUBLIC tmpl;
		TPM2B_DATA outside = {0};
		TPML_PCR_SELECTION creation = {0};
		ak_template(&tmpl);
		rc = Esys_CreatePrimary(t->esys, ESYS_TR_RH_ENDORSEMENT, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
		                        &sens, &tmpl, &outside, &creation, h, &out_pub, NULL, NULL, NULL);
		if (rc != TSS2_RC_SUCCESS)
			return tss_err(err, rc, "creating the primary AK under the endorsement hierarchy");
		*flush = true;
	}
	*pub = *out_pub;
	return 0;
}

void cvm_tpmdev_quote_free(struct cvm_tpmdev_quote *q)
{
	free(q->attest);
	free(q->sig);
	free(q->pcrs);
	free(q->ak_pem);
	memset(q, 0, sizeof(*q));
}

/* One quote plus the PCR value read right after it; 1 if the value does not
 * hash to the quote's pcrDigest (a concurrent extend), 0 on success. */
static int quote_once(struct cvm_tpmdev *t, ESYS_TR ak, unsigned pcr, const TPM2B_DATA *nonce,
                      struct cvm_tpmdev_quote *out, cvm_err *err)
{
	TPMT_SIG_SCHEME scheme = {.scheme = TPM2_ALG_NULL};
	TPML_PCR_SELECTION sel;
	auto_esys TPM2B_ATTEST *quoted = NULL;
	auto_esys TPMT_SIGNATURE *sig = NULL;
	uint8_t sigbuf[sizeof(TPMT_SIGNATURE)], value[32], md[EVP_MAX_MD_SIZE];
	size_t off = 0;
	unsigned mdlen;
	TPMS_ATTEST a;
	TSS2_RC rc;
	char why[128];

	one_pcr(&sel, pcr);
	rc = Esys_Quote(t->esys, ak, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, nonce, &scheme, &sel, &quoted, &sig);
	if (rc != TSS2_RC_SUCCESS)
		return tss_err(err, rc, "quote");
	if (cvm_tpmdev_read(t, pcr, value, err) < 0)
		return -1;
	rc = Tss2_MU_TPMT_SIGNATURE_Marshal(sig, sigbuf, sizeof(sigbuf), &off);
	if (rc != TSS2_RC_SUCCESS || cvm_tpm_attest_unmarshal(quoted->attestationData, quoted->size, &a, err) < 0)
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "the TPM returned a quote that does not unmarshal");
	memset(out->pcrs, 0, sizeof(*out->pcrs));
	cvm_tpm_pcrs_add(out->pcrs, TPM2_ALG_SHA256, pcr, value, 32);
	if (cvm_tpm_pcr_digest(out->pcrs, &a.attested.quote.pcrSelect, TPM2_ALG_SHA256, md, &mdlen, why, sizeof(why)) <
	    0)
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "PCR digest: %s", why);
	if (mdlen != a.attested.quote.pcrDigest.size || memcmp(md, a.attested.quote.pcrDigest.buffer, mdlen) != 0)
		return 1;
	free(out->attest);
	free(out->sig);
	out->attest = malloc(quoted->size);
	out->sig = malloc(off);
	if (!out->attest || !out->sig)
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	memcpy(out->attest, quoted->attestationData, quoted->size);
	out->attest_len = quoted->size;
	memcpy(out->sig, sigbuf, off);
	out->sig_len = off;
	return 0;
}

int cvm_tpmdev_quote(struct cvm_tpmdev *t, const char *ak_spec, unsigned pcr, const uint8_t *nonce, size_t nonce_len,
                     struct cvm_tpmdev_quote *out, cvm_err *err)
{
	cvm_auto_evp_pkey EVP_PKEY *key = NULL;
	TPM2B_PUBLIC pub;
	TPM2B_DATA qd = {0};
	ESYS_TR ak = ESYS_TR_NONE;
	bool flush = false;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (nonce_len > sizeof(qd.buffer))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "nonce of %zu bytes (at most %zu)", nonce_len,
		                   sizeof(qd.buffer));
	qd.size = (UINT16)nonce_len;
	if (nonce_len)
		memcpy(qd.buffer, nonce, nonce_len);
	out->pcrs = calloc(1, sizeof(*out->pcrs));
	if (!out->pcrs)
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	if (ak_load(t, ak_spec, &ak, &flush, &pub, err) < 0)
		goto out;
	if (cvm_tpm_public_to_pkey(&pub.publicArea, &key, err) < 0 || !(out->ak_pem = cvm_tpm_pkey_pem(key))) {
		cvm_err_prefix(err, "AK public key: ");
		goto out;
	}
	for (int attempt = 0; attempt < 5; attempt++) {
		rc = quote_once(t, ak, pcr, &qd, out, err);
		if (rc <= 0)
			break;
	}
	if (rc > 0)
		rc = cvm_err_set(err, CVM_EXIT_FAILURE, 0, "PCR %u kept changing while quoting", pcr);
out:
	if (flush)
		Esys_FlushContext(t->esys, ak);
	else if (ak != ESYS_TR_NONE)
		Esys_TR_Close(t->esys, &ak); /* only our handle on the persistent key */
	if (rc < 0)
		cvm_tpmdev_quote_free(out);
	return rc;
}

int cvm_tpmdev_ak_pem(struct cvm_tpmdev *t, const char *ak_spec, char **pem, cvm_err *err)
{
	cvm_auto_evp_pkey EVP_PKEY *key = NULL;
	TPM2B_PUBLIC pub;
	ESYS_TR ak = ESYS_TR_NONE;
	bool flush = false;
	int rc = -1;

	if (ak_load(t, ak_spec, &ak, &flush, &pub, err) < 0)
		return -1;
	if (cvm_tpm_public_to_pkey(&pub.publicArea, &key, err) == 0) {
		*pem = cvm_tpm_pkey_pem(key);
		rc = *pem ? 0 : cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	}
	if (flush)
		Esys_FlushContext(t->esys, ak);
	else
		Esys_TR_Close(t->esys, &ak);
	return rc;
}
