/* Asking the guest's firmware/TDX module for an attestation report with
 * given report data: through configfs-tsm (Linux 6.7+,
 * Documentation/ABI/testing/configfs-tsm) or, for SEV-SNP, the older
 * /dev/sev-guest SNP_GET_REPORT ioctl. Paths are under a root prefix so
 * tests can use a fake tree. */
#ifndef CVM_GUEST_REPORT_H
#define CVM_GUEST_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cvm_err.h"

enum cvm_gr_via { CVM_GR_AUTO, CVM_GR_TSM, CVM_GR_SEV_GUEST };

struct cvm_gr_request {
	const char *root;       /* "" = this guest */
	enum cvm_gr_via via;
	uint8_t data[64];       /* report data (zero-padded) */
	const char *name;       /* configfs entry; NULL = a private one, removed after */
	int vmpl;               /* -1 = the kernel's default */
	bool want_certs;
};

struct cvm_gr_result {
	char via[16];           /* "configfs-tsm" or "sev-guest" */
	char provider[32];      /* "sev_guest", "tdx_guest", ... */
	unsigned long generation;
	uint8_t *report;        /* malloc'd */
	size_t report_len;
	uint8_t *certs;         /* malloc'd, may be NULL */
	size_t certs_len;
};

void cvm_gr_result_free(struct cvm_gr_result *r);

/* Fetch a report; checks that it carries @req->data where the provider's
 * format puts it. CVM_EXIT_FAILURE for interface errors and mismatches. */
int cvm_gr_get(const struct cvm_gr_request *req, struct cvm_gr_result *out, cvm_err *err);

#endif
