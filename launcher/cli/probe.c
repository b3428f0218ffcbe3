/* cvm-launch probe [--json] */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "commands.h"
#include "cvm_cleanup.h"
#include "host_probe.h"


static int probe_run(struct cvm_ctx *ctx, int argc, char **argv, cvm_err *err)
{
	cvm_autojson json_object *o = NULL;
	bool json = false;
	int rc;

	rc = cvm_cmd_parse_json(&cvm_cmd_probe, argc, argv, 0, NULL, &json, err);
	if (rc != 0)
		return rc < 0 ? CVM_EXIT_BADINPUT : CVM_EXIT_OK;
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
