#include "cvm_json.h"

#include <errno.h>
#include <string.h>

#include <json-c/json.h>

#include "json_dupkey.h"

int cvm_json_parse_object(const char *text, const char *origin, struct json_object **out, cvm_err *err)
{
	json_tokener *tok = json_tokener_new();
	json_object *obj;
	size_t len = strlen(text);
	enum json_tokener_error jerr;
	size_t end;

	if (!tok)
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "%s: out of memory", origin);
	obj = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!obj || jerr != json_tokener_success) {
		json_object_put(obj);
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: invalid JSON at byte %zu: %s", origin, end,
				   jerr == json_tokener_continue ? "unexpected end of input"
								 : json_tokener_error_desc(jerr));
	}
	for (; end < len; end++) {
		if (!strchr(" \t\r\n", text[end])) {
			json_object_put(obj);
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: trailing data at byte %zu", origin, end);
		}
	}
	if (!json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: must be a JSON object", origin);
	}
	char dup[128];
	if (cvm_json_dupkey(text, dup, sizeof(dup))) {
		/* json-c keeps the last of two equal keys silently: refuse instead */
		json_object_put(obj);
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: key \"%s\" appears twice in one object", origin, dup);
	}
	*out = obj;
	return 0;
}

int cvm_json_int(struct json_object *o, long long lo, long long hi, long long *out)
{
	long long v;

	if (!o || !json_object_is_type(o, json_type_int))
		return -1;
	errno = 0;
	v = json_object_get_int64(o);
	if (errno != 0 || v < lo || v > hi)
		return -1;
	/* json-c saturates out-of-range numbers to INT64_MIN/MAX */
	*out = v;
	return 0;
}

int cvm_json_enum(struct json_object *o, const char *const *names)
{
	const char *s;

	if (!o || !json_object_is_type(o, json_type_string))
		return -1;
	s = json_object_get_string(o);
	for (int i = 0; names[i]; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}
