#include "tpm_verify.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cvm_cleanup.h"
#include "cvm_fileio.h"

static json_object *hex_json(const uint8_t *b, size_t n)
{
	cvm_autofree char *s = malloc(2 * n + 1);

	if (!s)
		return NULL;
	cvm_hex_encode(b, n, s);
	return json_object_new_string(s);
}

static void add_claims(json_object *claims, const TPMS_ATTEST *a, const TPMT_SIGNATURE *sig,
                       const struct cvm_tpm_pcrs *pcrs, EVP_PKEY *ak, const char *ak_sha256)
{
	json_object *t = json_object_new_object();
	json_object *banks = json_object_new_object();
	char fp[65], sel[256];

	json_object_object_add(t, "qualified_signer", hex_json(a->qualifiedSigner.name, a->qualifiedSigner.size));
	json_object_object_add(t, "extra_data", hex_json(a->extraData.buffer, a->extraData.size));
	json_object_object_add(t, "clock", json_object_new_uint64(a->clockInfo.clock));
	json_object_object_add(t, "reset_count", json_object_new_int64(a->clockInfo.resetCount));
	json_object_object_add(t, "restart_count", json_object_new_int64(a->clockInfo.restartCount));
	json_object_object_add(t, "safe", json_object_new_boolean(a->clockInfo.safe));
	json_object_object_add(t, "firmware_version", json_object_new_uint64(a->firmwareVersion));
	json_object_object_add(t, "sig_alg", json_object_new_string(cvm_tpm_alg_name(sig->sigAlg)));
	if (a->type == TPM2_ST_ATTEST_QUOTE) {
		cvm_tpm_selection_format(&a->attested.quote.pcrSelect, sel, sizeof(sel));
		json_object_object_add(t, "pcr_selection", json_object_new_string(sel));
	}
	for (size_t i = 0; pcrs && i < pcrs->n; i++) {
		const char *bank = cvm_tpm_alg_name(pcrs->v[i].alg);
		json_object *b = NULL;
		char idx[8];
		if (!json_object_object_get_ex(banks, bank, &b)) {
			b = json_object_new_object();
			json_object_object_add(banks, bank, b);
		}
		snprintf(idx, sizeof(idx), "%u", pcrs->v[i].index);
		json_object_object_add(b, idx, hex_json(pcrs->v[i].value, pcrs->v[i].size));
	}
	json_object_object_add(t, "pcrs", banks);
	if (ak_sha256)
		json_object_object_add(t, "ak_sha256", json_object_new_string(ak_sha256));
	else if (cvm_tpm_ak_fingerprint(ak, fp) == 0)
		json_object_object_add(t, "ak_sha256", json_object_new_string(fp));
	json_object_object_add(claims, "tpm", t);
}

static void check_nonce(const struct cvm_tpm_quote_in *in, const TPMS_ATTEST *a, struct cvm_verdict *v)
{
	size_t got = a->extraData.size;

	if (!in->nonce) {
		if (got == 0)
			cvm_verdict_add(v, "tpm.nonce", CVM_CHECK_PASS, "no nonce expected and the quote carries none");
		else
			cvm_verdict_add(v, "tpm.nonce", CVM_CHECK_FAIL,
			                "the quote carries a %zu-byte nonce but none was given to compare (--nonce)",
			                got);
		return;
	}
	if (got == in->nonce_len && memcmp(a->extraData.buffer, in->nonce, got) == 0)
		cvm_verdict_add(v, "tpm.nonce", CVM_CHECK_PASS, "extraData equals the %zu-byte nonce", got);
	else
		cvm_verdict_add(v, "tpm.nonce", CVM_CHECK_FAIL,
		                "extraData (%zu bytes) differs from the expected %zu-byte nonce", got, in->nonce_len);
}

/* The PCR values must be the ones the quote selected (tpm2_checkquote's
 * compare_pcr_selection) and hash, with the signature's hash algorithm (what
 * the TPM used: the AK's scheme hash), to pcrDigest. */
