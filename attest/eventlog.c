#include "eventlog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "cvm_cleanup.h"
#include "cvm_fileio.h"
#include "cvm_json.h"

void cvm_evlog_free(struct cvm_evlog *log)
{
	free(log->e);
	memset(log, 0, sizeof(*log));
}

int cvm_evlog_append(struct cvm_evlog *log, const struct cvm_evlog_entry *entry)
{
	if (log->n == log->cap) {
		size_t cap = log->cap ? log->cap * 2 : 16;
		struct cvm_evlog_entry *n = realloc(log->e, cap * sizeof(*n));
		if (!n)
			return -1;
		log->e = n;
		log->cap = cap;
	}
	log->e[log->n++] = *entry;
	return 0;
}

static bool printable_id(const char *s)
{
	for (; *s; s++)
		if (*s <= ' ' || *s > '~' || *s == '"' || *s == '\\')
			return false;
	return true;
}

int cvm_evlog_record_split(const char *record, char *tenant, size_t tlen, char *uuid, size_t ulen)
{
	const char *slash = strchr(record, '/');
	size_t n;

	if (!slash || slash == record || strchr(slash + 1, '/') || !slash[1])
		return -1;
	n = (size_t)(slash - record);
	if (n >= tlen || strlen(slash + 1) >= ulen)
		return -1;
	memcpy(tenant, record, n);
	tenant[n] = '\0';
	snprintf(uuid, ulen, "%s", slash + 1);
	return 0;
}

static int copy_id(json_object *o, char *dst, size_t dlen)
{
	const char *s;

	if (!json_object_is_type(o, json_type_string))
		return -1;
	s = json_object_get_string(o);
	if (strlen(s) >= dlen || !printable_id(s))
		return -1;
	snprintf(dst, dlen, "%s", s);
	return 0;
}

static int entry_from_json(json_object *o, struct cvm_evlog_entry *e, cvm_err *err)
{
	long long v;
	bool have_seq = false, have_pcr = false, have_digest = false;

	memset(e, 0, sizeof(*e));
	if (!json_object_is_type(o, json_type_object))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "entry is not a JSON object");
	json_object_object_foreach(o, key, val)
	{
		if (strcmp(key, "seq") == 0) {
			if (cvm_json_int(val, 1, 0x7fffffff, &v) < 0)
				return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "\"seq\" must be a positive integer");
			e->seq = (unsigned long)v;
			have_seq = true;
		} else if (strcmp(key, "pcr") == 0) {
			if (cvm_json_int(val, 0, 23, &v) < 0)
				return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "\"pcr\" must be an integer 0-23");
			e->pcr = (unsigned)v;
			have_pcr = true;
		} else if (strcmp(key, "digest") == 0) {
			if (!json_object_is_type(val, json_type_string) || strlen(json_object_get_string(val)) != 64 ||
			    cvm_hex_decode(json_object_get_string(val), e->digest, 32) < 0)
				return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "\"digest\" must be 64 hex digits");
			have_digest = true;
		} else if (strcmp(key, "record") == 0) {
			char t[64], u[48];
			if (copy_id(val, e->record, sizeof(e->record)) < 0 ||
			    cvm_evlog_record_split(e->record, t, sizeof(t), u, sizeof(u)) < 0)
				return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "\"record\" must be \"<tenant>/<uuid>\"");
		} else if (strcmp(key, "boot_id") == 0) {
			if (copy_id(val, e->boot_id, sizeof(e->boot_id)) < 0)
				return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "\"boot_id\" is not a boot id");
		} else {
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "unknown key \"%s\"", key);
		}
	}
	if (!have_seq || !have_pcr || !have_digest)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "entry lacks \"%s\"",
		                   !have_seq   ? "seq"
		                   : !have_pcr ? "pcr"
		                               : "digest");
	return 0;
}

/* Sequence numbers run 1, 2, 3...: a gap or reordering means the log was
 * edited, which the replay would also catch, but this names it. */
static int check_seq(const struct cvm_evlog *log, const struct cvm_evlog_entry *e, cvm_err *err)
{
	unsigned long want = log->n ? log->e[log->n - 1].seq + 1 : 0;

	if (log->n && e->seq != want)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "seq %lu follows %lu", e->seq, log->e[log->n - 1].seq);
	return 0;
}

int cvm_evlog_parse_lines(const char *text, size_t len, const char *origin, struct cvm_evlog *log, cvm_err *err)
{
	size_t line = 0, off = 0;

	while (off < len) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t l = nl ? (size_t)(nl - (text + off)) : len - off;
		cvm_autofree char *buf = NULL;
		cvm_autojson json_object *o = NULL;
		struct cvm_evlog_entry e;

		line++;
		if (!nl)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s:%zu: incomplete last line", origin, line);
		buf = strndup(text + off, l);
		if (!buf)
			return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
		if (strlen(buf) != l || cvm_json_parse_object(buf, origin, &o, err) < 0)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s:%zu: not a JSON object", origin, line);
		if (entry_from_json(o, &e, err) < 0 || check_seq(log, &e, err) < 0)
			return cvm_err_prefix(err, "%s:%zu: ", origin, line);
		if (cvm_evlog_append(log, &e) < 0)
			return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
		off += l + 1;
	}
	return 0;
}

int cvm_evlog_from_json(json_object *arr, struct cvm_evlog *log, cvm_err *err)
{
	if (!json_object_is_type(arr, json_type_array))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "\"eventlog\" must be an array");
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct cvm_evlog_entry e;
		if (entry_from_json(json_object_array_get_idx(arr, i), &e, err) < 0 || check_seq(log, &e, err) < 0)
			return cvm_err_prefix(err, "eventlog[%zu]: ", i);
		if (cvm_evlog_append(log, &e) < 0)
			return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	}
	return 0;
}

json_object *cvm_evlog_entry_json(const struct cvm_evlog_entry *e, bool redact)
{
	json_object *o = json_object_new_object();
	char hex[65];

	cvm_hex_encode(e->digest, 32, hex);
	json_object_object_add(o, "seq", json_object_new_int64((int64_t)e->seq));
	json_object_object_add(o, "pcr", json_object_new_int((int)e->pcr));
	json_object_object_add(o, "digest", json_object_new_string(hex));
	if (!redact && e->record[0])
		json_object_object_add(o, "record", json_object_new_string(e->record));
	if (e->boot_id[0])
		json_object_object_add(o, "boot_id", json_object_new_string(e->boot_id));
	return o;
}

char *cvm_evlog_entry_line(const struct cvm_evlog_entry *e)
{
	cvm_autojson json_object *o = cvm_evlog_entry_json(e, false);
	char *line = NULL;

	if (!o ||
	    asprintf(&line, "%s\n",
	             json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)) < 0)
		return NULL;
	return line;
}

void cvm_evlog_extend(uint8_t pcr[32], const uint8_t digest[32])
{
	uint8_t buf[64];
	unsigned n = 32;

	memcpy(buf, pcr, 32);
	memcpy(buf + 32, digest, 32);
	EVP_Digest(buf, sizeof(buf), pcr, &n, EVP_sha256(), NULL);
}

size_t cvm_evlog_replay(const struct cvm_evlog *log, unsigned pcr, uint8_t out[32])
{
	size_t n = 0;

	memset(out, 0, 32);
	for (size_t i = 0; i < log->n; i++) {
		if (log->e[i].pcr != pcr)
			continue;
		cvm_evlog_extend(out, log->e[i].digest);
		n++;
	}
	return n;
}
