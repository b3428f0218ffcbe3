/* Verifier policy for launch evidence: the "tpm" and "launch_record"
 * sections of an attest-verify policy file (the policy parser hands us the
 * raw json-c sections; we own their keys). Unknown keys are errors.
 *
 *   "tpm": {
 *     "trusted_ak_sha256": ["<sha256 hex of the AK's DER SubjectPublicKeyInfo>", ...],
 *     "trusted_ak_pem": ["-----BEGIN PUBLIC KEY-----...", ...],
 *     "pcr": 23                      PCR the event log must replay to (default 23)
 *   }
 *   "launch_record": {
 *     "tenant": "web1",
 *     "seccomp": "enforce",          record seccomp.mode must equal
 *     "selinux": "enforcing",        record selinux.state must equal
 *     "landlock": "enforced",        record landlock.state must equal
 *     "confidential_type": "sev-snp" | ["sev-snp", "tdx"],
 *     "expected_measurement": "<hex>" | [...],  record confidential.expected_measurement ∈
 *     "emulator_sha256": ["<hex>", ...],        record emulator.sha256 ∈
 *     "seccomp_bpf_sha256": ["<hex>", ...],     record seccomp.bpf_sha256 ∈
 *     "namespaces": ["mount", "pid", ...],      all present in record namespaces
 *     "uid_range": [200000, 299999],            record uid and gid inside
 *     "require_label": true,         selinux.process_label set (and every image label)
 *     "require_sandbox_verified": true,
 *     "require_no_new_privs": true,
 *     "require_no_capabilities": true,
 *     "require_unique_uid": true     uid/gid not root and not shared with any
 *                                    other tenant's record in the bundle
 *   }
 * A policy with no trusted AK rejects every bundle (the quote would prove
 * nothing about whose TPM signed it). */
#ifndef CVM_EVIDENCE_POLICY_H
#define CVM_EVIDENCE_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "cvm_err.h"

struct json_object;

#define CVM_EVP_LIST_MAX 16

struct cvm_evidence_policy {
	/* tpm */
	char ak_sha256[CVM_EVP_LIST_MAX][65];
	size_t n_ak;
	unsigned pcr;
	/* launch_record */
	char tenant[64];
	char seccomp[16], selinux[16], landlock[16];
	char confidential_type[CVM_EVP_LIST_MAX][16];
	size_t n_ctype;
	char measurement[CVM_EVP_LIST_MAX][129];
	size_t n_meas;
	char emulator_sha256[CVM_EVP_LIST_MAX][65];
	size_t n_emu;
	char bpf_sha256[CVM_EVP_LIST_MAX][65];
	size_t n_bpf;
	char namespaces[CVM_EVP_LIST_MAX][16];
	size_t n_ns;
	bool uid_range_set;
	long long uid_lo, uid_hi;
	bool require_label, require_sandbox_verified, require_no_new_privs, require_no_capabilities, require_unique_uid;
};

void cvm_evidence_policy_init(struct cvm_evidence_policy *p);
/* Either section may be NULL (absent). Errors are CVM_EXIT_BADINPUT naming
 * the key. */
int cvm_evidence_policy_parse(struct json_object *tpm, struct json_object *launch_record, struct cvm_evidence_policy *p,
                              cvm_err *err);

#endif
