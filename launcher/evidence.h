/* Host launch evidence (DESIGN §6): record each launch in the event log and
 * the TPM, and produce cvm-evidence/1 bundles for `cvm-launch evidence`.
 *
 * On disk, under the host state dir:
 *   eventlog.jsonl                 the log of this TPM boot (attest/eventlog.h)
 *   evidence/lock                  serialises append+extend and quote+read
 *   evidence/records/<sha256>.json exact copy of every recorded launch record,
 *                                  so a bundle can carry the bytes that were
 *                                  extended even after the tenant's own
 *                                  state is gone or relaunched
 *   evidence/eventlog.<N>.jsonl    logs of earlier TPM boots (kept for audit)
 *
 * The PCR (host config tpm_pcr, default 23) must only be extended by us.
 * PCR 23 is resettable from locality 0 (PC Client profile): that keeps it
 * free for applications, and means anyone with TPM access on the host can
 * reset it — launch evidence therefore proves what this host's launcher
 * recorded, bound to this host's TPM and to the verifier's nonce; it does
 * not defend against root on the host. */
#ifndef CVM_EVIDENCE_H
#define CVM_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include "cvm_err.h"
#include "hostcfg.h"

/* Returned (instead of -1) when no TPM is reachable through the configured
 * TCTI: nothing was written; the caller decides whether a launch without
 * TPM evidence may proceed. @err says which TCTI was tried. */
#define CVM_EVIDENCE_NO_TPM (-2)

/* Record one launch: read the record at @record_path, keep a copy, append
 * its SHA-256 to the event log (atomically) and extend it into the PCR.
 * If the PCR reads zero while the log is not empty, the TPM was reset (a
 * host boot): the old log is archived and a new one starts. If the PCR does
 * not match the log's replay otherwise, something else extends it: error,
 * nothing written. If the extend fails, the log is put back; if a launcher
 * died between append and extend (the log without its last entry replays
 * to the PCR), that entry is dropped. */
int cvm_evidence_record_launch(const struct cvm_hostcfg *cfg, const char *record_path, cvm_err *err);

/* Optional guest evidence to carry in the bundle (paths; NULL = none). */
struct cvm_evidence_guest {
	const char *snp_report; /* raw SNP report (1184 bytes) */
	const char *snp_vcek;   /* VCEK/VLEK, DER or PEM */
	const char *snp_chain;  /* ASK/ARK PEM bundle */
	const char *tdx_quote;  /* raw TDX quote (v4/v5); not with snp_report */
	/* Intel PCS collateral folder, laid out as `attest-verify tdx
	 * --collateral` reads it: tcbInfo.json, enclaveIdentity.json,
	 * tcbinfo_issuer_chain.pem, qeidentity_issuer_chain.pem, optional
	 * pckcrl and rootcrl (DER or PEM). */
	const char *tdx_collateral;
};

/* Quote the PCR with @nonce (1-64 bytes) and write the bundle for @tenant's
 * latest recorded launch to @out_path (atomically, mode 0644). */
int cvm_evidence_bundle(const struct cvm_hostcfg *cfg, const char *tenant, const uint8_t *nonce, size_t nonce_len,
                        const char *out_path, cvm_err *err);
int cvm_evidence_bundle_guest(const struct cvm_hostcfg *cfg, const char *tenant, const uint8_t *nonce, size_t nonce_len,
                              const struct cvm_evidence_guest *guest, const char *out_path, cvm_err *err);

/* The SHA-256 fingerprint (hex) of the AK the host config selects, as
 * policies pin it in "tpm": {"trusted_ak_sha256": [...]}. No TPM:
 * CVM_EVIDENCE_NO_TPM. */
int cvm_evidence_ak_fingerprint(const struct cvm_hostcfg *cfg, char out[65], cvm_err *err);

#endif
