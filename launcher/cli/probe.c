/* cvm-launch probe [--json] */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "commands.h"
#include "cvm_cleanup.h"
#include "host_probe.h"

static const char options_help[] = "  --json   machine-readable output\n";

static int probe_run(struct cvm_ctx *ctx, int argc, char **argv, cvm_err *err)
{
	static const struct option opts[] = { { "json", no_argument, NULL, 'j' }, { "help", no_argument, NULL, 'h' },
					      { NULL, 0, NULL, 0 } };
	cvm_autojson json_object *o = NULL;
	bool json = false;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'j')
			json = true;
		else if (c == 'h') {
			cvm_cmd_help(&cvm_cmd_probe, options_help);
			return CVM_EXIT_OK;
		} else
			{
			cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "probe: bad option (try --help)");
			return CVM_EXIT_BADINPUT;
		}
	}
	if (optind != argc)
		{
			cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "probe: unexpected argument '%s'", argv[optind]);
			return CVM_EXIT_BADINPUT;
		}
	o = cvm_host_probe(&ctx->cfg, 3000);
	if (json) {
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
		return CVM_EXIT_OK;
	}
	json_object_object_foreach(o, key, val) {
		json_object *a = NULL, *d = NULL;
		json_object_object_get_ex(val, "available", &a);
		json_object_object_get_ex(val, "detail", &d);
		printf("%-10s %-4s %s\n", key, json_object_get_boolean(a) ? "yes" : "no",
		       d ? json_object_get_string(d) : "");
	}
	return CVM_EXIT_OK;
}

const struct cvm_command cvm_cmd_probe = {
	.name = "probe",
	.usage = "probe [--json]",
	.summary = "report what this host supports (KVM, SELinux, seccomp, Landlock, TPM, ...)",
	.recover_first = false,
	.run = probe_run,
};
