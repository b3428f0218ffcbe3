/* Fuzz the "tdx" policy section parser and its evaluation: input is a policy
 * file (its "tdx" object is used) or a bare section object. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "policy_tdx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_tokener *tok = json_tokener_new();
	json_object *o, *sec = NULL;
	struct cvm_policy_tdx pol;
	struct cvm_tdx_quote q;
	struct cvm_verdict v;
	cvm_err err = { 0 };
	static const uint8_t nonce[16] = { 1, 2, 3 };

	if (!tok || size > 1 << 20)
		goto out;
	o = json_tokener_parse_ex(tok, (const char *)data, (int)size);
	if (!o)
		goto out;
	if (!json_object_object_get_ex(o, "tdx", &sec))
		sec = o;
	if (cvm_policy_tdx_parse(sec, &pol, &err) == 0) {
		memset(&q, 0, sizeof(q));
		q.version = 4;
		memcpy(q.body.mrtd, data, size < 48 ? size : 48);
		q.body.td_attributes = size;
		cvm_verdict_init(&v);
		cvm_policy_tdx_evaluate(&pol, &q, size & 1 ? nonce : NULL, sizeof(nonce), &v);
		cvm_verdict_free(&v);
	}
	json_object_put(o);
out:
	json_tokener_free(tok);
	return 0;
}