static void check_pcrs(const struct cvm_tpm_pcrs *pcrs, const TPMS_ATTEST *a, TPMI_ALG_HASH hash, struct cvm_verdict *v)
{
	const TPMS_QUOTE_INFO *q = &a->attested.quote;
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned md_len = 0;
	char why[160], qs[128], fs[128];

	cvm_tpm_selection_format(&q->pcrSelect, qs, sizeof(qs));
	cvm_tpm_selection_format(&pcrs->sel, fs, sizeof(fs));
	if (cvm_tpm_selection_equal(&q->pcrSelect, &pcrs->sel))
		cvm_verdict_add(v, "tpm.pcr_selection", CVM_CHECK_PASS, "PCR values cover the quoted %s", qs);
	else
		cvm_verdict_add(v, "tpm.pcr_selection", CVM_CHECK_FAIL, "the quote selects %s but the values are %s",
		                qs, fs);
	if (cvm_tpm_pcr_digest(pcrs, &q->pcrSelect, hash, md, &md_len, why, sizeof(why)) < 0) {
		cvm_verdict_add(v, "tpm.pcr_digest", CVM_CHECK_ERROR, "cannot compute the PCR digest: %s", why);
		return;
	}
	if (md_len == q->pcrDigest.size && memcmp(md, q->pcrDigest.buffer, md_len) == 0)
		cvm_verdict_add(v, "tpm.pcr_digest", CVM_CHECK_PASS, "%s over the PCR values equals pcrDigest",
		                cvm_tpm_alg_name(hash));
	else
		cvm_verdict_add(v, "tpm.pcr_digest", CVM_CHECK_FAIL,
		                "%s over the PCR values differs from the quote's pcrDigest", cvm_tpm_alg_name(hash));
}

static TPMI_ALG_HASH sig_hash(const TPMT_SIGNATURE *sig)
{
	switch (sig->sigAlg) {
	case TPM2_ALG_RSASSA:
	case TPM2_ALG_RSAPSS:
		return sig->signature.rsassa.hash;
	case TPM2_ALG_ECDSA:
		return sig->signature.ecdsa.hash;
	default:
		return TPM2_ALG_NULL;
	}
}

int cvm_tpm_quote_verify(const struct cvm_tpm_quote_in *in, struct cvm_verdict *v, TPMS_ATTEST *attest_out,
                         struct cvm_tpm_pcrs *pcrs_out, cvm_err *err)
{
	cvm_autofree struct cvm_tpm_pcrs *file_pcrs = NULL;
	const struct cvm_tpm_pcrs *pcrs = in->pcrs;
	TPMS_ATTEST a;
	TPMT_SIGNATURE sig;
	char why[200];

	if (cvm_tpm_attest_unmarshal(in->attest, in->attest_len, &a, err) < 0 ||
	    cvm_tpm_sig_unmarshal(in->sig, in->sig_len, &sig, err) < 0)
		return -1;
	if (!pcrs) {
		file_pcrs = calloc(1, sizeof(*file_pcrs));
		if (!file_pcrs)
			return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
		/* A values file is read against the quote's own selection (the
		 * only one there is); the other formats carry theirs. */
		if (cvm_tpm_pcrs_parse(in->pcr_file, in->pcr_file_len, in->pcr_format,
		                       a.type == TPM2_ST_ATTEST_QUOTE ? &a.attested.quote.pcrSelect : NULL, file_pcrs,
		                       err) < 0)
			return -1;
		pcrs = file_pcrs;
	}

	if (cvm_tpm_sig_verify(in->ak, &sig, in->attest, in->attest_len, why, sizeof(why)) == 0)
		cvm_verdict_add(v, "tpm.signature", CVM_CHECK_PASS, "%s", why);
	else
		cvm_verdict_add(v, "tpm.signature", CVM_CHECK_FAIL, "%s", why);

	if (a.magic == TPM2_GENERATED_VALUE)
		cvm_verdict_add(v, "tpm.magic", CVM_CHECK_PASS, "TPM_GENERATED_VALUE");
	else
		cvm_verdict_add(v, "tpm.magic", CVM_CHECK_FAIL, "magic 0x%08x is not TPM_GENERATED_VALUE 0x%08x",
		                a.magic, TPM2_GENERATED_VALUE);

	check_nonce(in, &a, v);

	if (a.type != TPM2_ST_ATTEST_QUOTE) {
		cvm_verdict_add(v, "tpm.type", CVM_CHECK_FAIL, "type 0x%04x is not TPM_ST_ATTEST_QUOTE 0x%04x", a.type,
		                TPM2_ST_ATTEST_QUOTE);
		cvm_verdict_add(v, "tpm.pcr_digest", CVM_CHECK_ERROR, "not a quote: no PCR digest to check");
	} else {
		cvm_verdict_add(v, "tpm.type", CVM_CHECK_PASS, "TPM_ST_ATTEST_QUOTE");
		check_pcrs(pcrs, &a, sig_hash(&sig), v);
	}
	add_claims(v->claims, &a, &sig, pcrs, in->ak, in->ak_sha256);
	if (attest_out)
		*attest_out = a;
	if (pcrs_out)
		*pcrs_out = *pcrs;
	return 0;
}
