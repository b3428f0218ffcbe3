/* The spec's "confidential" object and what it makes the launcher do: the
 * contract between launcher/ and sev/.
 *
 * Spec keys (unknown keys are errors; each key is valid only for the types
 * named, any other use is an error naming the key):
 *   type            "none" | "sev" | "sev-es" | "sev-snp" | "tdx"
 *   policy          sev, sev-es, sev-snp: an object of named bits, or a raw
 *                   value (integer or "0x..." string). Named bits not given
 *                   keep QEMU's default policy (SEV 0x1, SEV-ES 0x5, SNP
 *                   0x30000). SEV: debug, key_sharing, send, domain, sev.
 *                   SNP: smt, migrate_ma, debug, single_socket, cxl_allow,
 *                   mem_aes_256_xts, rapl_dis, ciphertext_hiding,
 *                   page_swap_disable (booleans), abi_major, abi_minor (0..255).
 *   kernel_hashes   sev, sev-es, sev-snp: bool, QEMU puts the kernel/initrd/
 *                   cmdline hashes where OVMF checks them (and the measurement
 *                   covers them). Default false.
 *   cbitpos, reduced_phys_bits   sev*: integers; default from the host's
 *                   CPUID 0x8000001F (cvm_conf_resolve()).
 *   host_data       sev-snp: 64 hex digits (32 bytes), as SNP reports print
 *                   HOST_DATA; passed to QEMU in base64.
 *   id_block, id_auth  sev-snp: files (raw 96-byte ID block / 4096-byte ID
 *                   authentication structure, or the same in base64 text).
 *   author_key      sev-snp: bool, the ID auth carries an author key.
 *   vcpu_type       sev-es, sev-snp: QEMU CPU model whose signature the
 *                   measurement's VMSAs carry; default "EPYC-v4". The guest
 *                   must run with that -cpu model.
 *   guest_features  sev-snp: VMSA SEV_FEATURES for the measurement; integer
 *                   or "0x..." string; default 0x1 (QEMU >= 9.1).
 *   attributes      tdx: object of named bits (debug, sept_ve_disable, pks,
 *                   perfmon) or a raw value; default sept_ve_disable (QEMU's).
 *   mrconfigid, mrowner, mrownerconfig  tdx: 96 hex digits (48 bytes).
 *   quote_socket    tdx: "vsock:CID:PORT" or "unix:PATH" (or an absolute
 *                   path) of the quote generation service.
 */
#ifndef CVM_SEV_CONF_H
#define CVM_SEV_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cvm_argv.h"
#include "cvm_err.h"

struct json_object;
struct cvm_sev_host;
struct cvm_qemu_caps;

enum cvm_conf_type {
	CVM_CONF_NONE = 0,
	CVM_CONF_SEV,
	CVM_CONF_SEV_ES,
	CVM_CONF_SEV_SNP,
	CVM_CONF_TDX,
};

/* SEV/SEV-ES guest policy (AMD SEV API, LAUNCH_START). */
#define CVM_SEV_POLICY_NODBG (1u << 0)
#define CVM_SEV_POLICY_NOKS (1u << 1)
#define CVM_SEV_POLICY_ES (1u << 2)
#define CVM_SEV_POLICY_NOSEND (1u << 3)
#define CVM_SEV_POLICY_DOMAIN (1u << 4)
#define CVM_SEV_POLICY_SEV (1u << 5)
#define CVM_SEV_POLICY_DEFAULT CVM_SEV_POLICY_NODBG

/* SEV-SNP guest policy (SNP firmware ABI, SNP_LAUNCH_START). */
#define CVM_SNP_POLICY_ABI_MINOR_SHIFT 0
#define CVM_SNP_POLICY_ABI_MAJOR_SHIFT 8
#define CVM_SNP_POLICY_SMT (1ull << 16)
#define CVM_SNP_POLICY_RESERVED1 (1ull << 17) /* must be 1 */
#define CVM_SNP_POLICY_MIGRATE_MA (1ull << 18)
#define CVM_SNP_POLICY_DEBUG (1ull << 19)
#define CVM_SNP_POLICY_SINGLE_SOCKET (1ull << 20)
#define CVM_SNP_POLICY_CXL_ALLOW (1ull << 21)
#define CVM_SNP_POLICY_MEM_AES_256_XTS (1ull << 22)
#define CVM_SNP_POLICY_RAPL_DIS (1ull << 23)
#define CVM_SNP_POLICY_CIPHERTEXT_HIDING (1ull << 24)
#define CVM_SNP_POLICY_PAGE_SWAP_DISABLE (1ull << 25)
#define CVM_SNP_POLICY_DEFINED_MASK ((1ull << 26) - 1)
#define CVM_SNP_POLICY_DEFAULT (CVM_SNP_POLICY_SMT | CVM_SNP_POLICY_RESERVED1)

/* TDX TD attributes. */
#define CVM_TDX_ATTR_DEBUG (1ull << 0)
#define CVM_TDX_ATTR_SEPT_VE_DISABLE (1ull << 28)
#define CVM_TDX_ATTR_PKS (1ull << 30)
#define CVM_TDX_ATTR_PERFMON (1ull << 63)
#define CVM_TDX_ATTR_DEFAULT CVM_TDX_ATTR_SEPT_VE_DISABLE

