#include "b64.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

static bool b64_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

int cvm_b64_decode(const char *in, size_t in_len, uint8_t **out, size_t *out_len)
{
	size_t pad = 0;
	uint8_t *buf;
	int n;

	/* EVP_DecodeBlock accepts whitespace and ignores what follows padding;
	 * evidence must have exactly one encoding, so validate first. */
	if (in_len % 4 != 0 || in_len / 4 * 3 > INT_MAX)
		return -1;
	if (in_len > 0 && in[in_len - 1] == '=')
		pad = (in_len > 1 && in[in_len - 2] == '=') ? 2 : 1;
	for (size_t i = 0; i < in_len - pad; i++)
		if (!b64_char(in[i]))
			return -1;
	buf = malloc(in_len / 4 * 3 + 1);
	if (!buf)
		return -1;
	n = in_len ? EVP_DecodeBlock(buf, (const unsigned char *)in, (int)in_len) : 0;
	if (n < 0 || (size_t)n < pad) {
		free(buf);
		return -1;
	}
	*out = buf;
	*out_len = (size_t)n - pad;
	return 0;
}

char *cvm_b64_encode(const uint8_t *in, size_t len)
{
	char *s;

	if (len > (size_t)INT_MAX / 4 * 3 - 3)
		return NULL;
	s = malloc((len + 2) / 3 * 4 + 1);
	if (!s)
		return NULL;
	EVP_EncodeBlock((unsigned char *)s, in, (int)len);
	return s;
}
