/* attest-verify bundle EVIDENCE.json --policy FILE [options]: a
 * cvm-evidence/1 bundle from `cvm-launch evidence` — TPM quote, event-log
 * replay, launch records against the policy, and an SNP report or TDX quote
 * inside it. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attest_util.h"
#include "av_cli.h"
#include "bundle.h"
#include "bundle_tdx.h"
#include "bundle_verify.h"
#include "cvm_cleanup.h"
#include "cvm_crypto_cleanup.h"
#include "cvm_fileio.h"
#include "evidence_policy.h"
#include "policy_tdx.h"
#include "snp_chain.h"
#include "snp_report.h"
#include "snp_verify.h"

static void help(void)
{
	printf("Usage: attest-verify bundle EVIDENCE.json --policy FILE [OPTIONS]\n"
	       "Verify a cvm-evidence/1 bundle written by `cvm-launch evidence`: the AK is one\n"
	       "the policy trusts, the TPM quote verifies and carries the nonce, the event log\n"
	       "replays to the quoted PCR, every launch record is in the log and meets the\n"
	       "policy's \"launch_record\" section; an SNP report in the bundle is verified\n"
	       "too (same nonce, the policy's \"snp\" section, --trust-root, --at-time) and\n"
	       "must match the record's expected measurement. A TDX quote in the bundle is\n"
	       "verified likewise (same nonce, the policy's \"tdx\" section, the PCS\n"
	       "collateral and CRLs the bundle carries, --trust-root, --at-time) and the\n"
	       "launch record must be a TDX launch.\n\n" CVM_AV_COMMON_HELP);
}

struct bundle_args {
	struct cvm_av_common common;
	const char *path;
	struct cvm_policy_tdx tdx; /* the policy's "tdx" section with the nonce keys */
};

static int parse_args(int argc, char **argv, void *args, cvm_err *err)
{
	struct bundle_args *a = args;
	static const struct option opts[] = {CVM_AV_COMMON_LONGOPTS, {NULL, 0, NULL, 0}};
	int opt;

	optind = 1;
	if ((opt = cvm_av_next_option(&a->common, argc, argv, opts, err)) == -2)
		return -1;
	if (opt != -1)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "unknown option");
	if (a->common.help || a->common.version)
		return 0;
	if (optind != argc - 1)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "expected exactly one EVIDENCE.json");
	if (!a->common.policy_path)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "--policy is required (it names the trusted AKs)");
	a->path = argv[optind];
	return 0;
}

/* The SNP report in the bundle, verified by the SNP verifier with the
 * bundle's certificates, the --trust-root pins and the same nonce. */
static int snp_hook(void *ctx, const struct cvm_bundle *b, struct cvm_verdict *v, cvm_err *err)
{
	const struct bundle_args *a = ctx;
	cvm_auto_x509_stack STACK_OF(X509) *certs = sk_X509_new_null();
	cvm_auto_x509_stack STACK_OF(X509) *roots = sk_X509_new_null();
	struct cvm_snp_ctx *sctx = cvm_snp_ctx_new(a->common.at_time);
	int rc = -1;

	if (!certs || !roots || !sctx) {
		cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
		goto out;
	}
	if (cvm_av_load_trust_roots(&a->common, roots, err) < 0)
		goto out;
	for (int i = 0; i < sk_X509_num(roots); i++)
		if (cvm_snp_ctx_add_root(sctx, sk_X509_value(roots, i), err) < 0)
			goto out;
	if (b->snp_vcek.data && cvm_x509_load_buf(b->snp_vcek.data, b->snp_vcek.len, "bundle snp.vcek", certs, err) < 0)
		goto out;
	if (b->snp_chain &&
	    cvm_x509_load_buf((const uint8_t *)b->snp_chain, strlen(b->snp_chain), "bundle snp.chain", certs, err) < 0)
		goto out;
	if (b->snp_report.len != CVM_SNP_REPORT_SIZE) {
		rc = cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "snp.report is %zu bytes, not %d", b->snp_report.len,
		                 CVM_SNP_REPORT_SIZE);
		goto out;
	}
	struct cvm_snp_input in = {
	    .report = b->snp_report.data,
	    .report_len = b->snp_report.len,
	    .certs = certs,
	    .nonce = a->common.nonce,
	    .nonce_len = a->common.nonce_len,
	    .policy = a->common.policy,
	};
	rc = cvm_snp_verify(sctx, &in, v, err);
