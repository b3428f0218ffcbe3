/* cvm-launch stop NAME [--timeout S] */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "tenant_stop.h"

static const char options_help[] =
	"  --timeout S   seconds to wait for the guest to power down before QMP quit (default 30)\n";

static int stop_run(struct cvm_ctx *ctx, int argc, char **argv, cvm_err *err)
{
	static const struct option opts[] = { { "timeout", required_argument, NULL, 't' },
					      { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
	const char *how = NULL;
	long timeout = 30;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "t:h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			timeout = strtol(optarg, &end, 10);
			if (!*optarg || *end || timeout < 0 || timeout > 3600) {
				cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "stop: --timeout: must be 0..3600 seconds");
				return CVM_EXIT_BADINPUT;
			}
			break;
		case 'h':
			cvm_cmd_help(&cvm_cmd_stop, options_help);
			return CVM_EXIT_OK;
		default:
			cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "stop: bad option '%s' (try --help)", argv[optind - 1]);
			return CVM_EXIT_BADINPUT;
		}
	}
	if (argc - optind != 1) {
		cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "stop: expected exactly one tenant NAME");
		return CVM_EXIT_BADINPUT;
	}
	if (cvm_tenant_stop(&ctx->cfg, argv[optind], (int)timeout, &how, stderr, err) < 0)
		return err->exit_code;
	printf("tenant %s stopped (%s)\n", argv[optind], how);
	return CVM_EXIT_OK;
}

const struct cvm_command cvm_cmd_stop = {
	.name = "stop",
	.usage = "stop NAME [--timeout S]",
	.summary = "stop a tenant: ACPI powerdown, then QMP quit, then SIGKILL",
	.recover_first = true,
	.run = stop_run,
};
