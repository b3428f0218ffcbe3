/* cvm-launch ls [--json] */
#include <getopt.h>
#include <stdio.h>

#include <json-c/json.h>

#include "commands.h"
#include "cvm_cleanup.h"
#include "state.h"
#include "tenant_json.h"

static int ls_run(struct cvm_ctx *ctx, int argc, char **argv, cvm_err *err)
{
	cvm_autostrv char **names = NULL;
	cvm_autojson json_object *arr = json_object_new_array();
	bool json = false;
	int rc;

	rc = cvm_cmd_parse_json(&cvm_cmd_ls, argc, argv, 0, NULL, &json, err);
	if (rc != 0)
		return rc < 0 ? CVM_EXIT_BADINPUT : CVM_EXIT_OK;
	if (cvm_state_list(&ctx->cfg, &names, err) < 0)
		return err->exit_code;
	for (char **n = names; *n; n++) {
		struct cvm_tenant_state st;
		cvm_err e = { 0 };
		if (cvm_state_load(&ctx->cfg, *n, &st, &e) < 0)
			continue; /* removed between list and load */
		json_object_array_add(arr, cvm_tenant_json(&st, false));
		cvm_state_free(&st);
	}
	if (json) {
		printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
		return CVM_EXIT_OK;
	}
	printf("%-20s %-9s %-8s %-8s %-12s %s\n", "NAME", "STATUS", "PID", "UID", "MCS", "ACCEL");
	for (size_t i = 0; i < json_object_array_length(arr); i++)
		cvm_tenant_print_row(json_object_array_get_idx(arr, i), stdout);
	return CVM_EXIT_OK;
}

const struct cvm_command cvm_cmd_ls = {
	.name = "ls",
	.usage = "ls [--json]",
	.summary = "list tenants on this host",
	.recover_first = true,
	.run = ls_run,
};
