#include "record_summary.h"

#include <string.h>

#include <json-c/json.h>

static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;

	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static const char *str(json_object *o, const char *key, const char *dflt)
{
	json_object *v = get(o, key);

	return v ? json_object_get_string(v) : dflt;
}

static void row(FILE *out, const char *layer, const char *state, const char *detail)
{
	fprintf(out, "  %-18s %-13s %s\n", layer, state, detail ? detail : "");
}

/* A layer object: {"state": "...", "detail"/"reason": "..."} or {"mode": ...}. */
static void layer_row(FILE *out, json_object *rec, const char *key, const char *label)
{
	json_object *o = get(rec, key);
	char detail[512] = "";

	if (!o) {
		row(out, label, "not applied", "not recorded by this launcher build");
		return;
	}
	if (json_object_is_type(o, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(o); i++) {
			size_t n = strlen(detail);
			snprintf(detail + n, sizeof(detail) - n, "%s%s", i ? "," : "",
				 json_object_get_string(json_object_array_get_idx(o, i)));
		}
		row(out, label, json_object_array_length(o) ? "applied" : "none", detail);
		return;
	}
	if (!json_object_is_type(o, json_type_object)) {
		row(out, label, json_object_get_string(o), "");
		return;
	}
	const char *state = str(o, "state", str(o, "mode", str(o, "type", "?")));
	json_object_object_foreach(o, k, v) {
		if (strcmp(k, "state") == 0 || strcmp(k, "mode") == 0 || strcmp(k, "type") == 0)
			continue;
		size_t n = strlen(detail);
		snprintf(detail + n, sizeof(detail) - n, "%s%s=%s", n ? ", " : "", k,
			 json_object_is_type(v, json_type_string) ? json_object_get_string(v)
								  : json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
	}
	row(out, label, state, detail);
}

void cvm_record_print_layers(struct json_object *rec, FILE *out)
{
	json_object *accel = get(rec, "accel");
	char buf[128];

	fprintf(out, "  %-18s %-13s %s\n", "LAYER", "STATE", "DETAIL");
	row(out, "accelerator", str(accel, "used", "?"), str(accel, "notice", str(accel, "kvm_probe", "")));
	layer_row(out, rec, "selinux", "SELinux sVirt");
	snprintf(buf, sizeof(buf), "uid %s gid %s", str(rec, "uid", "?"), str(rec, "gid", "?"));
	row(out, "uid/gid", strcmp(str(rec, "uid", "0"), "0") ? "unique" : "root (none)", buf);
	row(out, "capabilities", str(rec, "capabilities", "not dropped"), "");
	row(out, "no_new_privs", str(rec, "no_new_privs", "false"), "");
	layer_row(out, rec, "seccomp", "seccomp");
	layer_row(out, rec, "landlock", "Landlock");
	layer_row(out, rec, "namespaces", "namespaces");
	layer_row(out, rec, "confidential", "memory encryption");
	row(out, "verified (/proc)", str(rec, "sandbox_verified", "false"), "every thread of the guest process");
}
