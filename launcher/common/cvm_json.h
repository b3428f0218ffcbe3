/* json-c helpers: strict parsing (one object, nothing after it) and checked
 * integer/enum extraction for the spec, host config, policy and bundle. */
#ifndef CVM_JSON_H
#define CVM_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "cvm_err.h"

struct json_object;

/* Parse @text as exactly one JSON object (trailing garbage, non-objects and
 * an object holding one key twice are errors naming @origin and the position
 * or key). *out is owned by the caller. */
int cvm_json_parse_object(const char *text, const char *origin, struct json_object **out, cvm_err *err);
/* An integer (not a double, not a string) within [lo, hi]; -1 otherwise. */
int cvm_json_int(struct json_object *o, long long lo, long long hi, long long *out);
/* A string equal to one of @names (NULL-terminated); returns its index or -1. */
int cvm_json_enum(struct json_object *o, const char *const *names);

#endif
