/* attest-verify tpm --quote FILE --sig FILE --pcrs FILE --ak FILE [options]:
 * the inputs tpm2_checkquote takes (TPMS_ATTEST, TPMT_SIGNATURE, a
 * tpm2-tools PCR file, the AK public key), checked claim by claim. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "av_cli.h"
#include "cvm_cleanup.h"
#include "cvm_crypto_cleanup.h"
#include "cvm_fileio.h"
#include "evidence_policy.h"
#include "tpm_pubkey.h"
#include "tpm_quote.h"
#include "tpm_verify.h"

#define TPM_FILE_MAX (1u << 20)

enum { OPT_QUOTE = CVM_AV_OPT_PRIVATE, OPT_SIG, OPT_PCRS, OPT_AK, OPT_PCRS_FORMAT };

static void help(void)
{
	printf("Usage: attest-verify tpm --quote FILE --sig FILE --pcrs FILE --ak FILE [OPTIONS]\n"
	       "Verify a TPM 2.0 quote: magic, type, nonce (extraData), PCR selection and digest,\n"
	       "and the signature with the scheme its sigAlg names (RSASSA, RSAPSS, ECDSA).\n\n"
	       "  --quote FILE        TPMS_ATTEST as signed (tpm2_quote -m)\n"
	       "  --sig FILE          TPMT_SIGNATURE (tpm2_quote -s)\n"
	       "  --pcrs FILE         PCR values (tpm2_quote -o / tpm2_pcrread -o)\n"
	       "  --pcrs-format F     auto (default), serialized, marshaled or values\n"
	       "                      (values are read against the quote's own PCR selection)\n"
	       "  --ak FILE           AK public key: PEM or DER SubjectPublicKeyInfo, or a\n"
	       "                      TPM2B_PUBLIC (tpm2_createak -u)\n"
	       "Without --nonce the quote must carry no nonce, as with tpm2_checkquote.\n"
	       "A policy's \"tpm\" section may also pin trusted AKs (trusted_ak_sha256).\n" CVM_AV_COMMON_HELP);
}

struct tpm_args {
	struct cvm_av_common common;
	const char *quote, *sig, *pcrs, *ak;
	enum cvm_tpm_pcrs_format format;
};

static int parse_format(const char *s, enum cvm_tpm_pcrs_format *f, cvm_err *err)
{
	static const char *const names[] = {"auto", "serialized", "marshaled", "values", NULL};

	for (int i = 0; names[i]; i++) {
		if (strcmp(s, names[i]) == 0) {
			*f = (enum cvm_tpm_pcrs_format)i;
			return 0;
		}
	}
	return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "--pcrs-format must be auto, serialized, marshaled or values");
}

static int parse_args(int argc, char **argv, void *args, cvm_err *err)
{
	struct tpm_args *a = args;
	static const struct option opts[] = {
	    CVM_AV_COMMON_LONGOPTS,
	    {"quote", required_argument, NULL, OPT_QUOTE},
	    {"sig", required_argument, NULL, OPT_SIG},
	    {"pcrs", required_argument, NULL, OPT_PCRS},
	    {"ak", required_argument, NULL, OPT_AK},
	    {"pcrs-format", required_argument, NULL, OPT_PCRS_FORMAT},
	    {NULL, 0, NULL, 0},
	};
	int opt;

	optind = 1;
	while ((opt = cvm_av_next_option(&a->common, argc, argv, opts, err)) != -1) {
		switch (opt) {
		case -2:
			return -1;
		case OPT_QUOTE:
			a->quote = optarg;
			break;
		case OPT_SIG:
			a->sig = optarg;
			break;
		case OPT_PCRS:
			a->pcrs = optarg;
			break;
		case OPT_AK:
			a->ak = optarg;
			break;
		case OPT_PCRS_FORMAT:
			if (parse_format(optarg, &a->format, err) < 0)
				return -1;
			break;
		default:
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "unknown option");
		}
	}
	if (a->common.help || a->common.version)
		return 0;
	if (optind < argc)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "unexpected operand '%s'", argv[optind]);
	if (!a->quote || !a->sig || !a->pcrs || !a->ak)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "--quote, --sig, --pcrs and --ak are all required");
	return 0;
}

/* PEM/DER SubjectPublicKeyInfo, else a TPM2B_PUBLIC. */
static int load_ak(const char *path, EVP_PKEY **out, cvm_err *err)
{
	cvm_autofree uint8_t *buf = NULL;
	size_t len = 0;
	cvm_err spki = {0};

	if (cvm_read_file(path, TPM_FILE_MAX, &buf, &len, err) < 0)
		return -1;
	if (cvm_tpm_ak_load(buf, len, out, &spki) == 0)
		return 0;
	if (cvm_tpm_public_load(buf, len, out, NULL) == 0) {
		if (cvm_tpm_ak_check(*out, err) < 0) {
			EVP_PKEY_free(*out);
			*out = NULL;
			return cvm_err_prefix(err, "%s: ", path);
		}
		return 0;
	}
	*err = spki;
	return cvm_err_prefix(err, "%s: ", path);
}

