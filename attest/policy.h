/* Verifier policy (JSON, format in docs/cvm-attest-policy.5): what
 * attest-verify requires of evidence beyond its cryptographic validity.
 *
 * Layout: one top-level object with common keys and one section per
 * evidence kind:
 *   { "nonce_binding": "raw", "require_nonce": true, "confidential_type": "sev-snp",
 *     "snp": {...}, "tdx": {...}, "tpm": {...}, "launch_record": {...} }
 *
 * This file parses the common keys and the "snp" section fully (unknown keys
 * are errors naming the key). The "tdx", "tpm" and "launch_record" sections
 * are only checked to be objects and kept as raw json-c references: the
 * verifier that owns each format parses its section itself (for example
 * cvm_policy_tdx_parse() in policy_tdx.c) and reports unknown keys there, so
 * adding keys to one section never touches this file. A section that was
 * absent is NULL. */
#ifndef CVM_POLICY_H
#define CVM_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cvm_err.h"

struct json_object;

#define CVM_POLICY_MAX_DIGESTS 32

/* How REPORT_DATA (SNP) / REPORTDATA (TDX) binds the verifier's nonce. */
enum cvm_nonce_binding {
	CVM_NONCE_RAW = 0, /* the nonce itself (<= 64 bytes), zero-padded to 64 */
	CVM_NONCE_SHA256,  /* SHA-256(nonce), zero-padded */
	CVM_NONCE_SHA384,  /* SHA-384(nonce), zero-padded */
	CVM_NONCE_SHA512,  /* SHA-512(nonce), all 64 bytes */
};
const char *cvm_nonce_binding_name(enum cvm_nonce_binding b);
/* The 64-byte value @binding expects for @nonce; -1 if a raw nonce is longer
 * than 64 bytes. */
int cvm_nonce_expected(enum cvm_nonce_binding binding, const uint8_t *nonce, size_t len, uint8_t out[64]);

/* A minimum TCB: each component is -1 when the policy does not constrain it. */
struct cvm_policy_tcb {
	bool set;
	int fmc, bl, tee, snp, ucode;
};

struct cvm_policy_snp {
	bool present;           /* the file had an "snp" section */
	uint64_t allowed_bits;  /* guest POLICY flags that may be set */
	uint64_t required_bits; /* guest POLICY flags that must be set */
	bool allow_vcek, allow_vlek;
	struct cvm_policy_tcb min_tcb, min_launch_tcb;
	bool has_min_guest_svn;
	uint32_t min_guest_svn;
	int vmpl; /* -1: any */
	size_t n_measurements;
	uint8_t measurements[CVM_POLICY_MAX_DIGESTS][48];
	bool has_host_data;
	uint8_t host_data[32];
	size_t n_id_key_digests, n_author_key_digests;
	uint8_t id_key_digests[CVM_POLICY_MAX_DIGESTS][48];
	uint8_t author_key_digests[CVM_POLICY_MAX_DIGESTS][48];
	bool allow_provisional_firmware;
};

struct cvm_policy {
	char origin[256]; /* file path, or "built-in default policy" */
	bool is_default;
	enum cvm_nonce_binding nonce_binding;
	bool require_nonce;
	const char *confidential_type; /* "sev-snp", "tdx", "none", or NULL (any) */
	struct cvm_policy_snp snp;
	/* Raw sections for the other verifiers (owned references, NULL if absent). */
	struct json_object *tdx, *tpm, *launch_record;
};

/* The built-in default: every cryptographic and consistency check applies,
 * debug is not allowed, nothing else is pinned (the verifiers say so with
 * INFO checks). Never fails except on out-of-memory (aborts). */
struct cvm_policy *cvm_policy_default(void);
/* Parse policy JSON text; @origin names it in errors. Errors are
 * CVM_EXIT_BADINPUT naming the key ("policy p.json: snp.vmpl: ..."). */
int cvm_policy_parse(const char *text, const char *origin, struct cvm_policy **out, cvm_err *err);
int cvm_policy_load(const char *path, struct cvm_policy **out, cvm_err *err);
void cvm_policy_free(struct cvm_policy *p);

static inline void cvm_policy_freep(struct cvm_policy **p)
{
	cvm_policy_free(*p);
}
#define cvm_autopolicy __attribute__((cleanup(cvm_policy_freep)))

#endif
