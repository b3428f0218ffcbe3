/* A tenant's state as JSON (for ls/status --json) and as text. */
#ifndef CVM_TENANT_JSON_H
#define CVM_TENANT_JSON_H

#include <stdbool.h>
#include <stdio.h>

#include "state.h"

struct json_object;

/* @live: also ask the guest over QMP for its run state (status). */
struct json_object *cvm_tenant_json(const struct cvm_tenant_state *st, bool live);
void cvm_tenant_print_row(struct json_object *t, FILE *out);
void cvm_tenant_print_details(struct json_object *t, FILE *out);

#endif
