#include "verdict.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

static const char *result_name(enum cvm_check_result r)
{
	switch (r) {
	case CVM_CHECK_PASS:
		return "pass";
	case CVM_CHECK_FAIL:
		return "fail";
	case CVM_CHECK_ERROR:
		return "error";
	case CVM_CHECK_INFO:
		return "info";
	default:
		return "error";
	}
}

void cvm_verdict_init(struct cvm_verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->claims = json_object_new_object();
}

void cvm_verdict_free(struct cvm_verdict *v)
{
	free(v->checks);
	json_object_put(v->claims);
	memset(v, 0, sizeof(*v));
}

int cvm_verdict_add(struct cvm_verdict *v, const char *name, enum cvm_check_result result,
		    const char *fmt, ...)
{
	struct cvm_check *c;
	va_list ap;

	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 32;
		struct cvm_check *n = realloc(v->checks, cap * sizeof(*n));
		if (!n)
			abort(); /* a verifier that silently drops a check is worse than none */
		v->checks = n;
		v->cap = cap;
	}
	c = &v->checks[v->n++];
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->result = result;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
	return (result == CVM_CHECK_PASS || result == CVM_CHECK_INFO) ? 0 : -1;
}

bool cvm_verdict_accepted(const struct cvm_verdict *v)
{
	bool any_pass = false;

	for (size_t i = 0; i < v->n; i++) {
		if (v->checks[i].result == CVM_CHECK_FAIL || v->checks[i].result == CVM_CHECK_ERROR)
			return false;
		if (v->checks[i].result == CVM_CHECK_PASS)
			any_pass = true;
	}
	return any_pass;
}

int cvm_verdict_result(const struct cvm_verdict *v, const char *name)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->checks[i].name, name) == 0)
			return (int)v->checks[i].result;
	return -1;
}

void cvm_verdict_print(const struct cvm_verdict *v, FILE *out, bool json)
{
	bool ok = cvm_verdict_accepted(v);

	if (!json) {
		for (size_t i = 0; i < v->n; i++)
			fprintf(out, "%-5s %-28s %s\n", result_name(v->checks[i].result), v->checks[i].name,
				v->checks[i].detail);
		fprintf(out, "verdict: %s\n", ok ? "accepted" : "rejected");
		return;
	}
	json_object *root = json_object_new_object();
	json_object *arr = json_object_new_array();
	json_object_object_add(root, "verdict", json_object_new_string(ok ? "accepted" : "rejected"));
	for (size_t i = 0; i < v->n; i++) {
		json_object *c = json_object_new_object();
		json_object_object_add(c, "name", json_object_new_string(v->checks[i].name));
		json_object_object_add(c, "result", json_object_new_string(result_name(v->checks[i].result)));
		json_object_object_add(c, "detail", json_object_new_string(v->checks[i].detail));
		json_object_array_add(arr, c);
	}
	json_object_object_add(root, "checks", arr);
	json_object_object_add(root, "claims", json_object_get(v->claims));
	fprintf(out, "%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
}
