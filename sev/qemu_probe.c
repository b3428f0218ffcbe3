/* QEMU capability probe with a per-binary cache: the QMP conversation costs
 * a QEMU start (~100 ms), the binary's SHA-256 a read; the answer changes
 * only with the binary (and, for query-sev-capabilities, the host kernel). */
#include "sev_qemu.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cvm_cleanup.h"
#include "cvm_fileio.h"
#include "cvm_json.h"

#define CACHE_FORMAT 1

bool cvm_qemu_version_at_least(const struct cvm_qemu_caps *c, unsigned major, unsigned minor)
{
	return c->major > major || (c->major == major && c->minor >= minor);
}

/* @name with a slash is taken as is; otherwise the first executable in PATH. */
static int resolve(const char *name, char *out, size_t len, cvm_err *err)
{
	if (!name || !*name)
		return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "no emulator given");
	if (strchr(name, '/')) {
		if (access(name, X_OK) < 0)
			return cvm_err_sys(err, CVM_EXIT_BADINPUT, "emulator %s", name);
		snprintf(out, len, "%s", name);
		return 0;
	}
	const char *path = getenv("PATH");
	cvm_autofree char *copy = strdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	if (!copy)
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	char *save = NULL;
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		struct stat st;
		snprintf(out, len, "%s/%s", dir, name);
		if (stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0)
			return 0;
	}
	return cvm_err_set(err, CVM_EXIT_BADINPUT, 0, "emulator %s not found in PATH", name);
}

void cvm_qemu_caps_to_json(const struct cvm_qemu_caps *c, struct json_object *out)
{
	char v[48];
	snprintf(v, sizeof(v), "%u.%u.%u", c->major, c->minor, c->micro);
	/* "available"/"detail" first: the same shape as the launcher's probe entries */
	char d[256];
	snprintf(d, sizeof(d), "%s %s: sev-guest %s, sev-snp-guest %s, tdx-guest %s", c->emulator, v,
		 c->sev_guest ? "yes" : "no", c->sev_snp_guest ? "yes" : "no (9.1+)", c->tdx_guest ? "yes" : "no (10.1+)");
	json_object_object_add(out, "available", json_object_new_boolean(true));
	json_object_object_add(out, "detail", json_object_new_string(d));
	json_object_object_add(out, "emulator", json_object_new_string(c->emulator));
	json_object_object_add(out, "sha256", json_object_new_string(c->sha256));
	json_object_object_add(out, "version", json_object_new_string(v));
	json_object_object_add(out, "package", json_object_new_string(c->package));
	json_object_object_add(out, "sev_guest", json_object_new_boolean(c->sev_guest));
	json_object_object_add(out, "sev_snp_guest", json_object_new_boolean(c->sev_snp_guest));
	json_object_object_add(out, "tdx_guest", json_object_new_boolean(c->tdx_guest));
	struct json_object *s = json_object_new_object();
	json_object_object_add(s, "available", json_object_new_boolean(c->sev_caps));
	if (c->sev_caps) {
		json_object_object_add(s, "cbitpos", json_object_new_int((int)c->sev_cbitpos));
		json_object_object_add(s, "reduced_phys_bits", json_object_new_int((int)c->sev_reduced_phys_bits));
	} else {
		json_object_object_add(s, "reason", json_object_new_string(c->sev_caps_reason));
	}
	json_object_object_add(out, "sev_capabilities", s);
	json_object_object_add(out, "from_cache", json_object_new_boolean(c->from_cache));
}

static int str_field(struct json_object *o, const char *key, char *out, size_t len)
{
	struct json_object *v = NULL;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string) ||
	    strlen(json_object_get_string(v)) >= len)
		return -1;
	snprintf(out, len, "%s", json_object_get_string(v));
	return 0;
}

static int bool_field(struct json_object *o, const char *key, bool *out)
{
	struct json_object *v = NULL;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_boolean))
		return -1;
	*out = json_object_get_boolean(v);
	return 0;
}