static void check_trusted(const struct cvm_evidence_policy *p, EVP_PKEY *ak, struct cvm_verdict *v)
{
	char fp[65];

	if (p->n_ak == 0 || cvm_tpm_ak_fingerprint(ak, fp) < 0)
		return; /* the AK was handed in by the caller: trusted as given */
	for (size_t i = 0; i < p->n_ak; i++) {
		if (strcmp(p->ak_sha256[i], fp) == 0) {
			cvm_verdict_add(v, "tpm.ak_trusted", CVM_CHECK_PASS, "AK %s is trusted by the policy", fp);
			return;
		}
	}
	cvm_verdict_add(v, "tpm.ak_trusted", CVM_CHECK_FAIL, "AK %s is not among the policy's trusted AKs", fp);
}

static int verify(void *args, struct cvm_verdict *v, cvm_err *err)
{
	struct tpm_args *a = args;
	cvm_autofree uint8_t *quote = NULL, *sig = NULL, *pcrs = NULL;
	size_t quote_len = 0, sig_len = 0, pcrs_len = 0;
	cvm_auto_evp_pkey EVP_PKEY *ak = NULL;
	struct cvm_evidence_policy pol;

	cvm_evidence_policy_init(&pol);
	if (cvm_evidence_policy_parse(a->common.policy->tpm, NULL, &pol, err) < 0)
		return -1;
	if (cvm_read_file(a->quote, TPM_FILE_MAX, &quote, &quote_len, err) < 0 ||
	    cvm_read_file(a->sig, TPM_FILE_MAX, &sig, &sig_len, err) < 0 ||
	    cvm_read_file(a->pcrs, TPM_FILE_MAX, &pcrs, &pcrs_len, err) < 0 || load_ak(a->ak, &ak, err) < 0)
		return -1;
	struct cvm_tpm_quote_in in = {
	    .attest = quote,
	    .attest_len = quote_len,
	    .sig = sig,
	    .sig_len = sig_len,
	    .pcr_file = pcrs,
	    .pcr_file_len = pcrs_len,
	    .pcr_format = a->format,
	    .ak = ak,
	    .nonce = a->common.nonce,
	    .nonce_len = a->common.nonce_len,
	};
	check_trusted(&pol, ak, v);
	return cvm_tpm_quote_verify(&in, v, NULL, NULL, err);
}

const struct cvm_av_command cvm_av_cmd_tpm = {
    .name = "tpm",
    .summary = "TPM 2.0 quote (TPMS_ATTEST + TPMT_SIGNATURE + PCR file + AK)",
    .help = help,
    .parse = parse_args,
    .verify = verify,
    .args_size = sizeof(struct tpm_args),
    .common_offset = offsetof(struct tpm_args, common),
};