out:
	cvm_snp_ctx_free(sctx);
	return rc;
}

/* The TDX quote in the bundle, verified by the TDX verifier with the
 * bundle's collateral, the --trust-root anchors and the same nonce. */
static int tdx_hook(void *ctx, const struct cvm_bundle *b, struct cvm_verdict *v, cvm_err *err)
{
	const struct bundle_args *a = ctx;
	const char *roots[CVM_AV_MAX_TRUST_ROOTS + 1] = {0};

	for (size_t i = 0; i < a->common.n_trust_roots; i++)
		roots[i] = a->common.trust_roots[i];
	struct cvm_bundle_tdx_opts o = {
	    .policy = &a->tdx,
	    .trust_roots = roots,
	    .nonce = a->common.nonce,
	    .nonce_len = a->common.nonce_len,
	    .has_at_time = true,
	    .at_time = a->common.at_time,
	};
	return cvm_bundle_tdx_verify(b, &o, v, err);
}

static int verify(void *args, struct cvm_verdict *v, cvm_err *err)
{
	struct bundle_args *a = args;
	cvm_autofree uint8_t *text = NULL;
	size_t len = 0;
	cvm_autobundle struct cvm_bundle b = {0};
	struct cvm_evidence_policy pol;

	cvm_evidence_policy_init(&pol);
	if (cvm_evidence_policy_parse(a->common.policy->tpm, a->common.policy->launch_record, &pol, err) < 0)
		return cvm_err_prefix(err, "%s: ", a->common.policy_path);
	if (cvm_av_tdx_policy(a->common.policy, &a->tdx, err) < 0)
		return -1;
	if (cvm_read_file(a->path, CVM_BUNDLE_MAX_BYTES, &text, &len, err) < 0)
		return -1;
	if (strlen((char *)text) != len)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: not a text file", a->path);
	if (cvm_bundle_parse((char *)text, &b, err) < 0)
		return cvm_err_prefix(err, "%s: ", a->path);
	struct cvm_bundle_verify_in in = {
	    .bundle = &b,
	    .policy = &pol,
	    .nonce = a->common.nonce,
	    .nonce_len = a->common.nonce_len,
	    .snp_verify = snp_hook,
	    .snp_ctx = a,
	    .tdx_verify = tdx_hook,
	    .tdx_ctx = a,
	};
	if (cvm_bundle_verify(&in, v, err) < 0)
		return -1;
	/* With a report inside, the SNP verifier checks the policy's type. */
	const char *want = a->common.policy->confidential_type;
	if (want && b.tdx_quote.data) {
		if (strcmp(want, "tdx") == 0)
			cvm_verdict_add(v, "policy.confidential_type", CVM_CHECK_PASS, "policy requires tdx, evidence is a TDX quote");
		else
			cvm_verdict_add(v, "policy.confidential_type", CVM_CHECK_FAIL,
			                "policy requires \"%s\", evidence is a TDX quote", want);
	} else if (want && !b.snp_report.data) {
		if (strcmp(want, "none") == 0)
			cvm_verdict_add(v, "policy.confidential_type", CVM_CHECK_PASS,
			                "policy requires no confidential-computing evidence");
		else
			cvm_verdict_add(v, "policy.confidential_type", CVM_CHECK_FAIL,
			                "policy requires %s evidence; the bundle carries no guest report", want);
	}
	return 0;
}

const struct cvm_av_command cvm_av_cmd_bundle = {
    .name = "bundle",
    .summary = "cvm-evidence/1 bundle (TPM quote, event log, launch records, SNP/TDX)",
    .help = help,
    .parse = parse_args,
    .verify = verify,
    .args_size = sizeof(struct bundle_args),
    .common_offset = offsetof(struct bundle_args, common),
};