int cvm_qemu_caps_from_json(struct json_object *in, struct cvm_qemu_caps *out)
{
	char v[48];
	struct json_object *s = NULL, *x = NULL;
	long long n = 0;
	memset(out, 0, sizeof(*out));
	if (str_field(in, "emulator", out->emulator, sizeof(out->emulator)) < 0 ||
	    str_field(in, "sha256", out->sha256, sizeof(out->sha256)) < 0 ||
	    str_field(in, "version", v, sizeof(v)) < 0 ||
	    sscanf(v, "%u.%u.%u", &out->major, &out->minor, &out->micro) != 3 ||
	    str_field(in, "package", out->package, sizeof(out->package)) < 0 ||
	    bool_field(in, "sev_guest", &out->sev_guest) < 0 ||
	    bool_field(in, "sev_snp_guest", &out->sev_snp_guest) < 0 ||
	    bool_field(in, "tdx_guest", &out->tdx_guest) < 0 ||
	    !json_object_object_get_ex(in, "sev_capabilities", &s) || bool_field(s, "available", &out->sev_caps) < 0)
		return -1;
	if (!out->sev_caps)
		return str_field(s, "reason", out->sev_caps_reason, sizeof(out->sev_caps_reason));
	if (!json_object_object_get_ex(s, "cbitpos", &x) || cvm_json_int(x, 0, 63, &n) < 0)
		return -1;
	out->sev_cbitpos = (unsigned)n;
	if (!json_object_object_get_ex(s, "reduced_phys_bits", &x) || cvm_json_int(x, 0, 63, &n) < 0)
		return -1;
	out->sev_reduced_phys_bits = (unsigned)n;
	return 0;
}

static void kernel_release(char *out, size_t len)
{
	struct utsname u;
	snprintf(out, len, "%s", uname(&u) == 0 ? u.release : "?");
}

/* A usable cache entry for this binary and kernel, or -1 (stale, absent,
 * malformed: all mean "probe again"). */
static int cache_load(const char *file, const char *sha, const char *path, struct cvm_qemu_caps *out)
{
	cvm_autofree uint8_t *text = NULL;
	size_t len = 0;
	cvm_autojson struct json_object *o = NULL;
	struct json_object *v = NULL;
	char rel[256], krel[256];
	long long fmt = 0;
	if (cvm_read_file(file, 1 << 20, &text, &len, NULL) < 0 ||
	    cvm_json_parse_object((const char *)text, file, &o, NULL) < 0)
		return -1;
	if (!json_object_object_get_ex(o, "format", &v) || cvm_json_int(v, 0, 1000, &fmt) < 0 || fmt != CACHE_FORMAT ||
	    str_field(o, "kernel", krel, sizeof(krel)) < 0 || !json_object_object_get_ex(o, "caps", &v) ||
	    cvm_qemu_caps_from_json(v, out) < 0)
		return -1;
	kernel_release(rel, sizeof(rel));
	if (strcmp(krel, rel) != 0 || strcmp(out->sha256, sha) != 0)
		return -1;
	snprintf(out->emulator, sizeof(out->emulator), "%s", path); /* same bytes, maybe another path */
	out->from_cache = true;
	return 0;
}

static int cache_store(const char *dir, const char *file, const struct cvm_qemu_caps *c, cvm_err *err)
{
	char rel[256];
	cvm_autojson struct json_object *o = json_object_new_object();
	struct json_object *caps = json_object_new_object();
	if (!o || !caps) {
		json_object_put(caps);
		return cvm_err_set(err, CVM_EXIT_FAILURE, ENOMEM, "out of memory");
	}
	kernel_release(rel, sizeof(rel));
	cvm_qemu_caps_to_json(c, caps);
	json_object_object_add(o, "format", json_object_new_int(CACHE_FORMAT));
	json_object_object_add(o, "kernel", json_object_new_string(rel));
	json_object_object_add(o, "caps", caps);
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (cvm_mkdir_p(dir, 0755, err) < 0)
		return -1;
	return cvm_write_atomic(file, text, strlen(text), 0644, err);
}

int cvm_qemu_probe(const char *emulator, const char *cache_dir, struct cvm_qemu_caps *out, cvm_err *err)
{
	char path[sizeof(out->emulator)], sha[65], file[4200];
	memset(out, 0, sizeof(*out));
	if (resolve(emulator, path, sizeof(path), err) < 0 || cvm_sha256_file_hex(path, sha, err) < 0)
		return -1;
	bool cache = cache_dir && *cache_dir;
	if (cache) {
		snprintf(file, sizeof(file), "%s/qemu-caps-%s.json", cache_dir, sha);
		if (cache_load(file, sha, path, out) == 0)
			return 0;
	}
	memset(out, 0, sizeof(*out));
	snprintf(out->emulator, sizeof(out->emulator), "%s", path);
	memcpy(out->sha256, sha, sizeof(sha));
	if (cvm_qemu_probe_qmp(path, out, err) < 0)
		return -1;
	if (cache && cache_store(cache_dir, file, out, err) < 0)
		return cvm_err_prefix(err, "QEMU capability cache: ");
	return 0;
}
