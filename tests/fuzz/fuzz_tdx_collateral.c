/* Fuzz the PCS collateral parsers: locating the signed "tcbInfo" /
 * "enclaveIdentity" bytes in a file, and parsing those values. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tdx_collateral.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* collateral files are text: the loader hands a NUL-terminated copy */
	char *text = malloc(size + 1);
	struct cvm_tdx_tcb_info *ti = malloc(sizeof(*ti));
	struct cvm_tdx_qe_identity *qi = malloc(sizeof(*qi));
	const char *body;
	size_t len;
	uint8_t sig[64];
	cvm_err err = { 0 };

	if (!text || !ti || !qi)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	if (cvm_tdx_signed_json(text, size, "tcbInfo", "fuzz", &body, &len, sig, &err) == 0)
		cvm_tdx_tcb_info_parse(body, len, ti, &err);
	if (cvm_tdx_signed_json(text, size, "enclaveIdentity", "fuzz", &body, &len, sig, &err) == 0)
		cvm_tdx_qe_identity_parse(body, len, qi, &err);
	/* the value parsers also see raw input */
	cvm_tdx_tcb_info_parse(text, size, ti, &err);
	free(qi);
	free(ti);
	free(text);
	return 0;
}
