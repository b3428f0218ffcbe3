#include "av_cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attest_util.h"
#include "cvm_cleanup.h"
#include "cvm_fileio.h"

void cvm_av_common_init(struct cvm_av_common *c)
{
	memset(c, 0, sizeof(*c));
}

void cvm_av_common_free(struct cvm_av_common *c)
{
	cvm_policy_free(c->policy);
	free(c->nonce);
	memset(c, 0, sizeof(*c));
}

int cvm_av_common_option(struct cvm_av_common *c, int opt, const char *arg, cvm_err *err)
{
	switch (opt) {
	case CVM_AV_OPT_JSON:
		c->json = true;
		return 1;
	case CVM_AV_OPT_HELP:
		c->help = true;
		return 1;
	case CVM_AV_OPT_VERSION:
		c->version = true;
		return 1;
	case CVM_AV_OPT_POLICY:
		if (c->policy_path)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "--policy given twice");
		c->policy_path = arg;
		return 1;
	case CVM_AV_OPT_NONCE:
		free(c->nonce);
		c->nonce = NULL;
		if (cvm_hex_decode_alloc(arg, &c->nonce, &c->nonce_len) < 0 || c->nonce_len == 0)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
			                   "--nonce must be a non-empty even-length hex string");
		return 1;
	case CVM_AV_OPT_AT_TIME:
		if (cvm_attest_parse_time(arg, &c->at_time) < 0)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
			                   "--at-time %s: expected ISO 8601 like 2025-01-31 or 2025-01-31T12:00:00Z",
			                   arg);
		c->have_time = true;
		return 1;
	case CVM_AV_OPT_TRUST_ROOT:
		if (c->n_trust_roots == CVM_AV_MAX_TRUST_ROOTS)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "at most %d --trust-root options",
			                   CVM_AV_MAX_TRUST_ROOTS);
		c->trust_roots[c->n_trust_roots++] = arg;
		return 1;
	default:
		return 0;
	}
}

int cvm_av_common_finish(struct cvm_av_common *c, cvm_err *err)
{
	if (!c->have_time)
		c->at_time = time(NULL);
	if (c->policy_path)
		return cvm_policy_load(c->policy_path, &c->policy, err);
	c->policy = cvm_policy_default();
	return 0;
}

int cvm_av_load_trust_roots(const struct cvm_av_common *c, STACK_OF(X509) * out, cvm_err *err)
{
	for (size_t i = 0; i < c->n_trust_roots; i++)
		if (cvm_x509_load_file(c->trust_roots[i], out, err) < 0)
			return cvm_err_prefix(err, "--trust-root: ");
	return 0;
}

int cvm_av_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "attest-verify %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'attest-verify %s --help'.\n", cmd);
	return CVM_EXIT_BADINPUT;
}

int cvm_av_error(const char *cmd, const cvm_err *err)
{
	fprintf(stderr, "attest-verify %s: %s\n", cmd, err->msg[0] ? err->msg : "failed");
	return err->exit_code ? err->exit_code : CVM_EXIT_BADINPUT;
}

int cvm_av_report(const struct cvm_av_common *c, const struct cvm_verdict *v)
{
	cvm_verdict_print(v, stdout, c->json);
	fflush(stdout);
	return cvm_verdict_accepted(v) ? CVM_EXIT_OK : CVM_EXIT_FAILURE;
}

void cvm_av_print_version(void)
{
	printf("attest-verify %s\n", CVM_VERSION);
}

int cvm_av_tdx_policy(const struct cvm_policy *p, struct cvm_policy_tdx *out, cvm_err *err)
{
	if (p->tdx && cvm_policy_tdx_parse(p->tdx, out, err) < 0)
		return cvm_err_prefix(err, "%s: ", p->origin);
	if (!p->tdx)
		cvm_policy_tdx_default(out);
	out->require_nonce = p->require_nonce;
	out->binding = p->nonce_binding;
	return 0;
}

int cvm_av_next_option(struct cvm_av_common *c, int argc, char **argv, const struct option *opts, cvm_err *err)
{
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if ((rc = cvm_av_common_option(c, opt, optarg, err)) < 0)
			return -2;
		if (rc == 0)
			return opt;
	}
	return -1;
}

int cvm_av_run(const struct cvm_av_command *d, int argc, char **argv)
{
	cvm_err err = {0};
	cvm_autoverdict struct cvm_verdict v;
	cvm_autofree void *args = calloc(1, d->args_size);
	struct cvm_av_common *common;
	int rc;

	if (!args) {
		cvm_err_set(&err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
		return cvm_av_error(d->name, &err);
	}
	common = (struct cvm_av_common *)((char *)args + d->common_offset);

	/* tpm2-tss MU logs malformed input to stderr; our error says it once.
	 * TSS2_LOG set by the user wins. */
	setenv("TSS2_LOG", "all+none", 0);
	cvm_verdict_init(&v);
	cvm_av_common_init(common);
	if (d->parse(argc, argv, args, &err) < 0) {
		rc = cvm_av_usage(d->name, "%s", err.msg);
		goto out;
	}
	if (common->help || common->version) {
		common->help ? d->help() : cvm_av_print_version();
		rc = 0;
		goto out;
	}
	if (cvm_av_common_finish(common, &err) < 0 || d->verify(args, &v, &err) < 0) {
		rc = cvm_av_error(d->name, &err);
		goto out;
	}
	rc = cvm_av_report(common, &v);
out:
	cvm_av_common_free(common);
	return rc;
}
