/* Launch-record policy evaluation (pure): one parsed launch record
 * ("cvm-launch-record/1", written by launcher/record.c) against the
 * "launch_record" policy section, each requirement a named check. */
#ifndef CVM_RECORD_CHECK_H
#define CVM_RECORD_CHECK_H

#include <stddef.h>

#include "evidence_policy.h"
#include "verdict.h"

struct json_object;

#define CVM_RECORD_FORMAT "cvm-launch-record/1"

/* A member by dotted path ("seccomp.mode"); NULL if absent. */
struct json_object *cvm_record_get(struct json_object *rec, const char *path);

/* Check @rec; names are "<prefix>.<check>". @all holds every record of the
 * bundle (including @rec) for the uid-uniqueness check. */
void cvm_record_check(const struct cvm_evidence_policy *p, struct json_object *rec, const char *prefix,
                      struct json_object *const *all, size_t n_all, struct cvm_verdict *v);

#endif
