/* The result of a verification: one named check per claim, each pass, fail,
 * or "could not check" (which never counts as a pass), plus claims extracted
 * from the evidence. Shared by the SNP, TDX, TPM and bundle verifiers and the
 * one printer of attest-verify. */
#ifndef CVM_VERDICT_H
#define CVM_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct json_object;

enum cvm_check_result {
	CVM_CHECK_PASS = 0,
	CVM_CHECK_FAIL,    /* the evidence contradicts the claim or policy */
	CVM_CHECK_ERROR,   /* could not check (missing input, unsupported): rejects */
	CVM_CHECK_INFO,    /* informational, e.g. "measurement not pinned by policy" */
};

struct cvm_check {
	char name[48];     /* stable identifier, e.g. "snp.signature", "tpm.nonce" */
	enum cvm_check_result result;
	char detail[320];
};

struct cvm_verdict {
	struct cvm_check *checks;
	size_t n, cap;
	struct json_object *claims; /* owned; object of extracted values */
};

void cvm_verdict_init(struct cvm_verdict *v);
void cvm_verdict_free(struct cvm_verdict *v);
/* Append a check. Returns @result == CVM_CHECK_PASS || INFO ? 0 : -1, so a
 * caller can `if (cvm_verdict_add(...) < 0) ...` to stop early when later
 * checks depend on this one. */
int cvm_verdict_add(struct cvm_verdict *v, const char *name, enum cvm_check_result result,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Accepted only if at least one check passed and none failed or errored. */
bool cvm_verdict_accepted(const struct cvm_verdict *v);
/* Look up the result of a named check (-1 if absent). */
int cvm_verdict_result(const struct cvm_verdict *v, const char *name);
/* Text (one line per check, then "verdict: accepted|rejected") or JSON
 * {"verdict":..., "checks":[{name,result,detail}], "claims":{...}}. */
void cvm_verdict_print(const struct cvm_verdict *v, FILE *out, bool json);

static inline void cvm_verdict_freep(struct cvm_verdict *v)
{
	cvm_verdict_free(v);
}
#define cvm_autoverdict __attribute__((cleanup(cvm_verdict_freep)))

#endif
