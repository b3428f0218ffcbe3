/* Fuzz the seccomp policy parser (pure: text in, rules or an error out). A
 * parsed policy must also compile or fail cleanly. */
#include <stddef.h>
#include <stdint.h>

#include "seccomp_policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cvm_scp_policy p;
	cvm_err err = {0};

	if (cvm_scp_parse((const char *)data, size, "fuzz", &p, &err) == 0) {
		struct cvm_seccomp_bpf bpf;
		if (p.n <= 64 && cvm_scp_compile(&p, CVM_SCP_MODE_ENFORCE, "fuzz", &bpf, &err) == 0)
			cvm_seccomp_bpf_free(&bpf);
		cvm_scp_policy_free(&p);
	}
	return 0;
}
