/* cvm-launch status NAME [--json] */
#include <getopt.h>
#include <stdio.h>

#include <json-c/json.h>

#include "commands.h"
#include "cvm_cleanup.h"
#include "state.h"
#include "tenant_json.h"

static int status_run(struct cvm_ctx *ctx, int argc, char **argv, cvm_err *err)
{
	struct cvm_tenant_state st;
	cvm_autojson json_object *o = NULL;
	bool json = false;
	int rc;

	rc = cvm_cmd_parse_json(&cvm_cmd_status, argc, argv, 1, "tenant NAME", &json, err);
	if (rc != 0)
		return rc < 0 ? CVM_EXIT_BADINPUT : CVM_EXIT_OK;
	if (cvm_state_load(&ctx->cfg, argv[optind], &st, err) < 0)
		return err->exit_code;
	o = cvm_tenant_json(&st, true);
	cvm_state_free(&st);
	if (json)
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	else
		cvm_tenant_print_details(o, stdout);
	return CVM_EXIT_OK;
}

const struct cvm_command cvm_cmd_status = {
	.name = "status",
	.usage = "status NAME [--json]",
	.summary = "show one tenant: state, pids, uid, label, guest run state",
	.recover_first = true,
	.run = status_run,
};
