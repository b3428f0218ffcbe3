#include "json_dupkey.h"

#include <stdio.h>
#include <string.h>

#define MAX_DEPTH 128 /* json-c's default parser depth is 32 */
#define MAX_KEYS 4096

struct span {
	const char *p;
	size_t n;
};

/* Index just past the closing quote of the string opening at @s[0]. */
static size_t string_end(const char *s)
{
	size_t i = 1;

	while (s[i] && s[i] != '"')
		i += s[i] == '\\' && s[i + 1] ? 2 : 1;
	return s[i] ? i + 1 : i;
}

bool cvm_json_dupkey(const char *text, char *key, size_t size)
{
	/* Per open container: is it an object, does a key come next, and where
	 * its keys start in @keys (a nested object's keys follow its parent's
	 * and are dropped when it closes). */
	struct {
		bool object, want_key;
		size_t first;
	} stack[MAX_DEPTH];
	struct span keys[MAX_KEYS];
	size_t depth = 0, nkeys = 0;

	for (const char *p = text; *p;) {
		switch (*p) {
		case '{':
		case '[':
			if (depth == MAX_DEPTH)
				return false; /* deeper than any parser here accepts */
			stack[depth].object = *p == '{';
			stack[depth].want_key = *p == '{';
			stack[depth].first = nkeys;
			depth++;
			p++;
			break;
		case '}':
		case ']':
			if (depth)
				nkeys = stack[--depth].first;
			p++;
			break;
		case ',':
			if (depth && stack[depth - 1].object)
				stack[depth - 1].want_key = true;
			p++;
			break;
		case '"': {
			size_t len = string_end(p);
			if (depth && stack[depth - 1].want_key) {
				struct span k = {p + 1, len >= 2 ? len - 2 : 0};
				for (size_t i = stack[depth - 1].first; i < nkeys; i++) {
					if (keys[i].n == k.n && memcmp(keys[i].p, k.p, k.n) == 0) {
						snprintf(key, size, "%.*s", (int)k.n, k.p);
						return true;
					}
				}
				if (nkeys < MAX_KEYS)
					keys[nkeys++] = k;
				stack[depth - 1].want_key = false;
			}
			p += len;
			break;
		}
		default:
			p++;
		}
	}
	return false;
}
