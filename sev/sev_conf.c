#include "sev_conf.h"

#include <string.h>

#include <json-c/json.h>

static const char *const type_names[] = {
	[CVM_CONF_NONE] = "none",     [CVM_CONF_SEV] = "sev", [CVM_CONF_SEV_ES] = "sev-es",
	[CVM_CONF_SEV_SNP] = "sev-snp", [CVM_CONF_TDX] = "tdx",
};

const char *cvm_conf_type_name(enum cvm_conf_type t)
{
	return (unsigned)t < sizeof(type_names) / sizeof(type_names[0]) ? type_names[t] : "?";
}

int cvm_conf_parse(struct json_object *obj, struct cvm_conf_spec *out, cvm_err *err)
{
	memset(out, 0, sizeof(*out));
	out->type = CVM_CONF_NONE;
	if (!obj)
		return 0;
	if (!json_object_is_type(obj, json_type_object))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "confidential: must be an object");
	json_object_object_foreach(obj, key, val) {
		if (strcmp(key, "type") != 0)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "confidential.%s: unknown key", key);
		const char *s = json_object_is_type(val, json_type_string) ? json_object_get_string(val) : NULL;
		if (!s)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "confidential.type: must be a string");
		if (strcmp(s, "none") != 0)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
					   "confidential.type: '%s' is not supported by this build", s);
	}
	return 0;
}
