/* attest-verify snp REPORT [--certs FILE...] [--crl FILE] [common options] */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "attest_util.h"
#include "av_cli.h"
#include "cvm_cleanup.h"
#include "cvm_crypto_cleanup.h"
#include "cvm_fileio.h"
#include "snp_chain.h"
#include "snp_verify.h"

#define REPORT_FILE_MAX (1u << 20) /* a report plus a generous cert table */
#define MAX_FILES 16

enum { OPT_CERTS = CVM_AV_OPT_PRIVATE, OPT_CRL };

static void help(void)
{
	printf("Usage: attest-verify snp REPORT [--certs FILE...] [--crl FILE] [OPTIONS]\n"
	       "Verify an AMD SEV-SNP attestation report (versions 2, 3, 5; Milan, Genoa, Turin).\n\n"
	       "REPORT is the raw 1184-byte report, or an extended report with the AMD\n"
	       "certificate table appended.\n"
	       "  --certs FILE...     VCEK/VLEK, ASK/ASVK and ARK certificates (DER or PEM,\n"
	       "                      any order; repeatable, and operands after REPORT are\n"
	       "                      more certificate files once --certs is given)\n"
	       "  --crl FILE          AMD CRL (DER or PEM; repeatable)\n" CVM_AV_COMMON_HELP);
}

struct snp_args {
	struct cvm_av_common common;
	const char *report;
	size_t n_certs, n_crls;
	const char *certs[MAX_FILES], *crls[MAX_FILES];
};

static int add_file(const char **list, size_t *n, const char *path, const char *what, cvm_err *err)
{
	if (*n == MAX_FILES)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "at most %d %s files", MAX_FILES, what);
	list[(*n)++] = path;
	return 0;
}

static int parse_args(int argc, char **argv, void *args, cvm_err *err)
{
	struct snp_args *a = args;
	static const struct option opts[] = {
	    CVM_AV_COMMON_LONGOPTS,
	    {"certs", required_argument, NULL, OPT_CERTS},
	    {"crl", required_argument, NULL, OPT_CRL},
	    {NULL, 0, NULL, 0},
	};
	int opt, rc;

	optind = 1;
	opterr = 0; /* one message, ours */
	while ((opt = cvm_av_next_option(&a->common, argc, argv, opts, err)) != -1) {
		if (opt == -2)
			return -1;
		if (opt == OPT_CERTS)
			rc = add_file(a->certs, &a->n_certs, optarg, "--certs", err);
		else if (opt == OPT_CRL)
			rc = add_file(a->crls, &a->n_crls, optarg, "--crl", err);
		else
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "unknown option or missing argument: %s",
			                   argv[optind - 1]);
		if (rc < 0)
			return -1;
	}
	if (a->common.help || a->common.version)
		return 0;
	if (optind >= argc)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "missing REPORT");
	a->report = argv[optind++];
	for (; optind < argc; optind++) {
		if (!a->n_certs)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "unexpected operand '%s'", argv[optind]);
		if (add_file(a->certs, &a->n_certs, argv[optind], "--certs", err) < 0)
			return -1;
	}
	return 0;
}

/* Everything that is read before verifying: a failure here is bad input. */
static int load_inputs(struct snp_args *a, struct cvm_snp_ctx *ctx, STACK_OF(X509) * certs, uint8_t **report,
                       size_t *report_len, cvm_err *err)
{
	cvm_auto_x509_stack STACK_OF(X509) *roots = sk_X509_new_null();

	if (!roots || cvm_av_load_trust_roots(&a->common, roots, err) < 0)
		return -1;
	for (int i = 0; i < sk_X509_num(roots); i++)
		if (cvm_snp_ctx_add_root(ctx, sk_X509_value(roots, i), err) < 0)
			return -1;
	for (size_t i = 0; i < a->n_crls; i++) {
		cvm_auto_x509_crl X509_CRL *crl = NULL;
		if (cvm_x509_crl_load_file(a->crls[i], &crl, err) < 0 || cvm_snp_ctx_add_crl(ctx, crl, err) < 0)
			return -1;
	}
	if (cvm_read_file(a->report, REPORT_FILE_MAX, report, report_len, err) < 0)
		return -1;
	if (cvm_snp_split_extended(*report, *report_len, certs, err) < 0)
		return cvm_err_prefix(err, "%s: ", a->report);
	for (size_t i = 0; i < a->n_certs; i++)
		if (cvm_x509_load_file(a->certs[i], certs, err) < 0)
			return -1;
	return 0;
}

static int verify(void *args, struct cvm_verdict *v, cvm_err *err)
{
	struct snp_args *a = args;
	cvm_autofree uint8_t *report = NULL;
	size_t report_len = 0;
	cvm_auto_x509_stack STACK_OF(X509) *certs = sk_X509_new_null();
	struct cvm_snp_ctx *ctx = NULL;
	int rc = -1;

	if (!certs)
		goto out;
	ctx = cvm_snp_ctx_new(a->common.at_time);
	if (load_inputs(a, ctx, certs, &report, &report_len, err) < 0)
		goto out;
	struct cvm_snp_input in = {
	    .report = report,
	    .report_len = CVM_SNP_REPORT_SIZE,
	    .certs = certs,
	    .nonce = a->common.nonce,
	    .nonce_len = a->common.nonce_len,
	    .policy = a->common.policy,
	};
	rc = cvm_snp_verify(ctx, &in, v, err);
out:
	cvm_snp_ctx_free(ctx);
	return rc;
}

const struct cvm_av_command cvm_av_cmd_snp = {
    .name = "snp",
    .summary = "AMD SEV-SNP attestation report (+ VCEK/VLEK chain, CRL)",
    .help = help,
    .parse = parse_args,
    .verify = verify,
    .args_size = sizeof(struct snp_args),
    .common_offset = offsetof(struct snp_args, common),
};
