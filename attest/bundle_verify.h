/* Verify a cvm-evidence/1 bundle (DESIGN §6): the AK is trusted, the quote
 * verifies (signature, nonce, PCR digest), the event log replays to the
 * quoted PCR, every record is in the log, each record meets the policy, and
 * an SNP report inside the bundle verifies and matches the records'
 * expected measurement; a TDX quote likewise, through its own hook, and the
 * record must be a TDX launch. Checks:
 *   tpm.ak_trusted  tpm.signature tpm.magic tpm.nonce tpm.type
 *   tpm.pcr_selection tpm.pcr_digest  eventlog.replay  bundle.records
 *   record.logged record.format record.tenant record.seccomp record.selinux
 *   record.landlock record.confidential_type record.measurement
 *   record.emulator record.seccomp_bpf record.namespaces record.uid_range
 *   record.unique_uid record.label record.sandbox_verified
 *   record.no_new_privs record.capabilities  snp.* (by the SNP verifier)
 *   snp.measurement_matches_record
 *   tdx.* (by the TDX verifier)  tdx.record_type  tdx.mrtd_matches_record
 * (with several records: "record[N].x"). */
#ifndef CVM_BUNDLE_VERIFY_H
#define CVM_BUNDLE_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "bundle.h"
#include "cvm_err.h"
#include "evidence_policy.h"
#include "verdict.h"

/* Verifies the bundle's SNP report (b->snp_*) into @v: the SNP verifier is
 * another module, reached through this hook so the bundle code does not
 * depend on its roots and policy plumbing. Returns -1 only on bad input. */
typedef int (*cvm_bundle_snp_verify_fn)(void *ctx, const struct cvm_bundle *b, struct cvm_verdict *v, cvm_err *err);

/* The same for the bundle's TDX quote (b->tdx_*). */
typedef int (*cvm_bundle_tdx_verify_fn)(void *ctx, const struct cvm_bundle *b, struct cvm_verdict *v, cvm_err *err);

struct cvm_bundle_verify_in {
	const struct cvm_bundle *bundle;
	const struct cvm_evidence_policy *policy;
	const uint8_t *nonce; /* NULL: the quote must carry none (it always does) */
	size_t nonce_len;
	cvm_bundle_snp_verify_fn snp_verify; /* NULL: an SNP report present is an error check */
	void *snp_ctx;
	cvm_bundle_tdx_verify_fn tdx_verify; /* NULL: a TDX quote present is an error check */
	void *tdx_ctx;
};

/* 0 with the verdict filled; -1 on input that cannot be evaluated (the
 * quote or signature does not unmarshal, the AK is not a key). */
int cvm_bundle_verify(const struct cvm_bundle_verify_in *in, struct cvm_verdict *v, cvm_err *err);

/* Offset and size of MEASUREMENT in an SEV-SNP attestation report. */
#define CVM_BUNDLE_SNP_MEASUREMENT_OFF 0x90
#define CVM_BUNDLE_SNP_MEASUREMENT_LEN 48

#endif
