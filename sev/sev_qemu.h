/* What a QEMU binary supports for confidential guests, asked through QMP
 * (DESIGN §2: "probed on the host and in QEMU, never assumed"). */
#ifndef CVM_SEV_QEMU_H
#define CVM_SEV_QEMU_H

#include <stdbool.h>

#include "cvm_err.h"

struct json_object;

struct cvm_qemu_caps {
	char emulator[4096];     /* resolved path */
	char sha256[65];         /* of the binary: the cache key */
	unsigned major, minor, micro;
	char package[128];
	bool sev_guest, sev_snp_guest, tdx_guest; /* QOM types present */
	bool sev_caps;           /* query-sev-capabilities answered */
	unsigned sev_cbitpos, sev_reduced_phys_bits;
	char sev_caps_reason[256]; /* why not, when !sev_caps */
	bool from_cache;
};

/* Probe @emulator (a path, or a name looked up in PATH): start it with
 * `-S -no-user-config -nodefaults -display none -machine none,accel=kvm:tcg
 * -qmp stdio` (KVM only so that query-sev-capabilities can answer; TCG
 * otherwise), handshake, query-version, qom-list-types and, when it has
 * sev-guest, query-sev-capabilities; then quit. With @cache_dir (NULL or ""
 * = no cache) the result is kept in <cache_dir>/qemu-caps-<sha256>.json,
 * written atomically and reused while the binary's SHA-256 and the host
 * kernel release are unchanged. Failures: CVM_EXIT_BADINPUT for a missing
 * binary, CVM_EXIT_FAILURE when it does not speak QMP in time. */
int cvm_qemu_probe(const char *emulator, const char *cache_dir, struct cvm_qemu_caps *out, cvm_err *err);

/* The QMP exchange alone, on an already resolved binary (tests use it). */
int cvm_qemu_probe_qmp(const char *path, struct cvm_qemu_caps *out, cvm_err *err);

void cvm_qemu_caps_to_json(const struct cvm_qemu_caps *c, struct json_object *out);
/* Inverse of cvm_qemu_caps_to_json (for the cache); -1 if malformed. */
int cvm_qemu_caps_from_json(struct json_object *in, struct cvm_qemu_caps *out);

/* Pure: version comparisons used for messages and checks. */
bool cvm_qemu_version_at_least(const struct cvm_qemu_caps *c, unsigned major, unsigned minor);

#endif
