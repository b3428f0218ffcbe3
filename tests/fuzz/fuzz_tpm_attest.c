/* TPM evidence parsers: the input as a TPMS_ATTEST, a TPMT_SIGNATURE and a
 * PCR file of every format; what parses is pushed through the PCR digest,
 * selection formatting and the event-log line parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cvm_cleanup.h"
#include "eventlog.h"
#include "tpm_quote.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum cvm_tpm_pcrs_format fmts[] = {CVM_TPM_PCRS_AUTO, CVM_TPM_PCRS_SERIALIZED,
	                                                CVM_TPM_PCRS_MARSHALED, CVM_TPM_PCRS_VALUES};
	cvm_autofree struct cvm_tpm_pcrs *pcrs = calloc(1, sizeof(*pcrs));
	cvm_autofree char *text = malloc(size + 1);
	struct cvm_evlog log = {0};
	TPMS_ATTEST a;
	TPMT_SIGNATURE sig;
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned mdlen;
	char why[128], sel[256];
	bool quote = false;

	if (!pcrs || !text)
		return 0;
	setenv("TSS2_LOG", "all+none", 0);
	if (cvm_tpm_attest_unmarshal(data, size, &a, NULL) == 0 && a.type == TPM2_ST_ATTEST_QUOTE) {
		quote = true;
		cvm_tpm_selection_format(&a.attested.quote.pcrSelect, sel, sizeof(sel));
	}
	cvm_tpm_sig_unmarshal(data, size, &sig, NULL);
	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		if (cvm_tpm_pcrs_parse(data, size, fmts[i], quote ? &a.attested.quote.pcrSelect : NULL, pcrs, NULL) < 0)
			continue;
		cvm_tpm_selection_format(&pcrs->sel, sel, sizeof(sel));
		cvm_tpm_pcr_digest(pcrs, &pcrs->sel, TPM2_ALG_SHA256, md, &mdlen, why, sizeof(why));
		if (quote)
			cvm_tpm_selection_equal(&pcrs->sel, &a.attested.quote.pcrSelect);
	}
	memcpy(text, data, size);
	text[size] = '\0';
	if (cvm_evlog_parse_lines(text, size, "fuzz", &log, NULL) == 0) {
		uint8_t pcr[32];
		cvm_evlog_replay(&log, 23, pcr);
	}
	cvm_evlog_free(&log);
	return 0;
}
