/* Host configuration: defaults, then the optional JSON file. Pure except for
 * reading the file, so unit tests and the fuzzer reach every branch. */
#include "hostcfg.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cvm_cleanup.h"
#include "cvm_fileio.h"
#include "cvm_json.h"

void cvm_hostcfg_defaults(struct cvm_hostcfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->state_dir, sizeof(cfg->state_dir), "/var/lib/cvm-launch");
	snprintf(cfg->run_dir, sizeof(cfg->run_dir), "/run/cvm-launch");
	snprintf(cfg->emulator, sizeof(cfg->emulator), "qemu-system-x86_64");
	snprintf(cfg->seccomp_policy_dir, sizeof(cfg->seccomp_policy_dir), "%s/seccomp", CVM_POLICY_DIR);
	snprintf(cfg->roots_dir, sizeof(cfg->roots_dir), "%s", CVM_ROOTS_DIR);
	cfg->uid_min = 200000;
	cfg->uid_max = 299999;
	cfg->mcs_min = 0;
	cfg->mcs_max = 1023;
	cfg->tpm_pcr = 23;
}

struct path_key {
	const char *key;
	size_t off;
	bool absolute; /* must be an absolute path */
};

#define PK(field, abs) { #field, offsetof(struct cvm_hostcfg, field), abs }
static const struct path_key string_keys[] = {
	PK(state_dir, true), PK(run_dir, true),         PK(emulator, false),
	PK(host_root, true), PK(seccomp_policy_dir, true), PK(tpm_tcti, false),
	PK(tpm_ak, false),   PK(roots_dir, true),
};
#undef PK

static int set_string(struct cvm_hostcfg *cfg, const struct path_key *pk, json_object *val,
		      const char *origin, cvm_err *err)
{
	char *dst = (char *)cfg + pk->off;
	const char *s;

	if (!json_object_is_type(val, json_type_string))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: %s: must be a string", origin, pk->key);
	s = json_object_get_string(val);
	if (strlen(s) >= 256)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: %s: longer than 255 bytes", origin, pk->key);
	if (pk->absolute && s[0] != '/')
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: %s: must be an absolute path", origin,
				   pk->key);
	/* these paths end up inside QEMU option strings, where ',' is a separator */
	if (pk->absolute && strchr(s, ','))
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: %s: must not contain ','", origin, pk->key);
	if (!pk->absolute && strcmp(pk->key, "emulator") == 0 && s[0] == '\0')
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: emulator: must not be empty", origin);
	snprintf(dst, 256, "%s", s);
	return 0;
}

static int set_range(json_object *val, const char *origin, const char *key, long long lo, long long hi,
		     long long *a, long long *b, cvm_err *err)
{
	if (!json_object_is_type(val, json_type_array) || json_object_array_length(val) != 2)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: %s: must be [first, last]", origin, key);
	if (cvm_json_int(json_object_array_get_idx(val, 0), lo, hi, a) < 0 ||
	    cvm_json_int(json_object_array_get_idx(val, 1), lo, hi, b) < 0)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: %s: values must be integers in %lld..%lld",
				   origin, key, lo, hi);
	if (*a > *b)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: %s: first (%lld) is above last (%lld)",
				   origin, key, *a, *b);
	return 0;
}

static int apply_key(struct cvm_hostcfg *cfg, const char *key, json_object *val, const char *origin,
		     cvm_err *err)
{
	long long a, b;

	for (size_t i = 0; i < sizeof(string_keys) / sizeof(string_keys[0]); i++)
		if (strcmp(key, string_keys[i].key) == 0)
			return set_string(cfg, &string_keys[i], val, origin, err);
	if (strcmp(key, "uid_range") == 0) {
		/* uids below 65536 collide with ordinary system and user accounts */
		if (set_range(val, origin, key, 65536, 2147483646LL, &a, &b, err) < 0)
			return -1;
		cfg->uid_min = (uid_t)a;
		cfg->uid_max = (uid_t)b;
		return 0;
	}
	if (strcmp(key, "mcs_range") == 0) {
		if (set_range(val, origin, key, 0, 1023, &a, &b, err) < 0)
			return -1;
		if (b - a < 1)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
					   "%s: mcs_range: needs at least two categories", origin);
		cfg->mcs_min = (unsigned)a;
		cfg->mcs_max = (unsigned)b;
		return 0;
	}
	if (strcmp(key, "tpm_pcr") == 0) {
		if (cvm_json_int(val, 0, 23, &a) < 0)
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: tpm_pcr: must be an integer in 0..23",
					   origin);
		cfg->tpm_pcr = (unsigned)a;
		return 0;
	}
	if (strcmp(key, "selinux_allow_permissive") == 0) {
		if (!json_object_is_type(val, json_type_boolean))
			return cvm_err_set(err, CVM_EXIT_BADINPUT, 0,
					   "%s: selinux_allow_permissive: must be true or false", origin);
		cfg->selinux_allow_permissive = json_object_get_boolean(val);
		return 0;
	}
	return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "%s: %s: unknown key", origin, key);
}

int cvm_hostcfg_parse(const char *json, const char *origin, struct cvm_hostcfg *cfg, cvm_err *err)
{
	cvm_autojson json_object *root = NULL;

	if (cvm_json_parse_object(json, origin, &root, err) < 0)
		return -1;
	json_object_object_foreach(root, key, val) {
		if (apply_key(cfg, key, val, origin, err) < 0)
			return -1;
	}
	return 0;
}

int cvm_hostcfg_load(const char *path, struct cvm_hostcfg *cfg, cvm_err *err)
{
	cvm_autofree uint8_t *buf = NULL;
	size_t len = 0;

	cvm_hostcfg_defaults(cfg);
	if (!path) {
		if (access(CVM_HOSTCFG_DEFAULT_PATH, F_OK) < 0 && errno == ENOENT)
			return 0;
		path = CVM_HOSTCFG_DEFAULT_PATH;
	}
	if (cvm_read_file(path, 1 << 20, &buf, &len, err) < 0)
		return cvm_err_prefix(err, "host config: ");
	if (cvm_hostcfg_parse((const char *)buf, path, cfg, err) < 0)
		return cvm_err_prefix(err, "host config: ");
	return 0;
}