#define CVM_CONF_PATH_MAX 4096

struct cvm_conf_spec {
	enum cvm_conf_type type;
	uint64_t policy;            /* SEV/SNP guest policy, composed (always valid for the type) */
	bool policy_set;            /* the spec gave one (else the type's default) */
	unsigned cbitpos, reduced_phys_bits; /* 0 = not given: cvm_conf_resolve() fills them */
	bool kernel_hashes;
	/* SNP */
	uint8_t host_data[32];
	bool host_data_set;
	char id_block[CVM_CONF_PATH_MAX]; /* file paths, "" when absent */
	char id_auth[CVM_CONF_PATH_MAX];
	bool author_key;
	char vcpu_type[32];         /* for the expected measurement, default EPYC-v4 */
	uint64_t guest_features;    /* SNP VMSA sev_features, default 0x1 */
	/* TDX */
	uint64_t tdx_attributes;
	uint8_t mrconfigid[48], mrowner[48], mrownerconfig[48];
	bool mrconfigid_set, mrowner_set, mrownerconfig_set;
	char quote_socket[CVM_CONF_PATH_MAX + 8]; /* "vsock:CID:PORT" or "unix:PATH", "" when absent */
};

const char *cvm_conf_type_name(enum cvm_conf_type t);

/* Parse the spec's "confidential" object (NULL = absent = none). Unknown keys,
 * wrong types and bad values fail with CVM_EXIT_BADINPUT naming
 * "confidential.<key>". Pure: files named are not opened here. */
int cvm_conf_parse(struct json_object *obj, struct cvm_conf_spec *out, cvm_err *err);

/* Names of the set policy (or TDX attribute) bits, comma-separated, for
 * records and messages ("smt,debug"; "" if none). */
void cvm_conf_policy_names(const struct cvm_conf_spec *c, char *buf, size_t len);

/* The spec as the launch record keeps it: type, policy (hex and named
 * bits), kernel_hashes, host_data, vcpu_type, guest_features, TDX fields. */
void cvm_conf_to_json(const struct cvm_conf_spec *c, struct json_object *out);

/* Refuse what the host or the emulator cannot do: CVM_EXIT_BADINPUT naming
 * every missing piece ("QEMU 7.2 has no sev-snp-guest; 9.1 or newer is
 * needed; host: SEV-SNP not enabled (...)"). Type none always passes. */
int cvm_conf_check_support(const struct cvm_conf_spec *c, const struct cvm_sev_host *host,
			   const struct cvm_qemu_caps *qemu, cvm_err *err);

/* Fill what the spec left to the host (cbitpos, reduced_phys_bits from CPUID
 * 0x8000001F). Call after cvm_conf_check_support() succeeded. */
void cvm_conf_resolve(struct cvm_conf_spec *c, const struct cvm_sev_host *host);

/* Append the -object arguments for @c to @args and write the extra -machine
 * properties (",confidential-guest-support=sev0,memory-backend=ram1") into
 * @machine_props for the launcher to append to "-machine q35,accel=kvm".
 * Type none appends nothing and writes "". Every confidential type needs its
 * firmware given with -bios (SNP and TDX cannot use pflash), and SNP guests
 * need -m equal to @memory_mib (the memfd backend has that size). Reads the
 * id_block/id_auth files. */
int cvm_conf_qemu_args(const struct cvm_conf_spec *c, unsigned long long memory_mib, struct cvm_argv *args,
		       char *machine_props, size_t machine_props_len, cvm_err *err);

/* All of the above in one call for the launcher: probe the host under
 * @host_root and the emulator (cached in @cache_dir, may be NULL), refuse
 * what they lack (CVM_EXIT_BADINPUT, nothing changed), copy @in to @out with
 * host-derived values filled in, and append the QEMU arguments. Type none
 * probes nothing and appends nothing. */
int cvm_conf_prepare(const struct cvm_conf_spec *in, const char *host_root, const char *emulator,
		     const char *cache_dir, unsigned long long memory_mib, struct cvm_conf_spec *out,
		     struct cvm_argv *args, char *machine_props, size_t machine_props_len, cvm_err *err);

/* The QEMU -cpu model the guest must run with for the expected measurement
 * to hold (the VMSAs carry its CPUID signature): the spec's vcpu_type for
 * sev-es and sev-snp, NULL for other types (any model). */
const char *cvm_conf_cpu_model(const struct cvm_conf_spec *c);

/* The measurement a verifier should expect for this launch, lower-case hex,
 * into @hex_out (>= 97 bytes): SNP launch digest for sev-snp, launch digest
 * (SHA-256, before the PSP's HMAC) for sev and sev-es. @kernel/@initrd/
 * @cmdline count only with kernel_hashes. Types none and tdx write "" and
 * succeed (no expected measurement is computed for them). */
int cvm_conf_expected_measurement(const struct cvm_conf_spec *c, const char *firmware, const char *kernel,
				  const char *initrd, const char *cmdline, unsigned vcpus, char *hex_out,
				  size_t len, cvm_err *err);

#endif
