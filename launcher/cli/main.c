/* cvm-launch: global options, then dispatch to one subcommand. Errors are
 * printed here and only here. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "recover.h"

static const struct cvm_command *const commands[] = {
	&cvm_cmd_probe, &cvm_cmd_run, &cvm_cmd_ls, &cvm_cmd_status, &cvm_cmd_stop, &cvm_cmd_demo,
	&cvm_cmd_measure, &cvm_cmd_evidence,
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	fprintf(out, "usage: cvm-launch [--host-config FILE] COMMAND [ARGS]\n\n"
		     "Launch and supervise confidential KVM guests, each in its own sandbox.\n\n"
		     "commands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-40s %s\n", commands[i]->usage, commands[i]->summary);
	fprintf(out, "\noptions:\n"
		     "  --host-config FILE   host configuration (default %s)\n"
		     "  --help, --version\n"
		     "\nexit status: 0 ok, 1 failure, 2 bad input or unsupported host, 3 exhausted,\n"
		     "4 sandbox verification failed, 5 guest failed. See cvm-launch(8).\n",
		CVM_HOSTCFG_DEFAULT_PATH);
}

void cvm_cmd_help(const struct cvm_command *cmd, const char *options_help)
{
	printf("usage: cvm-launch %s\n\n%s\n", cmd->usage, cmd->summary);
	if (options_help && *options_help)
		printf("\noptions:\n%s", options_help);
}

bool cvm_cmd_wants_help(const struct cvm_command *cmd, int argc, char **argv, const char *options_help)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			cvm_cmd_help(cmd, options_help);
			return true;
		}
	}
	return false;
}

int cvm_cmd_parse_json(const struct cvm_command *cmd, int argc, char **argv, int npos, const char *what,
		       bool *json, cvm_err *err)
{
	static const struct option opts[] = { { "json", no_argument, NULL, 'j' }, { "help", no_argument, NULL, 'h' },
					      { NULL, 0, NULL, 0 } };
	int c;

	*json = false;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'j') {
			*json = true;
		} else if (c == 'h') {
			cvm_cmd_help(cmd, "  --json   machine-readable output\n");
			return 1;
		} else {
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: bad option '%s' (try --help)", cmd->name,
					   argv[optind - 1]);
		}
	}
	if (argc - optind != npos) {
		if (npos == 0)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: unexpected argument '%s'", cmd->name,
					   argv[optind]);
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: expected exactly one %s", cmd->name, what);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host-config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cvm_ctx ctx = { .prog = "cvm-launch" };
	cvm_err err = { 0 };
	const struct cvm_command *cmd = NULL;
	int c, rc, sub;

	opterr = 0; /* one line per error, printed here: getopt must not print its own */
	/* '+': stop at the first non-option, which is the subcommand. */
	while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			ctx.host_config_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return CVM_EXIT_OK;
		case 'V':
			printf("cvm-launch %s\n", CVM_VERSION);
			return CVM_EXIT_OK;
		default:
			fprintf(stderr, "cvm-launch: bad option '%s' (try --help)\n", argv[optind - 1]);
			return CVM_EXIT_BADINPUT;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CVM_EXIT_BADINPUT;
	}
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(argv[optind], commands[i]->name) == 0)
			cmd = commands[i];
	if (!cmd) {
		fprintf(stderr, "cvm-launch: unknown command '%s' (try --help)\n", argv[optind]);
		return CVM_EXIT_BADINPUT;
	}
	sub = optind;
	for (int i = sub + 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return cmd->run(&ctx, argc - sub, argv + sub, &err); /* help needs no host config */
	if (cvm_hostcfg_load(ctx.host_config_path, &ctx.cfg, &err) < 0) {
		cvm_err_print(&err, ctx.prog);
		return err.exit_code ? err.exit_code : CVM_EXIT_BADINPUT;
	}
	if (cmd->recover_first && cvm_recover_all(&ctx.cfg, stderr, &err) < 0) {
		cvm_err_print(&err, ctx.prog);
		return err.exit_code ? err.exit_code : CVM_EXIT_FAILURE;
	}
	optind = 0; /* re-initialise getopt: each subcommand parses its own options */
	rc = cmd->run(&ctx, argc - sub, argv + sub, &err);
	if (rc != CVM_EXIT_OK && err.msg[0])
		cvm_err_print(&err, ctx.prog);
	return rc;
}
