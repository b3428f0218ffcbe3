/* SEV-SNP report verification: format, signer, certificate chain (through
 * snp_chain.h), signature, TCB/hwID consistency with the VCEK, firmware
 * state, then the policy. Every finding is a named check in a verdict:
 *   snp.report.format  snp.signer  snp.vcek.extensions  snp.chain.root
 *   snp.chain  snp.crl  snp.product  snp.signature  snp.tcb.reported
 *   snp.tcb.current  snp.hwid  snp.firmware
 * and from the policy (snp_policy_eval.c):
 *   policy.confidential_type  snp.guest_policy  snp.signer.allowed
 *   snp.vmpl  snp.guest_svn  snp.tcb.minimum  snp.tcb.launch_minimum
 *   snp.measurement  snp.host_data  snp.id_key_digest
 *   snp.author_key_digest  snp.report_data
 * Claims go under "snp" in the verdict's claims object. */
#ifndef CVM_SNP_VERIFY_H
#define CVM_SNP_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "cvm_err.h"
#include "policy.h"
#include "snp_chain.h"
#include "snp_report.h"
#include "verdict.h"

struct cvm_snp_input {
	const uint8_t *report; /* exactly CVM_SNP_REPORT_SIZE bytes */
	size_t report_len;
	STACK_OF(X509) * certs; /* every certificate the caller has, any order; may be NULL */
	const uint8_t *nonce;   /* NULL: no nonce was given */
	size_t nonce_len;
	const struct cvm_policy *policy; /* never NULL (use cvm_policy_default()) */
};

/* Verify one report. Returns -1 only for input that is not a report at all
 * (wrong length: CVM_EXIT_BADINPUT in @err); everything else, including a
 * tampered or unsupported report, is a rejection recorded in @v. */
int cvm_snp_verify(struct cvm_snp_ctx *c, const struct cvm_snp_input *in, struct cvm_verdict *v, cvm_err *err);

/* Split an SNP_GET_EXT_REPORT output (report, then the cert table) and
 * append the table's certificates to @certs. A plain 1184-byte report adds
 * nothing. */
int cvm_snp_split_extended(const uint8_t *buf, size_t len, STACK_OF(X509) * certs, cvm_err *err);

/* ECDSA P-384 over SHA-384(report[0:0x2A0]) with little-endian R and S. */
int cvm_snp_signature_ok(EVP_PKEY *key, const uint8_t *report);

/* The policy checks (pure): @product selects the TCB layout. */
void cvm_snp_policy_eval(const struct cvm_snp_report *r, enum cvm_snp_product product, const struct cvm_snp_input *in,
                         struct cvm_verdict *v);

#endif
