/* cvm-launch run SPEC [--detach] */
#include <getopt.h>
#include <stdio.h>

#include "commands.h"
#include "launch.h"

static const char options_help[] =
	"  --detach   return once the guest runs; the supervisor stays in the background\n";

static int run_run(struct cvm_ctx *ctx, int argc, char **argv, cvm_err *err)
{
	static const struct option opts[] = { { "detach", no_argument, NULL, 'd' }, { "help", no_argument, NULL, 'h' },
					      { NULL, 0, NULL, 0 } };
	struct cvm_launch_opts o = { .out = stderr, .kvm_timeout_ms = 3000 };
	int c;

	while ((c = getopt_long(argc, argv, "dh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o.detach = true;
			break;
		case 'h':
			cvm_cmd_help(&cvm_cmd_run, options_help);
			return CVM_EXIT_OK;
		default:
			{
			cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "run: bad option '%s' (try --help)", argv[optind - 1]);
			return CVM_EXIT_BADINPUT;
		}
		}
	}
	if (argc - optind != 1)
		{
			cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "run: expected exactly one SPEC file");
			return CVM_EXIT_BADINPUT;
		}
	o.spec_path = argv[optind];
	setvbuf(stderr, NULL, _IOLBF, 0);
	return cvm_launch_run(&ctx->cfg, &o, err);
}

const struct cvm_command cvm_cmd_run = {
	.name = "run",
	.usage = "run SPEC.json [--detach]",
	.summary = "launch a tenant from its spec and supervise it until it ends",
	.recover_first = true,
	.run = run_run,
};
