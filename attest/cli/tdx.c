/* attest-verify tdx QUOTE [--collateral DIR] [--crl FILE] [common options] */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "av_cli.h"
#include "cvm_cleanup.h"
#include "cvm_fileio.h"
#include "policy.h"
#include "policy_tdx.h"
#include "tdx_verify.h"

#define QUOTE_FILE_MAX (1u << 20) /* real quotes are ~5 KiB with the PEM chain */
#define MAX_CRLS 16

enum { OPT_COLLATERAL = CVM_AV_OPT_PRIVATE, OPT_CRL };

static void help(void)
{
	printf("Usage: attest-verify tdx QUOTE [--collateral DIR] [--crl FILE] [OPTIONS]\n"
	       "Verify an Intel TDX quote (version 4 or 5, TDX 1.0 or 1.5 report body).\n\n"
	       "Checks the attestation key's signature over header and TD report, the QE\n"
	       "report's signature by the PCK key, the QE report data binding of the\n"
	       "attestation key, and the PCK chain in the quote to the pinned Intel SGX\n"
	       "Root CA; with collateral, the TCB info and QE identity signatures, the\n"
	       "TDX module and QE identities, and the TCB status; then the policy.\n"
	       "  --collateral DIR    Intel PCS collateral: tcbInfo.json, enclaveIdentity.json,\n"
	       "                      tcbinfo_issuer_chain.pem, qeidentity_issuer_chain.pem,\n"
	       "                      optional pckcrl and rootcrl (DER or PEM). Without it the\n"
	       "                      TCB status is not checked (a policy with tdx.tcb_status\n"
	       "                      rejects).\n"
	       "  --crl FILE          a further CRL (DER or PEM; repeatable)\n" CVM_AV_COMMON_HELP
	       "The Intel SGX Root CA is pinned by its SHA-256 (44a0196b...b674d3).\n");
}

struct tdx_args {
	struct cvm_av_common common;
	const char *quote;
	const char *collateral;
	size_t n_crls;
	const char *crls[MAX_CRLS + 1]; /* NULL-terminated */
};

static int parse_args(int argc, char **argv, void *args, cvm_err *err)
{
	struct tdx_args *a = args;
	static const struct option opts[] = {
		CVM_AV_COMMON_LONGOPTS,
		{ "collateral", required_argument, NULL, OPT_COLLATERAL },
		{ "crl", required_argument, NULL, OPT_CRL },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	optind = 1;
	opterr = 0; /* one line from us, not getopt's own as well */
	while ((opt = cvm_av_next_option(&a->common, argc, argv, opts, err)) != -1) {
		if (opt == -2) {
			return -1;
		} else if (opt == OPT_COLLATERAL) {
			if (a->collateral)
				return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "--collateral given twice");
			a->collateral = optarg;
		} else if (opt == OPT_CRL) {
			if (a->n_crls == MAX_CRLS)
				return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "at most %d --crl files", MAX_CRLS);
			a->crls[a->n_crls++] = optarg;
		} else if (optopt) {
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "option '%s' needs a value", argv[optind - 1]);
		} else {
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (a->common.help || a->common.version)
		return 0;
	if (optind >= argc)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "missing QUOTE");
	a->quote = argv[optind++];
	if (optind < argc)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "unexpected operand '%s'", argv[optind]);
	return 0;
}

static int verify(void *args, struct cvm_verdict *v, cvm_err *err)
{
	struct tdx_args *a = args;
	cvm_autofree uint8_t *quote = NULL;
	size_t len = 0;
	struct cvm_policy_tdx pol;
	const char *roots[CVM_AV_MAX_TRUST_ROOTS + 1] = { 0 };

	if (cvm_av_tdx_policy(a->common.policy, &pol, err) < 0 || cvm_read_file(a->quote, QUOTE_FILE_MAX, &quote, &len, err) < 0)
		return -1;
	for (size_t i = 0; i < a->common.n_trust_roots; i++)
		roots[i] = a->common.trust_roots[i];
	struct cvm_tdx_verify_opts o = {
		.collateral_dir = a->collateral,
		.trust_roots = roots,
		.crls = a->crls,
		.nonce = a->common.nonce,
		.nonce_len = a->common.nonce_len,
		.has_at_time = true,
		.at_time = a->common.at_time,
	};
	if (a->common.policy->confidential_type && strcmp(a->common.policy->confidential_type, "tdx") != 0)
		cvm_verdict_add(v, "policy.confidential_type", CVM_CHECK_FAIL, "policy requires \"%s\", evidence is a TDX quote",
				a->common.policy->confidential_type);
	if (cvm_tdx_verify(quote, len, &o, &pol, v, err) < 0)
		return cvm_err_prefix(err, "%s: ", a->quote);
	return 0;
}

const struct cvm_av_command cvm_av_cmd_tdx = {
	.name = "tdx",
	.summary = "Intel TDX quote v4/v5 (+ PCK chain, PCS collateral, CRLs)",
	.help = help,
	.parse = parse_args,
	.verify = verify,
	.args_size = sizeof(struct tdx_args),
	.common_offset = offsetof(struct tdx_args, common),
};
