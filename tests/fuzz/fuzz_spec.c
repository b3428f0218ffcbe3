/* Fuzz the tenant spec parser (outside input: tenants submit specs). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct cvm_spec *spec = malloc(sizeof(*spec));
	cvm_err err = { 0 };

	if (text && spec) {
		memcpy(text, data, size);
		text[size] = '\0';
		(void)cvm_spec_parse(text, "fuzz", spec, &err);
	}
	free(spec);
	free(text);
	return 0;
}
