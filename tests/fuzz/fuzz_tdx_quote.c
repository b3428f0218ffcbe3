/* Fuzz the TDX quote parser and what it hands on from outside input: the
 * PEM chain in the certification data and the PCK's SGX extensions. */
#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "tdx_pck.h"
#include "tdx_quote.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cvm_tdx_quote q;
	struct cvm_sgx_pck_ext ext;
	STACK_OF(X509) *chain = NULL;
	cvm_err err = { 0 };
	char names[128];

	if (cvm_tdx_quote_parse(data, size, &q, &err) < 0)
		return 0;
	cvm_tdx_attr_names(q.body.td_attributes, names, sizeof(names));
	if (cvm_tdx_pem_chain(q.pck_chain, q.pck_chain_len, &chain, &err) == 0) {
		cvm_sgx_pck_ext_parse(sk_X509_value(chain, 0), &ext, &err);
		sk_X509_pop_free(chain, X509_free);
	}
	return 0;
}
