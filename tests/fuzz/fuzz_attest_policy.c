/* libFuzzer target: verifier policy JSON (policy.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct cvm_policy *p = NULL;
	cvm_err err = {0};

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (cvm_policy_parse(text, "fuzz", &p, &err) == 0)
		cvm_policy_free(p);
	free(text);
	return 0;
}
