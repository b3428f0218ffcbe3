/* Fuzz the host configuration parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hostcfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct cvm_hostcfg cfg;
	cvm_err err = { 0 };

	if (text) {
		memcpy(text, data, size);
		text[size] = '\0';
		cvm_hostcfg_defaults(&cfg);
		(void)cvm_hostcfg_parse(text, "fuzz", &cfg, &err);
	}
	free(text);
	return 0;
}
