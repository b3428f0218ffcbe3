/* The launch event log (pure parsing, formatting and replay).
 *
 * Every launch the supervisor records appends one entry and extends its
 * digest into a TPM PCR, so the log replays to the PCR value the TPM
 * quotes: PCR_new = SHA-256(PCR_old || digest), from 32 zero bytes (the
 * value of a resettable PCR such as 23 after a TPM reset, i.e. a host boot).
 * On disk it is JSON lines, one object per entry:
 *   {"seq":1,"pcr":23,"digest":"<sha256 hex of the record's bytes>",
 *    "record":"<tenant>/<uuid>","boot_id":"<host boot id>"}
 * "record" names whose launch it was; a bundle leaves it out for other
 * tenants' entries (their digests are still needed for the replay, their
 * names are not the verifier's business). Unknown keys are errors. */
#ifndef CVM_EVENTLOG_H
#define CVM_EVENTLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cvm_err.h"

struct json_object;

#define CVM_EVLOG_RECORD_MAX 96 /* "<tenant ≤48>/<uuid 36>" */

struct cvm_evlog_entry {
	unsigned long seq;
	unsigned pcr;
	uint8_t digest[32];
	char record[CVM_EVLOG_RECORD_MAX]; /* "" when redacted */
	char boot_id[40];                  /* "" when not recorded */
};

struct cvm_evlog {
	struct cvm_evlog_entry *e;
	size_t n, cap;
};

void cvm_evlog_free(struct cvm_evlog *log);
int cvm_evlog_append(struct cvm_evlog *log, const struct cvm_evlog_entry *entry);

/* Parse the JSON-lines file text (@origin names it in errors, with the line
 * number). Blank lines are not allowed: the file is written by us alone. */
int cvm_evlog_parse_lines(const char *text, size_t len, const char *origin, struct cvm_evlog *log, cvm_err *err);
/* Parse a JSON array of entry objects (the bundle's "eventlog"). */
int cvm_evlog_from_json(struct json_object *arr, struct cvm_evlog *log, cvm_err *err);
/* One entry as a JSON object (record omitted when @redact or empty). */
struct json_object *cvm_evlog_entry_json(const struct cvm_evlog_entry *e, bool redact);
/* One entry as a file line with its '\n'; malloc'd, NULL if out of memory. */
char *cvm_evlog_entry_line(const struct cvm_evlog_entry *e);

/* PCR extend and replay (SHA-256 bank). */
void cvm_evlog_extend(uint8_t pcr[32], const uint8_t digest[32]);
/* Replay the entries for @pcr; returns how many there were. */
size_t cvm_evlog_replay(const struct cvm_evlog *log, unsigned pcr, uint8_t out[32]);

/* Split "tenant/uuid"; -1 if malformed. */
int cvm_evlog_record_split(const char *record, char *tenant, size_t tlen, char *uuid, size_t ulen);

#endif
