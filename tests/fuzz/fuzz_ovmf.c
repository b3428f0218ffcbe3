/* OVMF footer table + SEV metadata parser (firmware images are outside
 * input), and the SNP digest over whatever it accepts. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sev_hashes.h"
#include "sev_measure.h"
#include "sev_ovmf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cvm_ovmf o;
	if (cvm_ovmf_parse(data, size, &o, NULL) < 0)
		return 0;
	/* measuring walks every metadata page: keep huge sections out so a run
	 * stays fast (the parser itself already accepted them) */
	uint64_t pages = 0;
	for (size_t i = 0; i < o.n_sections; i++)
		pages += o.sections[i].size / 4096 + 1;
	if (pages > 4096)
		return 0;
	struct cvm_sev_hashes h;
	memset(&h, 0x5a, sizeof(h));
	struct cvm_measure_args a = { .mode = CVM_MEASURE_SNP, .vcpus = 2, .vcpu_sig = 0x800F12, .guest_features = 1 };
	uint8_t d[CVM_MEASURE_MAX_LEN];
	size_t n = 0;
	cvm_measure_image(&a, data, size, &h, d, &n, NULL);
	cvm_measure_image(&a, data, size, NULL, d, &n, NULL);
	a.mode = CVM_MEASURE_SEV_ES;
	cvm_measure_image(&a, data, size, &h, d, &n, NULL);
	return 0;
}
