/* Values a TDX quote asserts, as verdict claims (hex strings, names). */
#ifndef CVM_TDX_CLAIMS_H
#define CVM_TDX_CLAIMS_H

#include "tdx_pck.h"
#include "tdx_quote.h"

struct json_object;

/* Add the quote's fields (and the PCK's platform values when @ext is not
 * NULL) to the JSON object @claims. */
void cvm_tdx_claims(struct json_object *claims, const struct cvm_tdx_quote *q, const struct cvm_sgx_pck_ext *ext);

#endif
