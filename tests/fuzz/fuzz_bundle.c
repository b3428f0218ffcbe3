/* The cvm-evidence/1 bundle parser, then everything a verifier does with a
 * parsed bundle (quote, event log, records, policy checks), then a
 * format/parse round trip that must succeed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "bundle_verify.h"
#include "cvm_cleanup.h"
#include "evidence_policy.h"
#include "verdict.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cvm_autofree char *text = malloc(size + 1);
	cvm_autobundle struct cvm_bundle b = {0};
	struct cvm_evidence_policy pol;
	cvm_autoverdict struct cvm_verdict v;
	cvm_autofree char *again = NULL;

	if (!text)
		return 0;
	setenv("TSS2_LOG", "all+none", 0);
	memcpy(text, data, size);
	text[size] = '\0';
	cvm_verdict_init(&v);
	if (cvm_bundle_parse(text, &b, NULL) < 0)
		return 0;
	cvm_evidence_policy_init(&pol);
	pol.require_unique_uid = pol.require_label = pol.require_sandbox_verified = true;
	pol.uid_range_set = true;
	pol.uid_lo = 1000;
	pol.uid_hi = 2000;
	snprintf(pol.seccomp, sizeof(pol.seccomp), "enforce");
	pol.n_ns = 1;
	snprintf(pol.namespaces[0], sizeof(pol.namespaces[0]), "pid");
	struct cvm_bundle_verify_in in = {
	    .bundle = &b, .policy = &pol, .nonce = b.nonce.data, .nonce_len = b.nonce.len};
	cvm_bundle_verify(&in, &v, NULL);
	again = cvm_bundle_format(&b, NULL);
	if (again) {
		cvm_autobundle struct cvm_bundle b2 = {0};
		if (cvm_bundle_parse(again, &b2, NULL) < 0)
			abort(); /* what we write, we must read back */
	}
	return 0;
}
