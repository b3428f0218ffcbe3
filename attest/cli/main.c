/* attest-verify: offline verification of confidential-computing evidence.
 * main() only dispatches; each subcommand lives in its own file and
 * cvm_av_run() (av_cli.c) drives it, printing its verdict and errors. */
#include <stdio.h>
#include <string.h>

#include "av_cli.h"

/* The subcommand table. To add one, define
 *     const struct cvm_av_command cvm_av_cmd_<name> = { .name = "<name>", ... };
 * in attest/cli/<name>.c, declare it in av_cli.h next to cvm_av_cmd_snp, and
 * list it here:
 *     &cvm_av_cmd_tdx     (attest/cli/tdx.c, TDX quotes)
 *     &cvm_av_cmd_tpm     (attest/cli/tpm.c, TPM 2.0 quotes)
 *     &cvm_av_cmd_bundle  (attest/cli/bundle.c, cvm-evidence/1 bundles) */
static const struct cvm_av_command *const commands[] = {
	&cvm_av_cmd_snp,
	&cvm_av_cmd_tdx,
	&cvm_av_cmd_tpm,
	&cvm_av_cmd_bundle,
	NULL,
};

static void usage(FILE *out)
{
	fprintf(out, "Usage: attest-verify COMMAND [OPTIONS] EVIDENCE...\n"
	             "Verify attestation evidence offline against pinned roots and a policy.\n\nCommands:\n");
	for (size_t i = 0; commands[i]; i++)
		fprintf(out, "  %-8s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(out, "\nRun 'attest-verify COMMAND --help' for a command's options.\n"
	             "Exit status: 0 accepted, 1 rejected, 2 bad input or usage.\n"
	             "See attest-verify(1) and cvm-attest-policy(5).\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		cvm_av_print_version();
		return 0;
	}
	for (size_t i = 0; commands[i]; i++)
		if (strcmp(argv[1], commands[i]->name) == 0)
			return cvm_av_run(commands[i], argc - 1, argv + 1);
	fprintf(stderr, "attest-verify: unknown command '%s'\nTry 'attest-verify --help'.\n", argv[1]);
	return 2;
}
