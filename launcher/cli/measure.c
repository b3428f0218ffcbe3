/* cvm-launch measure SPEC.json | measure --mode ... (sev-snp-measure's
 * flags): the launch measurement a verifier should expect. The flag form
 * and the algorithm live in sev/ (measure_cli.c, snp_measure.c). */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "cvm_cleanup.h"
#include "cvm_fileio.h"
#include "sev_conf.h"
#include "sev_measure_cli.h"
#include "spec.h"

static const char *mode_of(enum cvm_conf_type t)
{
	return t == CVM_CONF_SEV_SNP ? "snp" : t == CVM_CONF_SEV_ES ? "seves" : "sev";
}

/* measure SPEC.json [--output-format hex|base64] [--json] */
static int measure_spec(int argc, char **argv, cvm_err *err)
{
	static const struct option opts[] = { { "output-format", required_argument, NULL, 'f' },
					      { "json", no_argument, NULL, 'j' },
					      { NULL, 0, NULL, 0 } };
	struct cvm_measure_out o = { 0 };
	int c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (c == 'f' && (strcmp(optarg, "hex") == 0 || strcmp(optarg, "base64") == 0))
			o.base64 = strcmp(optarg, "base64") == 0;
		else if (c == 'j')
			o.json = true;
		else
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
					   "measure: bad option '%s' for the spec form (see cvm-launch measure --help)",
					   argv[optind - 1]);
	}
	if (optind != argc)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "measure: unexpected argument '%s'", argv[optind]);
	const char *path = argv[0];
	cvm_autofree struct cvm_spec *spec = calloc(1, sizeof(*spec)); /* large: paths */
	if (!spec)
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	if (cvm_spec_load(path, spec, err) < 0)
		return -1;
	const struct cvm_conf_spec *conf = &spec->conf;
	if (conf->type != CVM_CONF_SEV && conf->type != CVM_CONF_SEV_ES && conf->type != CVM_CONF_SEV_SNP)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
				   "%s: confidential.type %s has no launch measurement to compute (sev, sev-es, sev-snp)",
				   path, cvm_conf_type_name(conf->type));
	char hex[2 * 48 + 1];
	uint8_t d[48];
	if (cvm_conf_expected_measurement(conf, spec->firmware, spec->kernel, spec->initrd, spec->cmdline, spec->vcpus, hex,
					  sizeof(hex), err) < 0)
		return cvm_err_prefix(err, "%s: ", path);
	size_t len = strlen(hex) / 2;
	if (cvm_hex_decode(hex, d, len) < 0)
		return cvm_err_set(err, CVM_EXIT_FAILURE, 0, "measure: internal hex error");
	return cvm_measure_print(stdout, &o, mode_of(conf->type), d, len, err);
}

static int measure_run(struct cvm_ctx *ctx, int argc, char **argv, cvm_err *err)
{
	(void)ctx;
	if (argc >= 2 && argv[1][0] != '-') {
		if (measure_spec(argc - 1, argv + 1, err) < 0)
			return err->exit_code ? err->exit_code : CVM_EXIT_FAILURE;
		return CVM_EXIT_OK;
	}
	if (argc < 2) {
		cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
			    "measure: give SPEC.json, or --mode MODE --ovmf FILE ... (see cvm-launch measure --help)");
		return CVM_EXIT_BADINPUT;
	}
	return cvm_measure_cli(argc, argv, stdout, err);
}

const struct cvm_command cvm_cmd_measure = {
	.name = "measure",
	.usage = "measure SPEC.json | measure --mode MODE --ovmf FILE ...",
	.summary = "print the launch measurement a verifier should expect (SEV-SNP, SEV-ES, SEV)",
	.recover_first = false,
	.run = measure_run,
};
