/* Duplicate object keys in JSON text. json-c keeps the last of two equal
 * keys without a word, so a policy reading {"snp": {...}, "snp": {...}}
 * would silently apply only the second section: a reviewer and the
 * verifier would disagree about what the file says. */
#ifndef CVM_JSON_DUPKEY_H
#define CVM_JSON_DUPKEY_H

#include <stdbool.h>
#include <stddef.h>

/* Scan @text, which must already be valid JSON (e.g. accepted by
 * cvm_json_parse_object), for an object holding the same key twice. Keys
 * are compared as written (escapes not decoded). On a duplicate, copy the
 * key (truncated, quotes removed) to @key and return true. */
bool cvm_json_dupkey(const char *text, char *key, size_t size);

#endif
