/* A short table of what a launch applied and what was unavailable and why,
 * read back from the launch record (so it shows what was recorded, not what
 * was intended). */
#ifndef CVM_RECORD_SUMMARY_H
#define CVM_RECORD_SUMMARY_H

#include <stdio.h>

struct json_object;

void cvm_record_print_layers(struct json_object *record, FILE *out);

#endif
